"""The input schemas of a skill's tools, without importing it each time.

A tool's JSON Schema comes from its ``InputModel``, which lives in the
skill's code; the manifest does not hold it. So the first time a schema is
needed (``kurt mcp serve``'s ``tools/list``, ``kurt tool info``) the skill is
imported, as a run would import it (enabled state, environment, trust and
settings checked first), and the schemas of the tools it registered are kept
under ``KURT_HOME/cache/schemas``, keyed by the stamps (size and mtime) of its
``skill.py`` and ``SKILL.md``. While both are as they were, the next process
reads them from there: listing a hundred skills imports none.

A skill this process imported earlier, whose files changed since, still runs
its old code here, so its schemas are taken from that code and not cached
under the new stamps.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kurt.skills.manager import SkillManager
    from kurt.skills.record import SkillRecord

Schema = dict[str, Any]

SCHEMAS_DIR = "schemas"
_FORMAT = 1

# Skill folder -> the stamps of its files when this process imported it.
_imported_at: dict[str, list[Any]] = {}


def input_schemas(skills: SkillManager, record: SkillRecord) -> dict[str, Schema]:
    """Tool name -> JSON Schema of its input, for every tool ``record`` provides.

    From the cache while the skill's files are unchanged; otherwise the skill
    is loaded now (raising the :class:`~kurt.errors.KurtError` a run would
    raise: disabled, untrusted, invalid settings, an import that fails).
    """
    stamps = _stamps(record)
    cache = _cache_file(skills, record)
    cached = _read(cache, str(record.path), stamps)
    if cached is not None:
        return cached
    from kurt.skills.loader import is_loaded

    fresh_import = not is_loaded(record)
    skills.load(record)
    if fresh_import:
        _imported_at[str(record.path)] = stamps
    schemas = _registered_schemas(record)
    if _imported_at.get(str(record.path)) == stamps:  # the code that ran is the code on disk
        _write(cache, str(record.path), stamps, schemas)
    return schemas


def _registered_schemas(record: SkillRecord) -> dict[str, Schema]:
    from kurt.registry import TOOLS

    schemas: dict[str, Schema] = {}
    for provided in record.provided("tool"):
        entry = TOOLS.registered(provided.name)
        if entry is not None and entry.skill == record.name:
            schemas[provided.name] = schema_of(entry.obj.InputModel)
    return schemas


def schema_of(model: type[Any]) -> Schema:
    """The JSON Schema of the input model ``model``; an object of any shape
    when one of its field types has no JSON Schema (the tool still validates
    its input when called)."""
    from pydantic.errors import PydanticInvalidForJsonSchema

    try:
        schema: Schema = model.model_json_schema()
    except PydanticInvalidForJsonSchema:  # a field type JSON Schema cannot express
        return {"type": "object"}
    return schema


def _stamps(record: SkillRecord) -> list[Any]:
    from kurt.skills.loader import CODE_FILE

    stamps: list[Any] = []
    for path in (record.path / CODE_FILE, record.manifest_path):
        try:
            stat = os.stat(path)
        except OSError:
            stat = None
        stamps.append([stat.st_size, stat.st_mtime_ns] if stat is not None else None)
    return stamps


def _cache_file(skills: SkillManager, record: SkillRecord) -> str:
    key = hashlib.sha256(str(record.path).encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return os.path.join(skills.locations.cache_dir, SCHEMAS_DIR, key + ".json")


def _read(path: str, folder: str, stamps: list[Any]) -> dict[str, Schema] | None:
    try:
        with open(path, encoding="utf-8") as handle:
            stored = json.load(handle)
    except (OSError, ValueError):
        return None
    if not isinstance(stored, dict):
        return None
    if [stored.get("format"), stored.get("folder"), stored.get("stamps")] != [
        _FORMAT,
        folder,
        stamps,
    ]:
        return None
    schemas = stored.get("schemas")
    return schemas if isinstance(schemas, dict) else None


def _write(path: str, folder: str, stamps: list[Any], schemas: dict[str, Schema]) -> None:
    from kurt.skills.catalog.snapshot import write_bytes

    body = {"format": _FORMAT, "folder": folder, "stamps": stamps, "schemas": schemas}
    write_bytes(path, json.dumps(body, ensure_ascii=False).encode("utf-8"))
