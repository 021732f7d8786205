"""The run index: which skill provides a name, answered with a few ``stat`` calls.

``kurt tool run X`` among a thousand skills must cost about what it costs
among one. The index file (beside the manifest cache, written whenever the
catalog is rebuilt) holds the search roots' modification times, the
``sys.path`` stamps, the provided-name index, and each winning skill's record
as a JSON *string*: loading the file parses a thousand short strings, not a
thousand nested objects, and only the records a run uses are decoded.

Freshness (SPEC section 8): the index is used only while a scan of the
search folders now (:func:`kurt.skills.catalog.listing.scan_keys`: every
skill folder and the size and mtime of every manifest, as the warm listing
does, strings only) and the installed distributions are exactly as when it
was written. A SKILL.md rewritten in place, by any editor, so changes the
index's key and the next command rebuilds what changed; a name the index
does not know is still checked against a full scan by the manager before it
is called unknown.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from kurt.config.skills import SkillsConfig
from kurt.skills.catalog.listing import scan_keys
from kurt.skills.catalog.precedence import Index, apply_state
from kurt.skills.record import STATUS_SHADOWED, Clash, Provided, SkillProblem, SkillRecord

FORMAT = 8


def index_file(cache: Path) -> Path:
    """The run index beside the cache file ``cache``."""
    return cache.with_name(cache.stem + ".index.json")


def index_body(
    records: list[SkillRecord],
    providers: Index,
    stamps: dict[Path, tuple[int, int]],
    keys: list[str],
    packages: list[list[Any]],
    path_stamps: list[list[Any]],
) -> dict[str, Any]:
    """What :func:`read_index` reads back (records before enabled state)."""
    texts = {
        r.name: json.dumps(_plain(r, stamps.get(r.manifest_path)), ensure_ascii=False)
        for r in records
        if r.status != STATUS_SHADOWED
    }
    return {
        "format": FORMAT,
        "keys": keys,
        "packages": packages,
        "path_stamps": path_stamps,
        "providers": providers,
        "records": texts,
    }


class QuickCatalog:
    """The index as the manager uses it: names, providers, records on demand."""

    def __init__(self, providers: Index, texts: dict[str, str], config: SkillsConfig) -> None:
        self.providers = providers
        self._texts = texts
        self._config = config
        self._decoded: dict[str, tuple[SkillRecord, tuple[int, int] | None]] = {}

    def find(self, name: str) -> SkillRecord | None:
        """The winning skill called ``name``, with its enabled state applied."""
        found = self._decode(name)
        return found[0] if found else None

    def fresh(self, record: SkillRecord) -> bool:
        """Whether ``record``'s manifest is as it was when the index was written."""
        found = self._decode(record.name)
        return found is not None and found[1] is not None and _stamp(record) == found[1]

    def _decode(self, name: str) -> tuple[SkillRecord, tuple[int, int] | None] | None:
        if name not in self._decoded:
            text = self._texts.get(name)
            if text is None:
                return None
            record, stamp = _from_plain(json.loads(text))
            self._decoded[name] = (apply_state([record], self._config)[0], stamp)
        return self._decoded[name]


def read_index(
    path: Path,
    config: SkillsConfig,
    roots: list[tuple[str, str]],
    path_stamps: list[list[Any]],
) -> QuickCatalog | None:
    """The index at ``path`` if a scan of ``roots`` (source, folder) now finds
    every skill as it was; ``None`` otherwise (or if unreadable)."""
    try:
        data = json.loads(path.read_bytes())
        if data["format"] != FORMAT or data["path_stamps"] != path_stamps:
            return None
        packages = [(str(a), str(b), str(c), d) for a, b, c, d in data["packages"]]
        if scan_keys(roots, packages)[0] != data["keys"]:
            return None
        providers: Index = data["providers"]
        texts: dict[str, str] = data["records"]
        if not isinstance(providers, dict) or not isinstance(texts, dict):
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return QuickCatalog(providers, texts, config)


def _stamp(record: SkillRecord) -> tuple[int, int] | None:
    try:
        info = os.stat(record.manifest_path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


def _plain(record: SkillRecord, stamp: tuple[int, int] | None) -> dict[str, Any]:
    return {
        "name": record.name,
        "path": str(record.path),
        "source": record.source,
        "manifest_path": str(record.manifest_path),
        "version": record.version,
        "description": record.description,
        "provides": [list(p) for p in record.provides],
        "requires_skills": list(record.requires_skills),
        "settings": record.settings,
        "problems": [list(p) for p in record.problems],
        "status": record.status,
        "code_path": str(record.code_path) if record.code_path else None,
        "extra": record.extra,
        "clashes": [list(clash) for clash in record.clashes],
        "stamp": list(stamp) if stamp else None,
    }


def _from_plain(data: dict[str, Any]) -> tuple[SkillRecord, tuple[int, int] | None]:
    stamp = data.get("stamp")
    record = SkillRecord(
        name=data["name"],
        path=Path(data["path"]),
        source=data["source"],
        manifest_path=Path(data["manifest_path"]),
        version=data["version"],
        description=data["description"],
        provides=tuple(Provided(*p) for p in data["provides"]),
        requires_skills=tuple(data["requires_skills"]),
        settings=data["settings"],
        problems=tuple(SkillProblem(*p) for p in data["problems"]),
        status=data["status"],
        code_path=Path(data["code_path"]) if data["code_path"] else None,
        extra=data["extra"],
        clashes=tuple(Clash(*clash) for clash in data["clashes"]),
    )
    return record, (int(stamp[0]), int(stamp[1])) if stamp else None
