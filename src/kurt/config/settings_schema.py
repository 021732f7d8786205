"""A skill's settings schema (``settings:`` in SKILL.md) as a pydantic model.

Built from the manifest alone, never from the skill's code, so settings are
checked in any project, trusted or not. Resolution (which value wins, and
where it came from) is :mod:`kurt.config.settings`.
"""

from __future__ import annotations

import keyword
from collections.abc import Mapping
from typing import Any

import attrs
from pydantic import BaseModel, ConfigDict, Field, Secret, SecretStr
from pydantic import create_model as _create_model

from kurt.errors import ManifestError

# Type names a SKILL.md may use (the manifest model accepts exactly these:
# kurt.skills.manifest.model.SettingType), with the Python type each stands for.
TYPES: dict[str, Any] = {
    "str": str,
    "int": int,
    "float": float,
    "bool": bool,
    "list": list[Any],
    "dict": dict[str, Any],
}

# Attribute names a settings model cannot use as field names.
_TAKEN = frozenset(name for name in dir(BaseModel) if not name.startswith("_"))


class SettingsModel(BaseModel):
    """Base of every generated settings model: frozen, strict about extra keys."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, protected_namespaces=()
    )


@attrs.frozen
class Spec:
    """One setting as declared in SKILL.md, normalised."""

    key: str
    type_name: str
    annotation: Any
    default: Any
    has_default: bool
    description: str | None
    required: bool
    secret: bool
    env: str | None

    @property
    def field(self) -> str:
        """The attribute name on the settings model (``max-depth`` -> ``max_depth``)."""
        name = "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in self.key)
        if not name or name[0].isdigit() or keyword.iskeyword(name) or name in _TAKEN:
            name = f"{name}_"
        return name


def specs(skill: str, schema: Mapping[str, Any]) -> tuple[Spec, ...]:
    """Normalise a raw ``settings`` schema (key -> dict or SettingSpec-like object)."""
    out = []
    for key, raw in schema.items():
        data = _as_dict(raw)
        type_name = str(data.get("type") or "str")
        if type_name not in TYPES:
            raise ManifestError(
                f"setting '{key}' of skill '{skill}' has unknown type '{type_name}'",
                key=f"settings.{key}.type",
                hint=f"use one of: {', '.join(sorted(TYPES))}",
            )
        secret = bool(data.get("secret", False))
        annotation: Any = TYPES[type_name]
        if secret:
            annotation = SecretStr if annotation is str else Secret[annotation]
        has_default = data.get("default") is not None
        out.append(
            Spec(
                key=str(key),
                type_name=type_name,
                annotation=annotation,
                default=data.get("default"),
                has_default=has_default,
                description=data.get("description"),
                required=bool(data.get("required", False)) and not has_default,
                secret=secret,
                env=data.get("env") or None,
            )
        )
    return tuple(out)


def settings_model(skill: str, schema: Mapping[str, Any]) -> type[BaseModel]:
    """The pydantic model of ``skill``'s settings (never imports the skill)."""
    fields: dict[str, Any] = {}
    for spec in specs(skill, schema):
        annotation = spec.annotation if spec.required else spec.annotation | None
        default: Any = ... if spec.required else (spec.default if spec.has_default else None)
        fields[spec.field] = (
            annotation,
            Field(default, alias=spec.key, description=spec.description),
        )
    name = "Settings_" + "".join(ch if ch.isalnum() else "_" for ch in skill)
    model: type[BaseModel] = _create_model(name, __base__=SettingsModel, **fields)
    return model


def _as_dict(raw: Any) -> dict[str, Any]:
    if isinstance(raw, Mapping):
        return dict(raw)
    dump = getattr(raw, "model_dump", None)
    if callable(dump):
        result = dump()
        if isinstance(result, dict):
            return result
    if attrs.has(type(raw)):
        return attrs.asdict(raw)
    raise ManifestError(f"a setting must be a mapping, got {type(raw).__name__}")
