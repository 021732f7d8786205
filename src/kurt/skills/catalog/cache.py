"""Parsed manifests cached as JSON under ``KURT_HOME/cache/skills/``.

The cache is derived data: deleting it is always safe. One file per set of
search roots (a project and its user) holds

- ``roots``: each search root with its folder's modification time;
- ``path_stamps`` and ``packages``: the ``sys.path`` folders' modification
  times and the ``kurt.skills`` entry points found then (installing a
  distribution changes a ``sys.path`` folder, so the scan is redone);
- ``skills``: each candidate in search order, with the manifest's size and
  modification time (ns) and the facts read from it (:mod:`kurt.skills.manifest.read`).

Two ways to read it:

- :func:`load_catalog` (``kurt skill list``, validation, settings): scans every
  root and stats every manifest; an entry whose path, size or mtime differ is
  parsed again. Unchanged manifests are never re-read.
- :func:`load_quick` (running one tool): the run index, trusted while a scan
  finds every skill folder and manifest as it was and no distribution was
  installed;
- :func:`fast_listing` (``kurt skill list --json``): the listing snapshot.

Both are files of :mod:`kurt.skills.catalog.snapshot` (one format with this
cache's), answered by :mod:`kurt.skills.catalog.warm`, and rewritten whenever
the catalog is rebuilt.

A cache file that is unreadable, of another format, or of the wrong shape is
ignored and rebuilt; writes are atomic. Standard library only on the warm path.
"""

from __future__ import annotations

import gc
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from kurt._version import __version__
from kurt.config.locations import Locations
from kurt.config.skills import SkillsConfig
from kurt.skills.catalog.scan import digest
from kurt.skills.catalog.search import (
    BUILTIN_DIR,
    Candidate,
    PackageSkill,
    SearchRoot,
    iter_candidates,
    path_stamps,
    search_roots,
)
from kurt.skills.catalog.snapshot import FORMAT

if TYPE_CHECKING:
    from kurt.skills.catalog.precedence import Index
    from kurt.skills.catalog.warm import (
        CommandRow,
        ConfigRow,
        Project,
        ProvidedRow,
        QuickCatalog,
    )
    from kurt.skills.record import SkillRecord


class Catalog(NamedTuple):
    """Every discovered skill (before enabled state), the provided-name index
    (``providers``: kind -> name -> skills in priority order),
    and the (size, mtime_ns) each manifest had when it was read."""

    records: list[SkillRecord]
    providers: Index
    stamps: dict[Path, tuple[int, int]]
    #: ``kurt skill list --json`` as if every skill were enabled by default,
    #: when the rows were just rendered for the listing snapshot (else None).
    listing: str | None = None

    def find(self, name: str) -> SkillRecord | None:
        """The winning (not shadowed) skill called ``name``."""
        # An index made once per catalog: `kurt tool list` asks for every
        # provider, and a scan per name made it quadratic (seconds at 10,000).
        cached = _WINNERS.get(id(self))
        if cached is None or cached[0] is not self:
            winners: dict[str, SkillRecord] = {}
            for record in self.records:
                if record.status != "shadowed":
                    winners.setdefault(record.name, record)
            cached = _WINNERS[id(self)] = (self, winners)
        return cached[1].get(name)

    def fresh(self, record: SkillRecord) -> bool:
        """Whether ``record``'s manifest still has the size and mtime it was read with."""
        stamp = self.stamps.get(record.manifest_path)
        try:
            info = os.stat(record.manifest_path)
        except OSError:
            return False
        return stamp is not None and (info.st_size, info.st_mtime_ns) == stamp


#: Catalog.find's index, by catalog (a NamedTuple holds no attribute of its
#: own); the catalog itself is kept so that an id is never reused while here.
_WINNERS: dict[int, tuple[Catalog, dict[str, SkillRecord]]] = {}


class _Stored(NamedTuple):
    candidate: Candidate
    facts: dict[str, Any]
    key: list[Any]  # _candidate_key(candidate), made once (three uses per skill)


def cache_file(locations: Locations, roots: list[SearchRoot]) -> Path:
    """The cache file for this set of roots (and this Kurt and interpreter)."""
    import sys

    key = json.dumps([__version__, sys.executable, [[r.source, str(r.path)] for r in roots]])
    # FNV-1a (see kurt.skills.catalog.scan.digest): a file name, not a secret.
    name = digest(key)
    return locations.cache_dir / "skills" / f"{name}.json"


def load_catalog(
    locations: Locations,
    config: SkillsConfig,
    *,
    builtin_dir: Path | None = BUILTIN_DIR,
    use_cache: bool = True,
    write_derived: bool = False,
    config_stamps: str | None = None,
    untrusted: frozenset[str] = frozenset(),
) -> Catalog:
    """Scan every source, reusing cached facts of unchanged manifests.

    The listing snapshot (:func:`fast_listing`) and the run index
    (:mod:`kurt.skills.catalog.snapshot`) are rewritten when anything changed, or when
    ``write_derived`` says the caller found one of them stale. With
    ``config_stamps`` (:func:`kurt.skills.catalog.snapshot.config_stamps`, taken before
    ``config`` was read from the kurt.toml files) the listing pointer is
    written too, which lets ``kurt skill list --json`` skip reading kurt.toml;
    ``untrusted`` names the root folders whose skills need a ``kurt trust``
    first (the pointer keeps it).
    """
    # Reading a thousand manifests allocates a few hundred thousand small objects
    # that all stay alive (nodes, facts, records): the cyclic collector would scan
    # the growing heap again and again for nothing (about 15 ms of a cold listing
    # of 1000 skills). It is paused for this function only and runs as usual after.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _load_catalog(
            locations,
            config,
            builtin_dir=builtin_dir,
            use_cache=use_cache,
            write_derived=write_derived,
            config_stamps=config_stamps,
            untrusted=untrusted,
        )
    finally:
        if collecting:
            gc.enable()


def _load_catalog(
    locations: Locations,
    config: SkillsConfig,
    *,
    builtin_dir: Path | None,
    use_cache: bool,
    write_derived: bool,
    config_stamps: str | None,
    untrusted: frozenset[str],
) -> Catalog:
    roots = search_roots(locations, config, builtin_dir)
    path = cache_file(locations, roots)
    cached = _read(path) if use_cache else None
    stamps = path_stamps()
    root_stamps = _root_stamps(roots)
    packages = _cached_packages(cached, stamps)
    if packages is None:
        from kurt.skills.catalog.search import scan_packages

        packages = scan_packages()
    known = _stored_by_manifest(cached)
    stored: list[_Stored] = []
    changed = (
        cached is None or cached.get("path_stamps") != stamps or cached.get("roots") != root_stamps
    )
    for candidate in iter_candidates(roots, packages):
        key = _candidate_key(candidate)
        previous = known.get(tuple(key))
        if previous is not None:
            stored.append(_Stored(candidate, previous, key))
            continue
        changed = True
        stored.append(_Stored(candidate, _facts(candidate), key))
    if len(stored) != len(known):
        changed = True
    if changed and use_cache:
        _write(path, root_stamps, stamps, packages, stored)
    catalog = _catalog(stored)
    if use_cache and (changed or write_derived):
        from kurt.config.llm import ConfiguredModels
        from kurt.skills.catalog.snapshot import write_derived as write_files

        pointer = None
        if config_stamps is not None:
            pointer = (_pointer_path(locations, builtin_dir), config_stamps, config, roots)
        listing = write_files(
            path,
            catalog,
            stored_keys=[s.key for s in stored],
            packages=packages,
            path_stamps=stamps,
            pointer=pointer,
            untrusted=untrusted,
            models=ConfiguredModels(locations),
        )
        catalog = catalog._replace(listing=listing)
    return catalog


def project_of(locations: Locations) -> Project:
    """``locations`` as the warm path names a project (:data:`kurt.skills.catalog.warm.Project`)."""
    root = locations.project_root
    return (str(root) if root is not None else None, str(locations.home))


def _pointer_path(locations: Locations, builtin_dir: Path | None) -> str:
    from kurt.skills.catalog.snapshot import pointer_file

    root = locations.project_root
    return pointer_file(
        str(locations.cache_dir),
        str(root) if root is not None else None,
        str(builtin_dir) if builtin_dir is not None else None,
    )


def fast_listing(
    locations: Locations,
    config: SkillsConfig,
    *,
    builtin_dir: Path | None = BUILTIN_DIR,
    config_stamps: str | None = None,
    untrusted: frozenset[str] = frozenset(),
) -> str | None:
    """``kurt skill list --json`` from the listing snapshot (:mod:`kurt.skills.catalog.warm`),
    or ``None`` when it is no longer true.

    With ``config_stamps`` (those of the kurt.toml files ``config`` was read
    from), ``None`` also when the listing pointer holds other stamps: the
    caller then rebuilds, which rewrites the pointer.
    """
    from kurt.skills.catalog.snapshot import listing_file, pointer_stamps
    from kurt.skills.catalog.warm import fast_listing as from_snapshot

    if config_stamps is not None and (
        pointer_stamps(_pointer_path(locations, builtin_dir)) != config_stamps
    ):
        return None
    roots = search_roots(locations, config, builtin_dir)
    path = listing_file(cache_file(locations, roots))
    return from_snapshot(path, roots, project_of(locations), config, untrusted)


def fast_provided(
    locations: Locations,
    config: SkillsConfig,
    *,
    builtin_dir: Path | None = BUILTIN_DIR,
    config_stamps: str | None = None,
) -> list[ProvidedRow] | None:
    """Every name a skill provides and the skill that wins it, from the listing
    snapshot (:func:`kurt.skills.catalog.warm.provided_rows`), or ``None`` when
    it is no longer true (as :func:`fast_listing`)."""
    from kurt.skills.catalog.snapshot import listing_file, pointer_stamps
    from kurt.skills.catalog.warm import fast_provided as from_snapshot

    if config_stamps is not None and (
        pointer_stamps(_pointer_path(locations, builtin_dir)) != config_stamps
    ):
        return None
    roots = search_roots(locations, config, builtin_dir)
    path = listing_file(cache_file(locations, roots))
    return from_snapshot(path, roots, config, project_of(locations))


def fast_commands(
    locations: Locations,
    config: SkillsConfig,
    *,
    builtin_dir: Path | None = BUILTIN_DIR,
    config_stamps: str | None = None,
    untrusted: frozenset[str] = frozenset(),
) -> list[CommandRow] | None:
    """Every command of a valid, unshadowed skill, from the listing snapshot
    (:func:`kurt.skills.catalog.warm.command_rows`), or ``None`` when it is no
    longer true (as :func:`fast_listing`)."""
    from kurt.skills.catalog.snapshot import listing_file, pointer_stamps
    from kurt.skills.catalog.warm import fast_commands as from_snapshot

    if config_stamps is not None and (
        pointer_stamps(_pointer_path(locations, builtin_dir)) != config_stamps
    ):
        return None
    roots = search_roots(locations, config, builtin_dir)
    path = listing_file(cache_file(locations, roots))
    return from_snapshot(path, roots, config, untrusted, project_of(locations))


def fast_config_rows(
    locations: Locations,
    config: SkillsConfig,
    *,
    builtin_dir: Path | None = BUILTIN_DIR,
    config_stamps: str | None = None,
) -> list[ConfigRow] | None:
    """Every discovered skill as ``kurt config skills`` shows it, from the
    listing snapshot (:func:`kurt.skills.catalog.warm.config_rows`), or
    ``None`` when it is no longer true (as :func:`fast_listing`)."""
    from kurt.skills.catalog.snapshot import listing_file, pointer_stamps
    from kurt.skills.catalog.warm import config_rows

    if config_stamps is not None and (
        pointer_stamps(_pointer_path(locations, builtin_dir)) != config_stamps
    ):
        return None
    roots = search_roots(locations, config, builtin_dir)
    return config_rows(
        listing_file(cache_file(locations, roots)), roots, config, project_of(locations)
    )


def load_quick(
    locations: Locations, config: SkillsConfig, *, builtin_dir: Path | None = BUILTIN_DIR
) -> QuickCatalog | None:
    """The run index if a scan finds every skill folder and manifest as it was
    and no distribution was installed; ``None`` when something must be read again."""
    from kurt.skills.catalog.snapshot import index_file
    from kurt.skills.catalog.warm import read_index

    roots = search_roots(locations, config, builtin_dir)
    path = index_file(cache_file(locations, roots))
    found = [(root.source, str(root.path)) for root in roots]
    return read_index(path, config, found, path_stamps(), project_of(locations))


def _catalog(stored: list[_Stored]) -> Catalog:
    from kurt.skills.catalog.precedence import assemble, record_from_facts

    records = [record_from_facts(s.candidate, s.facts) for s in stored]
    stamps = {
        s.candidate.manifest: (s.candidate.size, s.candidate.mtime_ns)
        for s in stored
        if s.candidate.manifest is not None
    }
    final, index = assemble(records)
    return Catalog(final, index, stamps)


# -- reading and writing ----------------------------------------------------------


def _read(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    if not isinstance(data.get("skills"), list):
        return None
    return data


def _write(
    path: Path,
    root_stamps: list[list[Any]],
    stamps: list[list[Any]],
    packages: list[PackageSkill],
    stored: list[_Stored],
) -> None:
    body = {
        "format": FORMAT,
        "roots": root_stamps,
        "path_stamps": stamps,
        "packages": [list(p) for p in packages],
        "skills": [{"candidate": s.key, "facts": s.facts} for s in stored],
    }
    _dump(path, body)


def _dump(path: Path, body: dict[str, Any]) -> None:
    from kurt.skills.catalog.snapshot import write_bytes

    write_bytes(path, json.dumps(body, ensure_ascii=False, default=str).encode("utf-8"))


def _root_stamps(roots: list[SearchRoot]) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for root in roots:
        try:
            mtime = os.stat(root.path).st_mtime_ns
        except OSError:
            mtime = -1
        rows.append([root.source, str(root.path), mtime])
    return rows


def _cached_packages(
    cached: dict[str, Any] | None, stamps: list[list[Any]]
) -> list[PackageSkill] | None:
    if cached is None or cached.get("path_stamps") != stamps:
        return None
    try:
        return [PackageSkill(*row) for row in cached["packages"]]
    except (KeyError, TypeError):
        return None


def _stored_by_manifest(cached: dict[str, Any] | None) -> dict[tuple[Any, ...], dict[str, Any]]:
    if cached is None:
        return {}
    try:
        return {
            tuple(row["candidate"]): row["facts"]
            for row in cached["skills"]
            if isinstance(row["facts"], dict)
        }
    except (KeyError, TypeError):
        return {}


def _candidate(row: list[Any]) -> Candidate:
    source, folder, manifest, size, mtime_ns, entry_point, refused = row
    return Candidate(
        str(source),
        Path(folder),
        Path(manifest) if manifest else None,
        int(size),
        int(mtime_ns),
        entry_point,
        refused,
    )


def _candidate_key(candidate: Candidate) -> list[Any]:
    """The candidate as stored (and compared) in JSON: strings and numbers."""
    return [
        candidate.source,
        str(candidate.folder),
        str(candidate.manifest) if candidate.manifest is not None else None,
        candidate.size,
        candidate.mtime_ns,
        candidate.entry_point,
        candidate.refused,
    ]


def _facts(candidate: Candidate) -> dict[str, Any]:
    if candidate.manifest is None or candidate.refused:
        from kurt.skills.catalog.precedence import refused_facts

        return refused_facts(candidate)
    from kurt.skills.manifest.read import read_facts

    return read_facts(candidate)
