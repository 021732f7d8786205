"""A skill's settings schema (``settings:`` in SKILL.md) as a pydantic model.

Built from the manifest alone, never from the skill's code, so settings are
checked in any project, trusted or not. Resolution (which value wins, and
where it came from) is :mod:`kurt.config.settings`.

pydantic is imported only when a value is checked or a model built: listing
the settings of a thousand skills (``kurt config skills``, ``kurt skill
info``) mostly shows manifest defaults and needs neither pydantic nor attrs,
which would cost it more than click itself. So :class:`Spec` is a NamedTuple,
as :class:`kurt.skills.record.SkillRecord` is, for the same reason.
"""

from __future__ import annotations

import keyword
import sys
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from kurt.errors import ManifestError

if TYPE_CHECKING:
    from pydantic import BaseModel

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


@cache
def _settings_base() -> type[BaseModel]:
    """Base of every generated settings model: frozen, strict about extra keys."""
    from pydantic import BaseModel, ConfigDict

    class SettingsModel(BaseModel):
        model_config = ConfigDict(
            extra="forbid", frozen=True, populate_by_name=True, protected_namespaces=()
        )

    return SettingsModel


#: The public attributes of pydantic's BaseModel: a settings model cannot use them
#: as field names, so a key named like one gets a ``_`` appended (``json`` ->
#: ``json_``). Written out rather than read from pydantic so that the manifest
#: rules (kurt.skills.manifest.rules) know every field name without importing
#: it; a test keeps this equal to the installed pydantic's.
MODEL_ATTRIBUTES = frozenset({
    "construct", "copy", "dict", "from_orm", "json", "model_computed_fields",
    "model_config", "model_construct", "model_copy", "model_dump", "model_dump_json",
    "model_extra", "model_fields", "model_fields_set", "model_json_schema",
    "model_parametrized_name", "model_post_init", "model_rebuild", "model_validate",
    "model_validate_json", "model_validate_strings", "parse_file", "parse_obj", "parse_raw",
    "schema", "schema_json", "update_forward_refs", "validate",
})  # fmt: skip


def field_name(key: str) -> str:
    """The attribute name of setting ``key`` on the settings model (``max-depth``
    -> ``max_depth``, ``json`` -> ``json_``, ``class`` -> ``class_``).

    Not one-to-one: ``json`` and ``json_`` both give ``json_``, and a name
    starting with ``_`` is no field at all for pydantic. The manifest rules
    refuse such keys (with their SKILL.md line) before a model is built.
    """
    name = "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in key)
    if not name or name[0].isdigit() or keyword.iskeyword(name) or name in MODEL_ATTRIBUTES:
        name = f"{name}_"
    return name


class Spec(NamedTuple):
    """One setting as declared in SKILL.md, normalised."""

    key: str
    type_name: str
    default: Any
    has_default: bool
    description: str | None
    required: bool
    secret: bool
    env: str | None

    @property
    def annotation(self) -> Any:
        """The type pydantic checks a value against (a secret one wrapped)."""
        annotation: Any = TYPES[self.type_name]
        if self.secret:
            from pydantic import Secret, SecretStr

            annotation = SecretStr if annotation is str else Secret[annotation]
        return annotation

    @property
    def field(self) -> str:
        """The attribute name on the settings model (see :func:`field_name`)."""
        return field_name(self.key)


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
        has_default = data.get("default") is not None
        out.append(
            Spec(
                key=str(key),
                type_name=type_name,
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
    from pydantic import Field, create_model

    fields: dict[str, Any] = {}
    for spec in specs(skill, schema):
        if spec.field.startswith("_") or spec.field in fields:
            # The manifest rules refuse these keys, so a skill gets here only
            # through the API (or a pydantic that grew an attribute): an error
            # naming the key, not pydantic's own failure inside a run.
            raise ManifestError(
                f"setting '{spec.key}' of skill '{skill}' cannot be an attribute of its "
                f"settings model ('{spec.field}' "
                + ("starts with '_')" if spec.field.startswith("_") else "is taken twice)"),
                key=f"settings.{spec.key}",
                hint="start a setting's name with a letter, and do not declare both "
                "'json' and 'json_' (one is the other's attribute)",
            )
        annotation = spec.annotation if spec.required else spec.annotation | None
        default: Any = ... if spec.required else (spec.default if spec.has_default else None)
        fields[spec.field] = (
            annotation,
            Field(default, alias=spec.key, description=spec.description),
        )
    name = "Settings_" + "".join(ch if ch.isalnum() else "_" for ch in skill)
    model: type[BaseModel] = create_model(name, __base__=_settings_base(), **fields)
    return model


def _as_dict(raw: Any) -> dict[str, Any]:
    if isinstance(raw, Mapping):
        return dict(raw)
    dump = getattr(raw, "model_dump", None)
    if callable(dump):
        result = dump()
        if isinstance(result, dict):
            return result
    attrs = sys.modules.get("attrs")  # an attrs instance means attrs is imported already
    if attrs is not None and attrs.has(type(raw)):
        return dict(attrs.asdict(raw))
    raise ManifestError(f"a setting must be a mapping, got {type(raw).__name__}")
