"""The listing snapshot: ``kurt skill list --json`` without building anything.

With a thousand skills the warm listing must cost little more than starting
click, so this module imports only the standard library and
:mod:`kurt.skills.discovery`, and does the least work that is still honest:

1. read one text file (written by :func:`kurt.skills.cache.load_catalog`
   whenever the catalog is rebuilt) holding the scan it was made from, one
   line per candidate, and each row as JSON text without its enabled state
   (splitting lines costs far less than decoding a thousand JSON objects);
2. scan the search folders and stat every manifest (strings only, no Path
   objects), and compare the scan with the stored one: any added, removed or
   modified skill, or an installed distribution, means the snapshot is
   refused and the caller rebuilds;
3. join the stored rows into the JSON array; they are rendered as enabled
   by default, so only rows whose state kurt.toml changes (read anew every
   time) are decoded and rendered again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kurt.config.skills import SkillsConfig
from kurt.skills.discovery import (
    PackageSkill,
    SearchRoot,
    package_candidates,
    path_stamps,
    scan_folder,
)

FORMAT = 3
_SEP = "\x00"


def listing_file(cache: Path) -> Path:
    """The snapshot beside the cache file ``cache``."""
    return cache.with_name(cache.stem + ".list")


def key_text(values: list[Any]) -> str:
    """One scanned candidate as text (source, folder, manifest, size, mtime, ...)."""
    return _SEP.join(str(value) for value in values)


def snapshot(
    stamps: list[list[Any]],
    packages: list[PackageSkill],
    keys: list[list[Any]],
    rows: list[dict[str, Any]],
) -> bytes | None:
    """The snapshot file's bytes; ``rows`` are ``SkillRecord.to_json()`` before
    enabled state, in the order of ``keys``. ``None`` when a name or path holds
    a newline or NUL (the text format cannot hold it; listing then always scans).

    The file is a JSON header line, one line per scanned candidate, then one
    line per row: ``name NUL row-json`` with the row as if every skill were
    enabled by default (the common case is then a plain join).
    """
    header = json.dumps(
        {
            "format": FORMAT,
            "path_stamps": stamps,
            "packages": [list(p) for p in packages],
            "count": len(rows),
        }
    )
    lines = [key_text(key) for key in keys]
    for row in rows:
        default = {**row, "enabled": True, "reason": "default"}
        lines.append(_SEP.join((row["name"], json.dumps(default, ensure_ascii=False))))
    if len(lines) != 2 * len(rows) or any("\n" in line for line in lines):
        return None
    if any(line.count(_SEP) != 1 for line in lines[len(rows) :]):
        return None
    return "\n".join([header, *lines]).encode("utf-8")


def fast_listing(path: Path, roots: list[SearchRoot], config: SkillsConfig) -> str | None:
    """The JSON array of ``kurt skill list --json``, or ``None`` when the
    snapshot at ``path`` is missing, unreadable or no longer true."""
    try:
        header_text, _, body = path.read_bytes().decode("utf-8").partition("\n")
        header = json.loads(header_text)
        if header["format"] != FORMAT or header["path_stamps"] != path_stamps():
            return None
        count: int = header["count"]
        packages = [PackageSkill(*row) for row in header["packages"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    keys: list[str] = []
    for root in roots:
        if root.source == "builtin":
            keys += [_package_key(c) for c in package_candidates(packages)]
        prefix = root.source + _SEP
        keys += [
            f"{prefix}{f.folder}{_SEP}{f.manifest}{_SEP}{f.size}{_SEP}{f.mtime_ns}{_SEP}None"
            f"{_SEP}{f.refused}"
            for f in scan_folder(root)
        ]
    if not any(root.source == "builtin" for root in roots):
        keys += [_package_key(c) for c in package_candidates(packages)]
    lines = body.split("\n") if body else []
    if len(keys) != count or len(lines) != 2 * count or keys != lines[:count]:
        return None
    rows = [line.split(_SEP, 1) for line in lines[count:]]
    if config.enabled is not None or config.disabled:
        rows = [[name, _with_state(text, *config.state(name))] for name, text in rows]
    return "[" + ", ".join(text for _, text in rows) + "]"


def _with_state(text: str, enabled: bool, reason: str) -> str:
    """A row rendered with its real enabled state (only when it differs)."""
    if enabled and reason == "default":
        return text
    row = json.loads(text)
    row["enabled"], row["reason"] = enabled, reason
    if row["status"] != "shadowed" and not enabled:
        row["status"] = "disabled"
    return json.dumps(row, ensure_ascii=False)


def _package_key(candidate: Any) -> str:
    return key_text(
        [
            candidate.source,
            str(candidate.folder),
            str(candidate.manifest) if candidate.manifest is not None else None,
            candidate.size,
            candidate.mtime_ns,
            candidate.entry_point,
            candidate.refused,
        ]
    )
