"""``kurt config schema``: a JSON Schema of kurt.toml, for editors.

Editors that validate TOML against JSON Schema (Taplo, and through it the
"Even Better TOML" extension of VS Code) then complete keys and flag wrong
values as you type. The schema covers Kurt's own sections (``[fetch]``,
``[map]``, ``[database]``, from :class:`kurt.config.model.KurtConfig`), the
``[skills]`` section (``paths``, ``enabled``, ``disabled``) and, for each
discovered skill, its ``[skills.<name>]`` table built from its SKILL.md
settings schema (no skill code is imported). See docs/configuration.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kurt.config.model import DatabaseSection, FetchSection, MapSection
from kurt.config.settings import settings_model

SCHEMA_DIALECT = "http://json-schema.org/draft-07/schema#"


def kurt_toml_schema(skills: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The JSON Schema of kurt.toml; ``skills`` maps each skill name to its
    settings schema (the raw ``settings`` of its SKILL.md)."""
    names = sorted(skills)
    skill_tables: dict[str, Any] = {}
    for name in names:
        table = _section(settings_model(name, skills[name]))
        table["description"] = f"Settings of skill '{name}' (from its SKILL.md)."
        skill_tables[name] = table
    name_list = {
        "type": "array",
        "items": {"type": "string", **({"examples": names} if names else {})},
        "uniqueItems": True,
    }
    return {
        "$schema": SCHEMA_DIALECT,
        "title": "kurt.toml",
        "description": "Configuration of a Kurt project (or of the user, ~/.kurt/kurt.toml).",
        "type": "object",
        "properties": {
            "fetch": _section(FetchSection),
            "map": _section(MapSection),
            "database": _section(DatabaseSection),
            "skills": {
                "type": "object",
                "description": "Which skills are searched and enabled, and their settings.",
                "properties": {
                    "paths": {
                        "type": "array",
                        "items": {"type": "string"},
                        "description": "Extra skill folders, relative to this file.",
                    },
                    "enabled": {
                        **name_list,
                        "description": "Allow-list: when present, only these skills are enabled.",
                    },
                    "disabled": {
                        **name_list,
                        "description": "Skills that are never enabled (wins over `enabled`).",
                    },
                    **skill_tables,
                },
                # A table for a skill not discovered here is allowed (it may
                # live on another machine); its keys are not checked.
                "additionalProperties": {"type": "object"},
            },
        },
    }


def _section(model: type[Any]) -> dict[str, Any]:
    """A model's schema, self-contained (definitions inlined) and by alias."""
    schema: dict[str, Any] = model.model_json_schema(by_alias=True)
    definitions = schema.pop("$defs", {})
    schema.pop("title", None)
    return _inline(schema, definitions)  # type: ignore[no-any-return]


def _inline(node: Any, definitions: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        reference = node.get("$ref")
        if isinstance(reference, str) and reference.startswith("#/$defs/"):
            return _inline(definitions[reference.removeprefix("#/$defs/")], definitions)
        return {key: _inline(value, definitions) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline(item, definitions) for item in node]
    return node
