"""What ``kurt mcp serve`` offers: the tools and the skill documents of one
project, as they are on disk now (SPEC sections 8, 9 and 12).

A tool is served when it can run here: Kurt's own, and those of skills that
are enabled, valid, usable on this machine and trusted where they need it
(a project's own skills only in a project the user trusts). ``[mcp]
include`` and ``exclude`` (globs over tool names) narrow the list; fetchers
and mappers are not served (the ``fetch`` and ``map`` tools run them).

Names and descriptions come from the manifests; input schemas from
:mod:`kurt.skills.schemas`, which imports a skill only when the schemas
cached from its last import no longer match its files.
"""

from __future__ import annotations

import fnmatch
import functools
import logging
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from kurt.errors import KurtError
from kurt.kinds import OWN_DESCRIPTIONS

if TYPE_CHECKING:
    from kurt.runtime import Runtime
    from kurt.skills.record import SkillRecord

_log = logging.getLogger(__name__)

SKILL_URI = "skill://{name}/SKILL.md"


class ServedTool(NamedTuple):
    name: str
    description: str
    input_schema: dict[str, Any]
    skill: str | None  # None: Kurt's own


class SkillDocument(NamedTuple):
    """An enabled skill's SKILL.md, served as the resource ``skill://NAME/SKILL.md``."""

    name: str
    uri: str
    description: str
    path: str


class Filters(NamedTuple):
    """``[mcp] include`` / ``exclude``: globs over tool names (exclude wins)."""

    include: Sequence[str] = ()
    exclude: Sequence[str] = ()

    def allows(self, name: str) -> bool:
        if any(fnmatch.fnmatchcase(name, pattern) for pattern in self.exclude):
            return False
        return not self.include or any(fnmatch.fnmatchcase(name, p) for p in self.include)


def filters_of(runtime: Runtime) -> Filters:
    """``[mcp]`` as it applies: the project's and the user's kurt.toml merged;
    in a project the user has not trusted, the user's alone (SPEC section 9)."""
    config = runtime.config
    if runtime.locations.project_root is not None and not runtime.skills.project_trusted():
        from kurt.config.locations import Locations
        from kurt.config.model import load_config

        config = load_config(Locations(None, runtime.locations.home))
    return Filters(tuple(config.mcp.include), tuple(config.mcp.exclude))


def offered(runtime: Runtime, filters: Filters) -> dict[str, tuple[str, SkillRecord | None]]:
    """Tool name -> (description, the skill providing it or ``None`` for Kurt's
    own), from manifests alone: what the client may call."""
    names: dict[str, tuple[str, SkillRecord | None]] = {
        name: (description, None)
        for name, description in OWN_DESCRIPTIONS["tool"].items()
        if filters.allows(name)
    }
    skills = runtime.skills
    records: dict[str, SkillRecord | None] = {}
    for kind, name, skill, description in skills.provided_listing():
        if kind != "tool" or name in names or not filters.allows(name):
            continue
        if skill not in records:
            record = skills.provider("tool", name)
            # A project's own skill before `kurt trust` is not offered (nor imported).
            records[skill] = record if record is not None and skills.is_trusted(record) else None
        record = records[skill]
        if record is not None:
            names[name] = (description, record)
    return names


def served_tools(runtime: Runtime, filters: Filters) -> list[ServedTool]:
    """Every tool the client may call with its input schema, sorted by name;
    no skill is imported whose schemas are cached (see the module's docstring)."""
    tools: list[ServedTool] = []
    schemas: dict[str, dict[str, dict[str, Any]]] = {}
    for name, (description, record) in offered(runtime, filters).items():
        if record is None:
            tools.append(ServedTool(name, description, own_schema(name), None))
            continue
        if record.name not in schemas:
            schemas[record.name] = _schemas(runtime, record)
        schema = schemas[record.name].get(name)
        if schema is not None:  # else the skill cannot load here: said on stderr
            tools.append(ServedTool(name, description, schema, record.name))
    return sorted(tools, key=lambda tool: tool.name)


def _schemas(runtime: Runtime, record: SkillRecord) -> dict[str, dict[str, Any]]:
    """``record``'s input schemas; none (so its tools are not served) when it
    cannot load here, which is said on stderr, the server's log."""
    from kurt.skills.schemas import input_schemas

    try:
        return input_schemas(runtime.skills, record)
    except KurtError as exc:
        print(f"kurt mcp: skill '{record.name}' is not served: {exc}", file=sys.stderr)
        return {}


@functools.cache
def own_schema(name: str) -> dict[str, Any]:
    """The input schema of Kurt's own tool ``name`` (imported once per process)."""
    from kurt.registry import TOOLS
    from kurt.skills.schemas import schema_of

    return schema_of(TOOLS.get(name).InputModel)


def skill_documents(runtime: Runtime) -> list[SkillDocument]:
    """Each enabled, usable skill's SKILL.md; a project's own skills only in a
    trusted project (an untrusted clone's instructions are not handed to an agent)."""
    skills = runtime.skills
    documents = []
    for record in skills.records:
        if record.usable and skills.is_trusted(record):
            documents.append(
                SkillDocument(
                    record.name,
                    SKILL_URI.format(name=record.name),
                    record.description,
                    str(record.manifest_path),
                )
            )
    return sorted(documents)
