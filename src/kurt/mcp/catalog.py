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
import hashlib
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from kurt.errors import KurtError
from kurt.kinds import OWN_DESCRIPTIONS

if TYPE_CHECKING:
    from kurt.runtime import Runtime
    from kurt.skills.schemas import SchemaCache

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
    in a project the user has not trusted, the user's alone (SPEC section 9,
    applied where kurt.toml is read: :mod:`kurt.config.restricted`)."""
    config = runtime.config
    return Filters(tuple(config.mcp.include), tuple(config.mcp.exclude))


class Offer(NamedTuple):
    """A tool the client may call, from manifests alone."""

    description: str
    skill: str | None  # None: Kurt's own
    folder: str | None  # the skill's folder


def skill_rows(runtime: Runtime) -> list[dict[str, Any]]:
    """``kurt skill list --json`` rows of the skills that win their name
    (from the listing snapshot while nothing changed)."""
    return [row for row in runtime.skills.listing() if row["status"] == "ok"]


def signature(rows: list[dict[str, Any]], filters: Filters) -> str:
    """What the served tools depend on: the skills (manifests, state, trust),
    ``[mcp]``, and each skill's code (its schemas). Equal signatures, equal lists."""
    from kurt.skills.schemas import stamps

    parts = [rows, list(filters), [stamps(row["path"]) for row in rows if row["provides"]]]
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def offered(runtime: Runtime, filters: Filters, rows: list[dict[str, Any]]) -> dict[str, Offer]:
    """Tool name -> :class:`Offer`: what the client may call. A project's own
    skill before ``kurt trust`` is not offered (nor imported)."""
    names = {
        name: Offer(description, None, None)
        for name, description in OWN_DESCRIPTIONS["tool"].items()
        if filters.allows(name)
    }
    winners = {row["name"]: row for row in rows}
    for kind, name, skill, description in runtime.skills.provided_listing():
        row = winners.get(skill)
        if kind != "tool" or name in names or row is None or not row.get("trusted", True):
            continue
        if filters.allows(name):
            names[name] = Offer(description, skill, row["path"])
    return names


def served_tools(
    runtime: Runtime, filters: Filters, rows: list[dict[str, Any]]
) -> list[ServedTool]:
    """Every tool the client may call with its input schema, sorted by name;
    no skill is imported whose schemas are cached (see the module's docstring)."""
    from kurt.skills.schemas import SchemaCache

    cache = SchemaCache(runtime.skills)
    tools: list[ServedTool] = []
    schemas: dict[str, dict[str, dict[str, Any]]] = {}
    for name, offer in offered(runtime, filters, rows).items():
        if offer.skill is None or offer.folder is None:
            tools.append(ServedTool(name, offer.description, own_schema(name), None))
            continue
        if offer.skill not in schemas:
            found = cache.cached(offer.folder)
            schemas[offer.skill] = found if found is not None else _load(runtime, cache, name)
        schema = schemas[offer.skill].get(name)
        if schema is not None:  # else the skill cannot load here: said on stderr
            tools.append(ServedTool(name, offer.description, schema, offer.skill))
    cache.save()
    return sorted(tools, key=lambda tool: tool.name)


def _load(runtime: Runtime, cache: SchemaCache, name: str) -> dict[str, dict[str, Any]]:
    """The schemas of the skill providing ``name``, imported now; none (so its
    tools are not served) when it cannot load here, said on stderr (the log)."""
    record = runtime.skills.provider("tool", name)
    if record is None:
        return {}
    try:
        return cache.schemas(record)
    except KurtError as exc:
        print(f"kurt mcp: skill '{record.name}' is not served: {exc}", file=sys.stderr)
        return {}


@functools.cache
def own_schema(name: str) -> dict[str, Any]:
    """The input schema of Kurt's own tool ``name`` (imported once per process)."""
    from kurt.registry import TOOLS
    from kurt.skills.schemas import schema_of

    return schema_of(TOOLS.get(name).InputModel)


def skill_documents(rows: list[dict[str, Any]]) -> list[SkillDocument]:
    """Each enabled, usable skill's SKILL.md (``rows``: :func:`skill_rows`); a
    project's own skills only in a trusted project (an untrusted clone's
    instructions are not handed to an agent)."""
    from kurt.skills.catalog.scan import lstat_manifest

    documents = []
    for row in rows:
        manifest = lstat_manifest(row["path"])[0]
        if row.get("trusted", True) and manifest is not None:
            uri = SKILL_URI.format(name=row["name"])
            documents.append(SkillDocument(row["name"], uri, row["description"], manifest))
    return sorted(documents)
