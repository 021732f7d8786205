"""Where skills are found, in which order, and which one wins (SPEC section 5).

Search order, highest priority first:

1. ``[skills].paths`` of the project's kurt.toml (source ``path``);
2. ``<project>/skills`` (source ``project``, whether or not ``paths`` lists it);
3. ``~/.kurt/skills`` (source ``user``), then the user kurt.toml's ``paths``
   (source ``path``);
4. installed distributions, through the entry-point group ``kurt.skills``
   (source ``package``), located without importing them;
5. the skills shipped inside Kurt (source ``builtin``).

A search path holds skill folders, one level deep: ``<path>/<name>/SKILL.md``.
It is not searched recursively (a checkout of someone's repository may hold
thousands of folders, and a skill's own sub-folders are not skills); point
``paths`` at each folder that holds skill folders instead. Entries whose name
starts with ``.`` or ``_`` (``.git``, ``__pycache__``) are skipped, and so is a
folder without a manifest.

This module is standard library only and never imports ``importlib.metadata``
unless the package scan actually runs: the warm listing path reuses the
cached scan (see :mod:`kurt.skills.catalog.cache`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from kurt.config.locations import Locations
from kurt.config.skills import SkillsConfig
from kurt.skills.catalog.scan import MANIFEST_NAMES, package_rows, scan_dir
from kurt.skills.catalog.scan import (
    path_stamps as path_stamps,  # re-exported: cache and quick use it
)

ENTRY_POINT_GROUP = "kurt.skills"
BUILTIN_DIR = Path(__file__).parent / "builtin"


class SearchRoot(NamedTuple):
    """One folder that holds skill folders."""

    source: str  # "path" | "project" | "user" | "builtin"
    path: Path


class Candidate(NamedTuple):
    """A skill folder found by a scan, before its manifest is read.

    ``refused`` says why Kurt will not read it (a symlink leading outside its
    search path, an entry point whose module cannot be found); such a
    candidate is listed as invalid with that reason and never loaded.
    """

    source: str
    folder: Path
    manifest: Path | None
    size: int = -1
    mtime_ns: int = -1
    entry_point: str | None = None  # packages: the entry point's name = skill name
    refused: str | None = None


def search_roots(
    locations: Locations, config: SkillsConfig, builtin_dir: Path | None = BUILTIN_DIR
) -> list[SearchRoot]:
    """The folder sources in search order, without duplicates (packages excluded).

    The project's own ``skills/`` folder has source ``project`` even when
    ``paths`` names it too; a folder named twice is searched once, at its
    first (highest) place.
    """
    project_skills = locations.project_skills
    own = _real(project_skills) if project_skills is not None else None
    roots: list[SearchRoot] = []
    roots += [
        SearchRoot("project" if _real(p.path) == own else "path", p.path)
        for p in config.project_paths
    ]
    if project_skills is not None:
        roots.append(SearchRoot("project", project_skills))
    roots.append(SearchRoot("user", locations.user_skills))
    roots += [SearchRoot("path", p.path) for p in config.user_paths]
    if builtin_dir is not None:
        roots.append(SearchRoot("builtin", builtin_dir))
    unique: list[SearchRoot] = []
    seen: set[str] = set()
    for root in roots:
        key = _real(root.path)
        if key not in seen:
            seen.add(key)
            unique.append(root)
    return unique


class Found(NamedTuple):
    """One entry of a scan, as plain strings (cheap: the warm listing compares
    these with the cache without building a Path per skill)."""

    folder: str
    manifest: str | None
    size: int
    mtime_ns: int
    refused: str | None = None


def scan_folder(root: SearchRoot) -> list[Found]:
    """The skill folders directly inside ``root``, sorted by name.

    A folder or manifest that is a symlink resolving outside the search path
    is refused: a project cannot reach files elsewhere through its skills.
    (The work is :func:`kurt.skills.catalog.scan.scan_dir`, shared with the warm listing.)
    """
    return [Found(*entry) for entry in scan_dir(str(root.path))]


def scan_root(root: SearchRoot) -> list[Candidate]:
    """:func:`scan_folder` as candidates."""
    return [
        Candidate(
            root.source,
            Path(f.folder),
            Path(f.manifest) if f.manifest else None,
            f.size,
            f.mtime_ns,
            refused=f.refused,
        )
        for f in scan_folder(root)
    ]


def manifest_stat(folder: Path) -> tuple[Path | None, os.stat_result | None]:
    for name in MANIFEST_NAMES:
        path = folder / name
        try:
            return path, os.lstat(path)
        except OSError:
            continue
    return None, None


def _real(path: Path) -> str:
    return os.path.realpath(path)


# -- installed packages ---------------------------------------------------------


class PackageSkill(NamedTuple):
    """An entry point of group ``kurt.skills`` and the folder it names."""

    name: str
    distribution: str
    module: str
    folder: str | None  # None: the module cannot be found


def scan_packages() -> list[PackageSkill]:
    """Every ``kurt.skills`` entry point, located without importing anything.

    ``find_spec`` of a dotted name imports its parents, so the folder is
    found from the distribution's own location and ``sys.path`` instead;
    ``find_spec`` is asked only about a top-level name (which imports nothing)
    to cover editable installs that use an import hook.
    """
    from importlib.metadata import distributions

    found: list[PackageSkill] = []
    seen: set[tuple[str, str]] = set()
    eps = (
        ep
        for dist in distributions(path=install_roots())
        for ep in dist.entry_points
        if ep.group == ENTRY_POINT_GROUP
    )
    for ep in eps:
        dist = ep.dist
        dist_name = dist.metadata["Name"] if dist is not None else "?"
        if (ep.name, dist_name) in seen:
            continue  # the same distribution reached twice through sys.path
        seen.add((ep.name, dist_name))
        module = ep.value.split(":", 1)[0].strip()
        bases: list[Path] = []
        if dist is not None:
            try:
                bases.append(Path(str(dist.locate_file(""))))
            except Exception:  # a custom Distribution may not locate files
                bases = []
        folder = _locate(module, bases)
        found.append(PackageSkill(ep.name, dist_name, module, str(folder) if folder else None))
    return found


def install_roots() -> list[str]:
    """The ``sys.path`` entries a distribution may be installed in: all but the
    current directory (``''``, or its path as ``python -m`` or a script run
    from it puts first). A cloned project is someone else's folder: a
    ``*.dist-info`` inside it is not an installed package, and its skill would
    be trusted as one."""
    try:
        here: str | None = os.path.realpath(os.getcwd())
    except OSError:
        here = None
    return [p for p in sys.path if p and os.path.realpath(p) != here]


def _locate(module: str, bases: list[Path]) -> Path | None:
    parts = module.split(".")
    if not all(part.isidentifier() for part in parts):
        return None
    for base in [*bases, *(Path(p) for p in install_roots())]:
        hit = _in_base(base, parts)
        if hit is not None:
            return hit
    import importlib.util

    try:
        spec = importlib.util.find_spec(parts[0])  # top level: imports nothing
    except (ImportError, ValueError):
        return None
    for location in (spec.submodule_search_locations or []) if spec else []:
        hit = _in_base(Path(location).parent, parts)
        if hit is not None:
            return hit
    return None


def _in_base(base: Path, parts: list[str]) -> Path | None:
    package = base.joinpath(*parts)
    if package.is_dir() and any((package / n).is_file() for n in MANIFEST_NAMES):
        return package
    module_file = base.joinpath(*parts[:-1], parts[-1] + ".py")
    if module_file.is_file():
        return module_file.parent
    return None


def package_candidates(packages: list[PackageSkill]) -> list[Candidate]:
    """Candidates for the located entry points (a missing one is refused)."""
    return [
        Candidate(
            source,
            Path(folder),
            Path(manifest) if manifest is not None else None,
            size,
            mtime_ns,
            entry_point=entry_point,
            refused=refused,
        )
        for source, folder, manifest, size, mtime_ns, entry_point, refused in package_rows(packages)
    ]


def iter_candidates(roots: list[SearchRoot], packages: list[PackageSkill]) -> Iterator[Candidate]:
    """Every candidate in search order (package candidates before built-ins)."""
    for root in roots:
        if root.source == "builtin":
            yield from package_candidates(packages)
        yield from scan_root(root)
    if not any(root.source == "builtin" for root in roots):
        yield from package_candidates(packages)
