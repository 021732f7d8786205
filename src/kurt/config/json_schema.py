"""``kurt config schema``: a JSON Schema of kurt.toml, for editors.

Editors that validate TOML against JSON Schema (Taplo, and through it the
"Even Better TOML" extension of VS Code) then complete keys and flag wrong
values as you type. The schema covers Kurt's own sections (``[fetch]``,
``[map]``, ``[database]``, ``[mcp]``, ``[llm]``, from :class:`kurt.config.model.KurtConfig`), the
``[skills]`` section (``paths``, ``enabled``, ``disabled``) and, for each
discovered skill, its ``[skills.<name>]`` table built from its SKILL.md
settings schema (no skill code is imported). See docs/configuration.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kurt.config.model import DatabaseSection, FetchSection, LlmSection, MapSection, McpSection
from kurt.config.settings_model import specs

SCHEMA_DIALECT = "http://json-schema.org/draft-07/schema#"


def kurt_toml_schema(skills: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The JSON Schema of kurt.toml; ``skills`` maps each skill name to its
    settings schema (the raw ``settings`` of its SKILL.md)."""
    names = sorted(skills)
    skill_tables: dict[str, Any] = {}
    for name in names:
        skill_tables[name] = settings_schema(name, skills[name])
    # No uniqueItems: Kurt accepts a name listed twice, and the schema refuses
    # only what Kurt refuses (tests/cli/test_config_schema_verdict.py).
    name_list = {
        "type": "array",
        "items": {"type": "string", **({"examples": names} if names else {})},
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
            "mcp": _section(McpSection),
            "llm": _section(LlmSection),
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
        # Kurt refuses any other section or top-level key ([mapp], mapp = 1):
        # kurt.config.keys.SECTIONS.
        "additionalProperties": False,
    }


# JSON Schema of each setting type a SKILL.md may declare.
_JSON_TYPES: dict[str, dict[str, Any]] = {
    "str": {"type": "string"},
    "string": {"type": "string"},
    "int": {"type": "integer"},
    "integer": {"type": "integer"},
    "float": {"type": "number"},
    "number": {"type": "number"},
    "bool": {"type": "boolean"},
    "boolean": {"type": "boolean"},
    "list": {"type": "array"},
    "array": {"type": "array"},
    "list[str]": {"type": "array", "items": {"type": "string"}},
    "list[int]": {"type": "array", "items": {"type": "integer"}},
    "list[float]": {"type": "array", "items": {"type": "number"}},
    "dict": {"type": "object"},
    "table": {"type": "object"},
    "object": {"type": "object"},
}


def settings_schema(skill: str, schema: Mapping[str, Any]) -> dict[str, Any]:
    """The ``[skills.<skill>]`` table as JSON Schema. Nothing is ``required``
    here: a required setting may come from the environment instead."""
    properties: dict[str, Any] = {}
    for spec in specs(skill, schema):
        prop = dict(_JSON_TYPES[spec.type_name])
        if spec.description:
            prop["description"] = spec.description
        if spec.has_default and not spec.secret:
            prop["default"] = spec.default
        if spec.secret:
            prop["writeOnly"] = True
        properties[spec.key] = prop
    if "llm" not in properties:  # [skills.<skill>.llm]: the skill's own model (SPEC 12)
        from kurt.config.model import LlmSection

        properties["llm"] = {
            **_section(LlmSection),
            "description": f"The model context.llm asks for skill '{skill}' (over [llm]).",
        }
    return {
        "type": "object",
        "description": f"Settings of skill '{skill}' (from its SKILL.md).",
        "properties": properties,
        "additionalProperties": False,
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
