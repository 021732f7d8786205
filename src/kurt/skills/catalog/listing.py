"""The listing snapshot: ``kurt skill list --json`` without building anything.

With a thousand skills the warm listing must cost little more than starting
click, so this module imports only the standard library's ``os`` and ``sys``
and :mod:`kurt.skills.catalog.scan` (no ``pathlib``, ``json`` or ``tomllib``), and
does the least work that is still honest:

1. read one text file (written by :func:`kurt.skills.catalog.cache.load_catalog`
   whenever the catalog is rebuilt) holding the scan it was made from, one
   line per candidate, and each row as JSON text without its enabled state
   (comparing lines costs far less than decoding a thousand JSON objects);
2. scan the search folders and stat every manifest (strings only), and
   compare the scan with the stored one: any added, removed or modified
   skill, or an installed distribution (a ``sys.path`` folder's mtime), means
   the snapshot is refused and the caller rebuilds;
3. join the stored rows into the JSON array; they are rendered as enabled
   by default, so only rows whose state kurt.toml changes are decoded and
   rendered again.

``kurt skill list --json`` goes one step further (:func:`warm_listing`): a
small *pointer* file, keyed by the project, holds the search folders and the
``enabled``/``disabled`` lists as they were read from kurt.toml, with the
size, mtime, inode and ctime of the project's and the user's kurt.toml at
that moment. While those are unchanged the command needs neither the TOML
parser nor the configuration code; any edit of either file sends it down the
full path, which reads kurt.toml and rewrites the pointer.

Both files are text: fields separated by NUL (and unit separators inside a
field), one record per line. A name or path holding a newline or a separator
cannot be stored; such a set-up always takes the full path.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kurt._version import __version__
from kurt.skills.catalog.scan import digest, file_stamps, package_rows, path_stamps, scan_dir
from kurt.skills.status import STATUS_INVALID, STATUS_SHADOWED, status_of

if TYPE_CHECKING:
    from pathlib import Path

    from kurt.config.skills import SkillsConfig
    from kurt.skills.catalog.search import PackageSkill, SearchRoot

FORMAT = 10
_MAGIC = f"kurt skill listing {FORMAT}"
_POINTER_MAGIC = f"kurt skill listing pointer {FORMAT}"
_SEP = "\x00"
_FIELD = "\x1f"
PROJECT_FILE = "kurt.toml"
TRUST_FILE = "trusted-projects.json"  # kurt.config.locations.Locations.trust_file
# Every row ends so (SkillRecord.to_json puts "trusted" last, as true by default).
_TRUSTED_END = ', "trusted": true}'

State = Callable[[str], tuple[bool, str]]


def listing_file(cache: Path) -> Path:
    """The snapshot beside the cache file ``cache``."""
    return cache.with_name(cache.stem + ".list")


def key_text(values: list[Any]) -> str:
    """One scanned candidate as text (source, folder, manifest, size, mtime, ...)."""
    return _SEP.join(str(value) for value in values)


def default_texts(rows: list[dict[str, Any]]) -> list[str]:
    """Each ``SkillRecord.to_json()`` row as JSON text, as if the skill were
    enabled by default: the snapshot's rows, and ``kurt skill list --json``
    itself (joined as ``[a, b]``) when kurt.toml enables or disables nothing."""
    import json

    return [
        json.dumps({**row, "enabled": True, "reason": "default"}, ensure_ascii=False)
        for row in rows
    ]


def snapshot(
    stamps: list[list[Any]],
    packages: list[PackageSkill],
    keys: list[list[Any]],
    rows: list[dict[str, Any]],
    texts: list[str] | None = None,
    needs: str = "",
) -> bytes | None:
    """The snapshot file's bytes; ``rows`` are ``SkillRecord.to_json()`` before
    enabled state, in the order of ``keys``. ``None`` when a name or path cannot
    be stored (the listing then always scans).

    Lines: a format line; the ``sys.path`` stamps; the package scan; the
    requirements of the skills that declare some (``needs``: JSON ``{row:
    [manifest, requirements]}``, or empty, so that a listing without them
    never imports json); the count N; the N skill names; N candidate keys;
    then N rows as JSON, each as if the skill were enabled by default,
    trusted and runnable (the common case is then one join). ``texts`` are
    :func:`default_texts` of ``rows`` when already made.
    """
    header = [_MAGIC, _stamps_text(stamps), _packages_text(packages), needs, str(len(rows))]
    names = [row["name"] for row in rows]
    lines = [key_text(key) for key in keys]
    if texts is None:
        texts = default_texts(rows)
    if len(lines) != len(rows) or any(_SEP in name for name in names):
        return None
    if any("\n" in line for line in [*header, *lines, *names]):
        return None
    # json.dumps escapes control characters, so no row holds a line break.
    return "\n".join([*header, _SEP.join(names), *lines, *texts]).encode("utf-8")


def fast_listing(
    path: Path,
    roots: list[SearchRoot],
    config: SkillsConfig | None = None,
    untrusted: frozenset[str] = frozenset(),
) -> str | None:
    """The JSON array of ``kurt skill list --json``, or ``None`` when the
    snapshot at ``path`` is missing, unreadable or no longer true; the enabled
    state comes from ``config``, and skills found in the ``untrusted`` root
    folders are listed as not trusted."""
    state = config.state if config is not None and has_state(config) else None
    found = [(root.source, str(root.path), str(root.path) not in untrusted) for root in roots]
    return answer(str(path), found, state)


def has_state(config: SkillsConfig) -> bool:
    """Whether kurt.toml enables or disables anything (else every skill is
    enabled by default)."""
    return config.enabled is not None or bool(config.disabled)


def answer(path: str, roots: list[tuple[str, str, bool]], state: State | None) -> str | None:
    """The listing from the snapshot at ``path`` if a scan of ``roots`` (source,
    folder, whether its skills are trusted) matches it; ``state`` gives each
    skill's enabled state (``None``: every skill enabled by default)."""
    try:
        with open(path, "rb") as file:
            text = file.read().decode("utf-8")
        magic, stamps, packages_text, needs_text, count_text, rest = text.split("\n", 5)
        count = int(count_text)
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if magic != _MAGIC or stamps != _stamps_text(path_stamps()):
        return None
    parts = rest.split("\n", count + 1) if count else [rest]
    if len(parts) != count + 2 and count:
        return None
    packages = _packages_from(packages_text)
    if packages is None:
        return None
    keys, owners = scan_keys([(source, folder) for source, folder, _ in roots], packages)
    if len(keys) != count or keys != parts[1 : count + 1]:
        return None
    if not count:
        return "[]"
    body = parts[count + 1]
    unmet = _unmet(needs_text) if needs_text else {}
    trusted = [owner < 0 or roots[owner][2] for owner in owners]
    if state is None and not unmet and all(trusted):
        return "[" + body.replace("\n", ", ") + "]"
    names = parts[0].split(_SEP)
    rows = body.split("\n")
    if len(names) != count or len(rows) != count or unmet is None:
        return None
    shown = (
        _row(text, *(state(name) if state else (True, "default")), unmet.get(i), trusted[i])
        for i, (name, text) in enumerate(zip(names, rows, strict=True))
    )
    return "[" + ", ".join(shown) + "]"


def scan_keys(
    roots: list[tuple[str, str]], packages: list[tuple[str, str, str, str | None]]
) -> tuple[list[str], list[int]]:
    """Every candidate skill found now in ``roots`` (source, folder) and the
    located entry points ``packages``, as :func:`key_text` lines (folder,
    manifest, its size and mtime_ns, ...), in search order; with, for each,
    the position in ``roots`` of the folder it was found in (-1: a package).

    What a snapshot stores is valid while this is unchanged: any skill added,
    removed, renamed or whose manifest was rewritten (a new size or mtime)
    changes a line.
    """
    keys: list[str] = []
    owners: list[int] = []
    for position, (source, folder) in enumerate(roots):
        if source == "builtin":
            keys += [key_text(row) for row in package_rows(packages)]
            owners += [-1] * (len(keys) - len(owners))
        prefix = source + _SEP
        keys += [
            f"{prefix}{entry[0]}{_SEP}{entry[1]}{_SEP}{entry[2]}{_SEP}{entry[3]}{_SEP}None"
            f"{_SEP}{entry[4]}"
            for entry in scan_dir(folder)
        ]
        owners += [position] * (len(keys) - len(owners))
    if not any(source == "builtin" for source, _ in roots):
        keys += [key_text(row) for row in package_rows(packages)]
        owners += [-1] * (len(keys) - len(owners))
    return keys, owners


def _unmet(needs_text: str) -> dict[int, list[str]] | None:
    """Row -> what this machine lacks to run it, for the skills that declare
    requirements (checked now: the environment is never cached)."""
    import json

    from kurt.skills.environment import unmet

    try:
        needs = json.loads(needs_text)
        found = {int(row): unmet(extra, manifest) for row, (manifest, extra) in needs.items()}
    except (ValueError, TypeError, AttributeError):
        return None
    return {row: [str(p) for p in problems] for row, problems in found.items() if problems}


def _row(text: str, enabled: bool, reason: str, unmet: list[str] | None, trusted: bool) -> str:
    """A row rendered with its real enabled state, what this machine lacks and
    whether it is trusted (decoded only when one of them differs)."""
    if enabled and reason == "default" and not unmet:
        if trusted:
            return text
        if text.endswith(_TRUSTED_END):
            return text[: -len(_TRUSTED_END)] + ', "trusted": false}'
    import json

    row = json.loads(text)
    row["enabled"], row["reason"], row["trusted"] = enabled, reason, trusted
    row["problems"] += unmet or []
    row["status"] = status_of(
        shadowed=row["status"] == STATUS_SHADOWED,
        enabled=enabled,
        valid=row["status"] != STATUS_INVALID,
        runnable=not unmet,
    )
    return json.dumps(row, ensure_ascii=False)


def _stamps_text(stamps: list[list[Any]]) -> str:
    return _SEP.join(f"{entry}{_FIELD}{mtime}" for entry, mtime in stamps)


def _packages_text(packages: list[PackageSkill]) -> str:
    return _SEP.join(
        _FIELD.join([name, distribution, module, "" if folder is None else folder])
        for name, distribution, module, folder in packages
    )


def _packages_from(text: str) -> list[tuple[str, str, str, str | None]] | None:
    found: list[tuple[str, str, str, str | None]] = []
    for item in text.split(_SEP) if text else []:
        fields = item.split(_FIELD)
        if len(fields) != 4:
            return None
        name, distribution, module, folder = fields
        found.append((name, distribution, module, folder or None))
    return found


# -- the pointer: kurt skill list --json without reading kurt.toml ---------------------


def pointer_file(cache_dir: str, project_root: str | None, builtin_dir: str | None) -> str:
    """Where the pointer of this project (and Kurt, and interpreter) lives."""
    key = _SEP.join([__version__, sys.executable, project_root or "", builtin_dir or ""])
    return os.path.join(cache_dir, f"listing-{digest(key)}.txt")


def config_stamps(project_root: str | None, home: str) -> str:
    """What says the project's and the user's kurt.toml, and the trust record,
    are unchanged."""
    project_file = os.path.join(project_root, PROJECT_FILE) if project_root else None
    trust = os.path.join(home, TRUST_FILE)
    return file_stamps([project_file, os.path.join(home, PROJECT_FILE), trust])


def pointer(
    stamps: str,
    config: SkillsConfig,
    roots: list[SearchRoot],
    snapshot_name: str,
    untrusted: frozenset[str] = frozenset(),
) -> bytes | None:
    """The pointer file's bytes: the kurt.toml (and trust record) stamps taken
    *before* ``config`` was read, the roots (each with whether its skills are
    trusted: not when it is in ``untrusted``), the enabled state lists and the
    snapshot's file name; ``None`` when something cannot be stored."""
    names = [*(config.enabled or ()), *config.disabled]
    folders = [str(root.path) for root in roots]
    if any(c in text for text in [*names, *folders] for c in ("\n", _SEP, _FIELD)):
        return None
    enabled = "-" if config.enabled is None else "+" + _SEP.join(sorted(config.enabled))
    disabled = _SEP.join(sorted(config.disabled))
    root_text = _SEP.join(
        f"{root.source}{_FIELD}{root.path}{_FIELD}{'-' if str(root.path) in untrusted else '+'}"
        for root in roots
    )
    lines = [_POINTER_MAGIC, stamps, enabled, disabled, snapshot_name, root_text]
    if "\n" in stamps + snapshot_name:
        return None
    return "\n".join(lines).encode("utf-8")


def pointer_stamps(path: str) -> str | None:
    """The kurt.toml stamps a pointer file holds (``None`` when unreadable)."""
    lines = _read_pointer(path)
    return lines[1] if lines is not None else None


def _read_pointer(path: str) -> list[str] | None:
    try:
        with open(path, "rb") as file:
            lines = file.read().decode("utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return None
    if len(lines) != 6 or lines[0] != _POINTER_MAGIC:
        return None
    return lines


def warm_listing(project: str | None) -> str | None:
    """``kurt skill list --json`` for ``--project project`` (or the project
    found as :func:`kurt.config.locations.find_project_root` finds it), from
    the pointer and the snapshot; ``None`` whenever anything is not exactly
    as it was (the caller then takes the full path, which also reports errors
    such as a missing project folder)."""
    from kurt.config.locations import cache_text, home_text, project_root_text

    root = project_root_text(project)
    if root is False:
        return None
    project_root = root if isinstance(root, str) else None
    home = home_text()
    cache_dir = cache_text(home)
    builtin = os.path.join(os.path.dirname(os.path.abspath(__file__)), "builtin")
    lines = _read_pointer(pointer_file(cache_dir, project_root, builtin))
    if lines is None or lines[1] != config_stamps(project_root, home):
        return None
    _, _, enabled_text, disabled_text, name, root_text = lines
    roots: list[tuple[str, str, bool]] = []
    for item in root_text.split(_SEP) if root_text else []:
        fields = item.split(_FIELD)
        if len(fields) != 3:
            return None
        roots.append((fields[0], fields[1], fields[2] == "+"))
    state: State | None = None
    if enabled_text != "-" or disabled_text:
        from kurt.config.skills import SkillsConfig

        enabled = frozenset(enabled_text[1:].split(_SEP)) - {""} if enabled_text != "-" else None
        disabled = frozenset(disabled_text.split(_SEP)) - {""}
        state = SkillsConfig(enabled=enabled, disabled=disabled).state
    return answer(os.path.join(cache_dir, "skills", name), roots, state)
