"""Restricted configuration: what an untrusted project's kurt.toml may change (SPEC 9).

kurt.toml comes with the project, like its skills. Applied in full, a cloned
repository's file could send fetched content to its own database, point Kurt's
engines at its servers, or re-configure the user's own (trusted) skills: a
``base_url`` that sends their ``Authorization`` header elsewhere. So until the
user trusts the project (:mod:`kurt.config.trust`), only the keys that
*restrict* what runs apply. :data:`RESTRICTING` is an allow-list: any section
Kurt learns later (routes, ``[llm]``, ``[mcp]``, ...) is held back here without
being named. What is held back is still read (a misspelt key is still an
error, ``kurt config skills`` shows it) but not applied, and each command that
holds something back says so once on stderr.

Every reader of the project's kurt.toml goes through :func:`project_toml`:
:mod:`kurt.config.skills` (``[skills]``) and :mod:`kurt.config.model` (Kurt's
own sections). Standard library only: discovery reads it on its fast path.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from pathlib import Path

    from kurt.config.locations import Locations

#: Section -> the keys of it an untrusted project's kurt.toml may set: those
#: that only narrow which skills run.
RESTRICTING: Mapping[str, frozenset[str]] = {"skills": frozenset({"enabled", "disabled"})}
RESTRICTING_LABELS = " and ".join(
    f"[{section}].{key}" for section, keys in RESTRICTING.items() for key in sorted(keys)
)


class HeldKey(NamedTuple):
    """One key of the project's kurt.toml that is not applied."""

    loc: tuple[str, ...]  # ("database",), ("skills", "paths"), ("skills", "web-archiver")
    table: bool  # whether its value is a table

    @property
    def label(self) -> str:
        """How docs and messages name it: ``[database]``, ``[skills].paths``,
        ``[skills.web-archiver]``."""
        if len(self.loc) == 1 or self.table:
            return f"[{'.'.join(self.loc)}]"
        return f"[{'.'.join(self.loc[:-1])}].{self.loc[-1]}"


class ProjectToml(NamedTuple):
    """The project's kurt.toml: what applies, and what is held back."""

    file: Path
    root: Path
    written: dict[str, Any]  # the whole document
    applied: dict[str, Any]  # what of it applies: all of it in a trusted project
    held: tuple[HeldKey, ...] = ()  # and what does not

    @property
    def labels(self) -> str:
        """The held keys, comma-separated, for a message."""
        return ", ".join(key.label for key in self.held)


def restrict(document: Mapping[str, Any]) -> tuple[dict[str, Any], tuple[HeldKey, ...]]:
    """The part of ``document`` an untrusted project may apply, and the keys held back."""
    applied: dict[str, Any] = {}
    held: list[HeldKey] = []
    for section, value in document.items():
        allowed = RESTRICTING.get(section)
        if allowed is None:
            held.append(HeldKey((section,), isinstance(value, dict)))
            continue
        if not isinstance(value, dict):
            applied[section] = value  # a wrong shape: its reader refuses it, with the line
            continue
        kept = applied[section] = {}
        for key, item in value.items():
            if key in allowed:
                kept[key] = item
            else:
                held.append(HeldKey((section, key), isinstance(item, dict)))
    return applied, tuple(held)


def project_toml(
    locations: Locations, document: dict[str, Any] | None = None
) -> ProjectToml | None:
    """The project's kurt.toml as it applies (``None`` outside a project).

    ``document`` is used instead of reading the file (to check an edit before
    it is written). The trust record is read only when the file holds
    something an untrusted project may not apply.
    """
    file, root = locations.project_file, locations.project_root
    if file is None or root is None:
        return None
    if document is None:
        from kurt.config.files import read_toml

        document = read_toml(file)
    applied, held = restrict(document)
    if not held or project_trusted(locations):
        return ProjectToml(file, root, document, document)
    from kurt.config.keys import check_keys

    # Held back, but still checked: a misspelt key is never silently ignored
    # (the readers of what applies check only that).
    check_keys(document, file)
    return ProjectToml(file, root, document, applied, held)


def project_trusted(locations: Locations) -> bool:
    """Whether the user trusts the project (an unreadable trust record trusts
    nothing, and says so once)."""
    from kurt.config.trust import is_trusted_or_report

    root = locations.project_root
    return root is not None and is_trusted_or_report(locations.trust_file, root)


def trust_hint(project: ProjectToml) -> str:
    """What to run to apply the whole file."""
    return f"review it, then run: kurt trust {project.root}"


_told: set[tuple[str, str]] = set()


def tell_held(project: ProjectToml | None) -> None:
    """Say on stderr, once per process and file, which keys are not applied and why."""
    if project is None or not project.held:
        return
    told = (str(project.file), project.labels)
    if told in _told:
        return
    _told.add(told)
    sys.stderr.write(
        f"note: {project.file}: not applied, as this project is not trusted: "
        f"{project.labels} (only {RESTRICTING_LABELS} apply); "
        f"{trust_hint(project)}\n"
    )
