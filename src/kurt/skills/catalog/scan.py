"""Scanning search folders as plain strings: the part of discovery the warm listing needs.

``kurt skill list --json`` with a warm cache must cost little more than
starting click, so what it runs on every call lives here, with nothing but
``os``, ``stat`` and ``sys``: no ``pathlib`` (about a tenth of importing click,
with the ``urllib`` it pulls in), no records, no ``NamedTuple`` built from
annotations. :mod:`kurt.skills.catalog.search` wraps these functions into its
``Path``-based API; both produce the same strings, so a scan done here can be
compared with one stored by the full discovery.
"""

from __future__ import annotations

import os
import stat
import sys
from operator import attrgetter

# Not `from typing import ...`: `kurt --help` reads the snapshot through this
# module, and importing typing costs a third of its budget (bench/startup.py).
# Type checkers treat any name TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

MANIFEST_NAMES = ("SKILL.md", "skill.md")
_SKILL_MD = os.sep + MANIFEST_NAMES[0]
_NAME = attrgetter("name")

#: One entry of a scan: folder, manifest (``None`` when refused), the manifest's
#: size and mtime_ns (-1 when refused), and why Kurt refuses it (or ``None``).
#: A plain tuple: :class:`kurt.skills.catalog.search.Found` is its typed form.
Entry = tuple[str, str | None, int, int, str | None]


def scan_dir(base: str) -> list[Entry]:
    """The skill folders directly inside ``base``, sorted by name.

    Entries starting with ``.`` or ``_`` and folders without a manifest are
    skipped. A folder or manifest that is a symlink resolving outside ``base``
    is refused: a project cannot reach files elsewhere through its skills.
    """
    # Every read-only command runs this over every skill (SPEC section 8: each
    # manifest is stat-ed), so the loop is kept to the one lstat per skill that
    # freshness needs: the common case (a real folder holding a regular
    # SKILL.md) takes no function call of Kurt's, and sorting uses a C key.
    try:
        with os.scandir(base) as listing:
            entries = [e for e in listing if e.name[0] not in "._"]
    except OSError:
        return []
    entries.sort(key=_NAME)
    real_root: str | None = None
    found: list[Entry] = []
    append = found.append
    lstat = os.lstat
    for entry in entries:
        try:
            if not entry.is_dir():
                continue
        except OSError:
            continue
        folder = entry.path
        if entry.is_symlink():
            real_root = real_root or os.path.realpath(base)
            if not _inside(os.path.realpath(folder), real_root):
                append(_refused(base, folder, "the folder is a symlink leading outside"))
                continue
        manifest = folder + _SKILL_MD
        try:
            info = lstat(manifest)
        except OSError:
            other, other_info = lstat_manifest(folder)  # skill.md, or none at all
            if other is None or other_info is None:
                continue
            manifest, info = other, other_info
        if stat.S_ISREG(info.st_mode):
            append((folder, manifest, info.st_size, info.st_mtime_ns, None))
            continue
        if stat.S_ISLNK(info.st_mode):
            real_root = real_root or os.path.realpath(base)
            if not _inside(os.path.realpath(manifest), real_root):
                name = os.path.basename(manifest)
                append(_refused(base, folder, f"{name} is a symlink leading outside"))
                continue
            try:
                info = os.stat(manifest)
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode):
                append((folder, manifest, info.st_size, info.st_mtime_ns, None))
    return found


def _refused(base: str, folder: str, what: str) -> Entry:
    return (folder, None, -1, -1, f"{what} its search path {base}; refused")


def lstat_manifest(folder: str) -> tuple[str | None, os.stat_result | None]:
    """The manifest of ``folder`` (``SKILL.md``, else ``skill.md``) and its ``lstat``."""
    for name in MANIFEST_NAMES:
        path = folder + os.sep + name
        try:
            return path, os.lstat(path)
        except OSError:
            continue
    return None, None


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def package_rows(packages: list[Any]) -> list[list[Any]]:
    """Candidates for located entry points, as ``[source, folder, manifest, size,
    mtime_ns, entry_point, refused]`` rows (a missing module or manifest is refused).

    ``packages`` are :class:`kurt.skills.catalog.search.PackageSkill` rows
    (name, distribution, module, folder).
    """
    rows: list[list[Any]] = []
    for name, distribution, module, located in packages:
        where = f"entry point '{name}' of distribution '{distribution}'"
        if located is None:
            folder = module.replace(".", os.sep)
            refused = f"{where} names module '{module}', which cannot be found"
            rows.append(["package", folder, None, -1, -1, name, refused])
            continue
        manifest, info = lstat_manifest(located)
        if manifest is None or info is None:
            refused = f"{where} names {located}, which holds no SKILL.md"
            rows.append(["package", located, None, -1, -1, name, refused])
            continue
        if stat.S_ISLNK(info.st_mode):
            info = os.stat(manifest)
        rows.append(["package", located, manifest, info.st_size, info.st_mtime_ns, name, None])
    return rows


def path_stamps() -> list[list[Any]]:
    """The modification times of ``sys.path`` folders: installing or removing a
    distribution changes one, which invalidates the cached package scan.

    ``sys.path[0]`` (the script's folder or the working directory) is left
    out: it changes with every file written in the current folder and would
    make the cache useless; a distribution installed there is rare.
    """
    stamps: list[list[Any]] = []
    for entry in sys.path[1:]:
        try:
            stamps.append([entry, os.stat(entry or ".").st_mtime_ns])
        except OSError:
            stamps.append([entry, -1])
    return stamps


def file_stamps(files: list[str | None]) -> str:
    """Size, mtime and inode of each file (``-`` when absent, ``none`` when
    ``None``), as one line of text: what says a kurt.toml is unchanged."""
    parts = []
    for file in files:
        if file is None:
            parts.append("none")
            continue
        try:
            info = os.stat(file)
        except OSError:
            parts.append("-")
            continue
        parts.append(f"{info.st_size}:{info.st_mtime_ns}:{info.st_ino}:{info.st_ctime_ns}")
    return " ".join(parts)


def digest(text: str) -> str:
    """FNV-1a, 64 bits, as 16 hex digits: a file name, not a secret (hashlib or
    zlib would cost an extension module's import on the warm listing path)."""
    value = 0xCBF29CE484222325
    for byte in text.encode("utf-8"):
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{value:016x}"
