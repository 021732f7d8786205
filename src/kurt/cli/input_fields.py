"""A tool's input fields as rows a person reads (``kurt tool info``), from the
JSON Schema pydantic gives for its ``InputModel``: name, type, required,
default and description (SPEC section 6). ``--json`` keeps the whole schema."""

from __future__ import annotations

import json
from typing import Any

COLUMNS = ("field", "type", "required", "default", "description")


def input_fields(schema: dict[str, Any]) -> list[list[str]]:
    """One row per property of ``schema``, in the model's order."""
    required = set(schema.get("required") or ())
    definitions = schema.get("$defs") or {}
    rows = []
    for name, spec in (schema.get("properties") or {}).items():
        rows.append(
            [
                name,
                type_of(spec, definitions),
                "yes" if name in required else "no",
                "" if "default" not in spec else json.dumps(spec["default"], ensure_ascii=False),
                " ".join(str(spec.get("description") or "").split()),
            ]
        )
    return rows


def type_of(spec: dict[str, Any], definitions: dict[str, Any]) -> str:
    """``str``, ``list[str]``, ``int | null``, ``Page``: short, as a person reads a type."""
    if "$ref" in spec:
        return str(spec["$ref"]).rpartition("/")[2]
    if "anyOf" in spec:
        return " | ".join(type_of(option, definitions) for option in spec["anyOf"])
    if "enum" in spec:
        return " | ".join(json.dumps(value, ensure_ascii=False) for value in spec["enum"])
    kind = spec.get("type")
    if kind == "array":
        items = spec.get("items")
        return f"list[{type_of(items, definitions)}]" if isinstance(items, dict) else "list"
    if kind == "object":
        values = spec.get("additionalProperties")
        if isinstance(values, dict):
            return f"dict[str, {type_of(values, definitions)}]"
        return "dict"
    if isinstance(kind, list):
        return " | ".join(_NAMES.get(str(k), str(k)) for k in kind)
    return _NAMES.get(str(kind), str(kind)) if kind is not None else "any"


# JSON Schema's names for the types a TOML or JSON value can have, as Python writes them.
_NAMES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
