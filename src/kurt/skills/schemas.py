"""The input schemas of a skill's tools, without importing it each time.

A tool's JSON Schema comes from its ``InputModel``, which lives in the
skill's code; the manifest does not hold it. So the first time a schema is
needed (``kurt mcp serve``'s ``tools/list``) the skill is imported, as a run
would import it (enabled state, environment, trust and settings checked
first), and the schemas of the tools it registered are kept in one file per
project under ``KURT_HOME/cache/schemas``, each skill's keyed by its folder
and the stamps (size and mtime) of its ``skill.py`` and ``SKILL.md``. While
both are as they were, the next process reads them from there: listing a
thousand skills imports none and reads one file.

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
CODE_FILE = "skill.py"  # kurt.skills.loader.CODE_FILE, without importing the loader
_FORMAT = 2

# Skill folder -> the stamps of its files when this process imported it.
_imported_at: dict[str, list[Any]] = {}


class SchemaCache:
    """The cached input schemas of one project's skills (one file, read once)."""

    def __init__(self, skills: SkillManager) -> None:
        self.skills = skills
        root = skills.locations.project_root
        key = hashlib.sha256(str(root).encode("utf-8", "surrogateescape")).hexdigest()[:32]
        self.file = os.path.join(skills.locations.cache_dir, SCHEMAS_DIR, key + ".json")
        self._entries: dict[str, Any] | None = None
        self._changed = False

    def cached(self, folder: str) -> dict[str, Schema] | None:
        """The schemas of the skill in ``folder`` while its files are as cached."""
        entry = self._read().get(folder)
        if isinstance(entry, dict) and entry.get("stamps") == stamps(folder):
            schemas = entry.get("schemas")
            return schemas if isinstance(schemas, dict) else None
        return None

    def schemas(self, record: SkillRecord) -> dict[str, Schema]:
        """Tool name -> JSON Schema of its input, for every tool ``record``
        provides: from the cache while its files are unchanged, else by
        loading the skill now (raising the :class:`~kurt.errors.KurtError` a
        run would raise: disabled, untrusted, invalid settings, an import
        that fails)."""
        folder = str(record.path)
        found = self.cached(folder)
        if found is not None:
            return found
        from kurt.skills.loader import is_loaded

        now = stamps(folder)
        fresh_import = not is_loaded(record)
        self.skills.load(record)
        if fresh_import:
            _imported_at[folder] = now
        found = _registered_schemas(record)
        if _imported_at.get(folder) == now:  # the code that ran is the code on disk
            self._read()[folder] = {"stamps": now, "schemas": found}
            self._changed = True
        return found

    def save(self) -> None:
        """Write the cache back if :meth:`schemas` learnt something (a cache:
        a lost write costs one import later, never a wrong answer)."""
        if not self._changed:
            return
        from kurt.skills.catalog.snapshot import write_bytes

        body = {"format": _FORMAT, "skills": self._read()}
        write_bytes(self.file, json.dumps(body, ensure_ascii=False).encode("utf-8"))
        self._changed = False

    def _read(self) -> dict[str, Any]:
        if self._entries is None:
            try:
                with open(self.file, encoding="utf-8") as handle:
                    stored = json.load(handle)
            except (OSError, ValueError):
                stored = None
            ok = isinstance(stored, dict) and stored.get("format") == _FORMAT
            entries = stored.get("skills") if ok and isinstance(stored, dict) else None
            self._entries = entries if isinstance(entries, dict) else {}
        return self._entries


def input_schemas(skills: SkillManager, record: SkillRecord) -> dict[str, Schema]:
    """:meth:`SchemaCache.schemas` for one skill, saved at once."""
    cache = SchemaCache(skills)
    found = cache.schemas(record)
    cache.save()
    return found


def stamps(folder: str) -> list[Any]:
    """Size and mtime of the skill's ``skill.py`` and manifest (``None`` when absent)."""
    from kurt.skills.catalog.scan import lstat_manifest

    found: list[Any] = []
    try:
        code: os.stat_result | None = os.stat(folder + os.sep + CODE_FILE)
    except OSError:
        code = None
    for stat in (code, lstat_manifest(folder)[1]):
        found.append([stat.st_size, stat.st_mtime_ns] if stat is not None else None)
    return found


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
    except PydanticInvalidForJsonSchema:
        return {"type": "object"}
    return schema
