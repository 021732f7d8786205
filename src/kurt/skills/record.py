"""What Kurt knows about one discovered skill, without running any of its code.

:class:`SkillRecord` is the one internal record of a skill that discovery,
the manager, the CLI and the configuration code share. It is built from the
manifest (SKILL.md) alone, or from its cached JSON form on the warm path.

Why ``NamedTuple`` and not ``attrs.frozen`` (the house style for internal
records): ``kurt skill list --json`` with a warm cache must not import attrs,
pydantic or yaml (measured: ``import attrs`` costs about as much as ``import
click``). A NamedTuple is immutable, typed, and costs nothing to import. Only
the standard library is used here.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from kurt.errors import KurtError

# A skill's status (SPEC section 6) is decided by kurt.skills.status.status_of.
from kurt.skills.status import STATUS_DISABLED as STATUS_DISABLED
from kurt.skills.status import STATUS_INVALID as STATUS_INVALID
from kurt.skills.status import STATUS_OK
from kurt.skills.status import STATUS_SHADOWED as STATUS_SHADOWED
from kurt.skills.status import STATUS_UNUSABLE as STATUS_UNUSABLE

# Where a skill was found (SPEC section 5). Search order: project `paths`,
# `project`, `user` (then user `paths`), `package`, `builtin`.
SOURCES: tuple[str, ...] = ("path", "project", "user", "package", "builtin")


ERROR = "error"
WARNING = "warning"


#: The key of ``SkillRecord.extra`` holding the SKILL.md line of some top-level
#: keys (``requires_*``, ``implements``), so later checks can name the line.
LINES = "_lines"

#: The key of ``SkillRecord.extra`` listing the invalid skills of the same name
#: that this one won over although they come first in the search order, as
#: ``[source, manifest, line, message]`` rows: using this skill says so
#: (:meth:`kurt.skills.manager.SkillManager.fallback_notes`), as it is
#: probably not the skill the user meant.
PASSED_OVER = "_passed_over"


class Provided(NamedTuple):
    """One ``implements`` entry of a manifest: what a skill contributes."""

    kind: str  # "tool" | "fetcher" | "mapper"
    name: str
    class_name: str
    description: str = ""
    # What routes URLs to a fetcher or mapper (SPEC section 10, kurt.routing).
    url_patterns: tuple[str, ...] = ()
    priority: int = 0

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> Provided:
        """The entry a facts or run-index row holds (``[kind, name, class,
        description, url_patterns, priority]``; the last two may be absent)."""
        kind, name, class_name, description, *routing = row
        patterns = tuple(routing[0]) if routing else ()
        priority = int(routing[1]) if len(routing) > 1 else 0
        return cls(kind, name, class_name, description, patterns, priority)

    def to_row(self) -> list[Any]:
        """The JSON row :meth:`from_row` reads back."""
        return [*self[:4], list(self.url_patterns), self.priority]


class SkillProblem(NamedTuple):
    """An error or warning about a skill, with the file and line it concerns.

    The one problem record: the manifest rules (:mod:`kurt.skills.manifest.rules`,
    where it is called ``Problem``), the code checks, the environment rules,
    discovery and validation all make these. Its JSON forms are :meth:`to_row`
    (the cache's, read back by :meth:`from_row`) and :meth:`to_json` (``kurt
    skill validate --json``); ``str()`` is how listings show it.
    """

    severity: str  # ERROR | WARNING
    message: str
    file: str | None = None
    line: int | None = None
    hint: str | None = None  # how to fix it, where the message does not say

    @classmethod
    def at(
        cls,
        file: str | os.PathLike[str] | None,
        line: int | None,
        message: str,
        severity: str = ERROR,
        hint: str | None = None,
    ) -> SkillProblem:
        """A problem in ``file`` (a path or its text) at ``line``: how the rules write one."""
        return cls(severity, message, None if file is None else os.fspath(file), line, hint)

    @classmethod
    def from_error(cls, error: KurtError) -> SkillProblem:
        """The problem an error reports (its hint kept in the message, as the
        validate JSON has no key for it)."""
        message = error.message if not error.hint else f"{error.message} (hint: {error.hint})"
        file = None if error.file is None else os.fspath(error.file)
        return cls(ERROR, message, file, error.line)

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> SkillProblem:
        """The problem :meth:`to_row` gave."""
        return cls(*row)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def to_row(self) -> list[Any]:
        """``[severity, message, file, line, hint]``: the cached form."""
        return list(self)

    def __str__(self) -> str:
        """``file:line: message; hint``: how listings show a problem."""
        where = self.file or ""
        if where and self.line is not None:
            where = f"{where}:{self.line}"
        text = f"{self.message}; {self.hint}" if self.hint else self.message
        return f"{where}: {text}" if where else text

    def to_json(self) -> dict[str, Any]:
        """The ``{"file", "line", "message"}`` form of ``kurt skill validate --json``."""
        return {"file": self.file, "line": self.line, "message": self.message}


class Clash(NamedTuple):
    """A name this skill provides that another skill provides too: a tool,
    fetcher or mapper of the same source, or a command of any source.

    Neither can be said to win, so both are invalid while both are enabled
    (:func:`kurt.skills.catalog.precedence.apply_state` decides, from kurt.toml).
    """

    kind: str
    name: str
    partner: str  # the other skill's name
    partner_path: str
    line: int | None = None  # of the name in this skill's SKILL.md, when known

    def problem(self, source: str, manifest: str) -> SkillProblem:
        if self.kind == "command":
            message = (
                f"command '{self.name}' is also added by the skill '{self.partner}' "
                f"({self.partner_path}); two skills cannot add one command: rename it under "
                "commands, or disable one skill"
            )
        else:
            message = (
                f"{self.kind} '{self.name}' is also provided by the {source} skill "
                f"'{self.partner}' ({self.partner_path}) from the same source; rename one of "
                "them or disable one skill"
            )
        return SkillProblem(ERROR, message, manifest, self.line)


class SkillRecord(NamedTuple):
    """One discovered skill: its manifest facts, where it came from, its state.

    ``settings`` is the raw settings schema of SKILL.md: key -> ``{type,
    default, description, required, secret, env}`` (whatever the manifest
    gave). ``status`` is one of :data:`kurt.skills.status.STATUSES`;
    ``enabled`` and ``reason`` come from ``SkillsConfig.state``. ``unmet``
    holds what this machine lacks to run it (:mod:`kurt.skills.environment`),
    and ``trusted`` whether its code may run here (SPEC section 5); both are
    set with the enabled state, never cached.
    ``shadowed_by`` is the path of the skill of the same name that won.
    """

    name: str
    path: Path  # the skill folder
    source: str  # one of SOURCES
    manifest_path: Path
    version: str | None = None
    description: str = ""
    provides: tuple[Provided, ...] = ()
    requires_skills: tuple[str, ...] = ()
    settings: dict[str, dict[str, Any]] = {}  # noqa: RUF012 (never mutated)
    problems: tuple[SkillProblem, ...] = ()
    status: str = STATUS_OK
    enabled: bool = True
    reason: str = "default"
    shadowed_by: Path | None = None
    # Where the skill's code is (skill.py); absent for instruction-only skills.
    code_path: Path | None = None
    # The manifest's remaining facts (license, author, tags, requires, ...) for
    # `kurt skill info`; plain JSON values.
    extra: dict[str, Any] = {}  # noqa: RUF012 (never mutated)
    # Names it shares with skills of the same source (errors while both are enabled).
    clashes: tuple[Clash, ...] = ()
    unmet: tuple[SkillProblem, ...] = ()
    trusted: bool = True

    @property
    def errors(self) -> tuple[SkillProblem, ...]:
        return tuple(p for p in self.problems if p.severity == ERROR)

    @property
    def warnings(self) -> tuple[SkillProblem, ...]:
        return tuple(p for p in self.problems if p.severity == WARNING)

    @property
    def valid(self) -> bool:
        """No errors (warnings allowed)."""
        return not self.errors

    @property
    def usable(self) -> bool:
        """Whether its names may be resolved: enabled, valid, and not shadowed."""
        return self.status == STATUS_OK

    @property
    def trusted_by_default(self) -> bool:
        """User, package and built-in skills were trusted by installing them."""
        return self.source not in ("project", "path")

    def provided(self, kind: str) -> tuple[Provided, ...]:
        return tuple(p for p in self.provides if p.kind == kind)

    def to_json(self) -> dict[str, Any]:
        """The ``kurt skill list --json`` row (SPEC section 6), plus a few keys."""
        return {
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "source": self.source,
            "path": str(self.path),
            "enabled": self.enabled,
            "status": self.status,
            "problems": [str(p) for p in (*self.problems, *self.unmet)],
            "provides": [{"type": p.kind, "name": p.name} for p in self.provides],
            "reason": self.reason,
            "requires_skills": list(self.requires_skills),
            "shadowed_by": str(self.shadowed_by) if self.shadowed_by else None,
            # Last, so the warm listing can mark a row untrusted without decoding it.
            "trusted": self.trusted,
        }

    def to_plain(self) -> dict[str, Any]:
        """The record before enabled state, as plain JSON values (the run
        index's form); :meth:`from_plain` reads it back."""
        return {
            "name": self.name,
            "path": str(self.path),
            "source": self.source,
            "manifest_path": str(self.manifest_path),
            "version": self.version,
            "description": self.description,
            "provides": [p.to_row() for p in self.provides],
            "requires_skills": list(self.requires_skills),
            "settings": self.settings,
            "problems": [p.to_row() for p in self.problems],
            "status": self.status,
            "code_path": str(self.code_path) if self.code_path else None,
            "extra": self.extra,
            "clashes": [list(clash) for clash in self.clashes],
        }

    @classmethod
    def from_plain(cls, data: dict[str, Any]) -> SkillRecord:
        """The record :meth:`to_plain` gave (``KeyError``/``TypeError`` when it is not one)."""
        return cls(
            name=data["name"],
            path=Path(data["path"]),
            source=data["source"],
            manifest_path=Path(data["manifest_path"]),
            version=data["version"],
            description=data["description"],
            provides=tuple(Provided.from_row(p) for p in data["provides"]),
            requires_skills=tuple(data["requires_skills"]),
            settings=data["settings"],
            problems=tuple(SkillProblem.from_row(p) for p in data["problems"]),
            status=data["status"],
            code_path=Path(data["code_path"]) if data["code_path"] else None,
            extra=data["extra"],
            clashes=tuple(Clash(*clash) for clash in data["clashes"]),
        )
