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

from pathlib import Path
from typing import Any, NamedTuple

# Where a skill was found (SPEC section 5). Search order: project `paths`,
# `project`, `user` (then user `paths`), `package`, `builtin`.
SOURCES: tuple[str, ...] = ("path", "project", "user", "package", "builtin")

# A skill's status in listings (SPEC section 6).
STATUS_OK = "ok"
STATUS_DISABLED = "disabled"
STATUS_INVALID = "invalid"
STATUS_SHADOWED = "shadowed"

ERROR = "error"
WARNING = "warning"

KINDS: tuple[str, ...] = ("tool", "fetcher", "mapper")

#: The key of ``SkillRecord.extra`` holding the SKILL.md line of some top-level
#: keys (``requires_*``, ``implements``), so later checks can name the line.
LINES = "_lines"


class Provided(NamedTuple):
    """One ``implements`` entry of a manifest: what a skill contributes."""

    kind: str  # "tool" | "fetcher" | "mapper"
    name: str
    class_name: str
    description: str = ""


class SkillProblem(NamedTuple):
    """An error or warning about a skill, with the file and line it concerns."""

    severity: str  # ERROR | WARNING
    message: str
    file: str | None = None
    line: int | None = None
    hint: str | None = None  # how to fix it (environment problems; not cached)

    def __str__(self) -> str:
        where = self.file or ""
        if where and self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}" if where else self.message

    def to_json(self) -> dict[str, Any]:
        """The ``{"file", "line", "message"}`` form of ``kurt skill validate --json``."""
        return {"file": self.file, "line": self.line, "message": self.message}


class Clash(NamedTuple):
    """A name this skill provides that another skill of the same source provides too.

    Neither can be said to win, so both are invalid while both are enabled
    (:func:`kurt.skills.catalog.precedence.apply_state` decides, from kurt.toml).
    """

    kind: str
    name: str
    partner: str  # the other skill's name
    partner_path: str

    def problem(self, source: str, manifest: str) -> SkillProblem:
        return SkillProblem(
            ERROR,
            f"{self.kind} '{self.name}' is also provided by the {source} skill "
            f"'{self.partner}' ({self.partner_path}) from the same source; rename one of "
            "them or disable one skill",
            manifest,
            None,
        )


class SkillRecord(NamedTuple):
    """One discovered skill: its manifest facts, where it came from, its state.

    ``settings`` is the raw settings schema of SKILL.md: key -> ``{type,
    default, description, required, secret, env}`` (whatever the manifest
    gave). ``status`` is ``ok``, ``disabled``, ``invalid`` or ``shadowed``;
    ``enabled`` and ``reason`` come from ``SkillsConfig.state``.
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
            "problems": [str(p) for p in self.problems],
            "provides": [{"type": p.kind, "name": p.name} for p in self.provides],
            "reason": self.reason,
            "requires_skills": list(self.requires_skills),
            "shadowed_by": str(self.shadowed_by) if self.shadowed_by else None,
        }
