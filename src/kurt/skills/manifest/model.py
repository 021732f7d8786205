"""The SKILL.md manifest as typed data: the open Agent Skills keys plus Kurt's.

Parsing is lenient where the Agent Skills client guide says to be (any folder
with a readable ``name`` and ``description`` parses): rules that real skills
break (name spelling, description length, folder name, unknown keys) are
checks in :mod:`kurt.skills.manifest.rules`, reported as problems rather than parse
failures, so that a listing shows every skill with what is wrong with it.

What does fail parsing, with a :class:`~kurt.errors.ManifestError` naming the
SKILL.md, the line of the offending top-level key, the key, what was expected
and what was found: a missing ``name`` or ``description``, a value of the
wrong shape (``implements: yes``), an invalid PEP 440 ``version`` or
``requires_python``, an invalid PEP 508 line in ``requires``, an unknown
``implements`` type or setting type.

Setting types (``settings.<key>.type``) are the TOML value kinds a user can
write in kurt.toml: ``str``, ``int``, ``float`` (an integer is accepted),
``bool``, ``list`` and ``dict`` (see :data:`kurt.skills.manifest.rules.SETTING_TYPES`).

A listing asks this model only about manifests that are not already in its
shape (:mod:`kurt.skills.manifest.plain` takes the others as they are; a property test
keeps the two in agreement): importing pydantic costs more than reading a
thousand manifests.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from kurt.errors import ManifestError
from kurt.skills.manifest.frontmatter import FrontMatter, read_front_matter
from kurt.skills.manifest.plain import KNOWN_KEYS, check_requirement, check_specifier, check_version

# The same names as kurt.skills.manifest.plain.IMPLEMENTS_TYPES and
# SETTING_TYPE_NAMES (a test checks).
ImplementsType = Literal["tool", "fetcher", "mapper"]
SettingType = Literal["str", "int", "float", "bool", "list", "dict"]

_STRICT = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, str_strip_whitespace=False)


class Implementation(BaseModel):
    """One thing a skill provides: ``{type: tool, class: ArchiveTool, name: archive}``.

    Fetchers and mappers may add ``url_patterns`` (shell globs over host/path)
    and a ``priority`` that route URLs to them (SPEC section 10; the rules in
    :func:`kurt.skills.manifest.rules.check_routing`).
    """

    model_config = _STRICT

    type: ImplementsType
    class_: str = Field(alias="class", min_length=1)
    name: str = Field(min_length=1)
    description: str | None = None
    url_patterns: list[str] = Field(default_factory=list)
    priority: int = Field(default=0, strict=True)  # `true` is not a priority


class SettingSpec(BaseModel):
    """The declaration of one setting under ``settings:`` (see the module doc for types)."""

    model_config = _STRICT

    type: SettingType
    default: Any = None
    description: str | None = None
    required: bool = False
    secret: bool = False
    env: str | None = None

    def to_plain(self) -> dict[str, Any]:
        """The declaration as JSON-ready data (what the manifest cache stores)."""
        return self.model_dump(mode="json")


class CommandSpec(BaseModel):
    """One command a skill adds to ``kurt``: ``{name: archive-all, entry: "cli:group",
    help: "..."}`` (``entry`` is ``module:attribute`` inside the skill folder)."""

    model_config = _STRICT

    name: str = Field(min_length=1)
    entry: str = Field(min_length=1)
    help: str | None = None


class Manifest(BaseModel):
    """A parsed SKILL.md front matter. Unknown top-level keys are in ``extra_keys``."""

    model_config = _STRICT

    # The open Agent Skills keys.
    name: str
    description: str
    license: str | None = None
    compatibility: str | None = None
    metadata: dict[str, str] = Field(default_factory=dict)
    allowed_tools: str | list[str] | None = Field(default=None, alias="allowed-tools")
    # Kurt's keys.
    version: str | None = None
    author: str | None = None
    tags: list[str] = Field(default_factory=list)
    requires_python: str | None = None
    requires: list[Annotated[str, AfterValidator(check_requirement)]] = Field(default_factory=list)
    requires_env: list[str] = Field(default_factory=list)
    requires_api: list[str] = Field(default_factory=list)
    requires_skills: list[str] = Field(default_factory=list)
    # Asks a language model through context.llm: unusable while no [llm] model is set.
    requires_llm: bool = False
    implements: list[Implementation] = Field(default_factory=list)
    settings: dict[str, SettingSpec] = Field(default_factory=dict)
    # Workflow files (TOML) relative to the skill's folder (SPEC section 11).
    workflows: list[str] = Field(default_factory=list)
    commands: list[CommandSpec] = Field(default_factory=list)
    # What parsing noticed, kept for the checks (and the cache).
    extra_keys: list[str] = Field(default_factory=list)
    metadata_coerced: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _stringify_metadata(cls, data: Any) -> Any:
        # The open format says string to string; real files write `version: 1.0`.
        # Keep the skill readable and remember which keys were not strings (a warning).
        if not isinstance(data, dict) or not isinstance(data.get("metadata"), dict):
            return data
        coerced = [str(k) for k, v in data["metadata"].items() if not isinstance(v, str)]
        if not coerced or "metadata_coerced" in data:
            return data
        metadata = {str(k): _as_text(v) for k, v in data["metadata"].items()}
        return {**data, "metadata": metadata, "metadata_coerced": coerced}

    @field_validator("version")
    @classmethod
    def _pep440_version(cls, value: str | None) -> str | None:
        return value if value is None else check_version(value)

    @field_validator("requires_python")
    @classmethod
    def _pep440_specifier(cls, value: str | None) -> str | None:
        return value if value is None else check_specifier(value)

    @property
    def provides(self) -> list[tuple[str, str]]:
        """``(type, name)`` of everything this skill implements, in manifest order."""
        return [(item.type, item.name) for item in self.implements]

    def settings_spec(self) -> dict[str, dict[str, Any]]:
        """The settings schema as plain data: ``{key: {type, default, ...}}``."""
        return {key: spec.to_plain() for key, spec in self.settings.items()}

    def to_cache(self) -> dict[str, Any]:
        """JSON-ready data that :meth:`from_cache` turns back into an equal manifest."""
        return self.model_dump(mode="json", by_alias=True)

    @classmethod
    def from_cache(cls, data: dict[str, Any]) -> Manifest:
        """The manifest stored by :meth:`to_cache` (validated again: a cache is not trusted)."""
        return cls.model_validate(data)


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return json.dumps(value)  # true / false / null, as YAML wrote them
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False, default=str)


def parse_manifest(front: FrontMatter, path: Path) -> Manifest:
    """Validate front matter into a :class:`Manifest`, or raise :class:`ManifestError`."""
    fields = front.fields
    extra = sorted(key for key in fields if key not in KNOWN_KEYS)
    known = {key: value for key, value in fields.items() if key in KNOWN_KEYS}
    try:
        return Manifest.model_validate({**known, "extra_keys": extra})
    except ValidationError as exc:
        raise _manifest_error(exc, front, path) from None


def load_manifest(skill_md: Path) -> Manifest:
    """Read and parse one SKILL.md; every failure is a :class:`ManifestError`."""
    try:
        data = skill_md.read_bytes()
    except OSError as exc:
        raise ManifestError(f"cannot read SKILL.md: {exc.strerror or exc}", file=skill_md) from None
    return parse_manifest(read_front_matter(data, skill_md), skill_md)


# --- turning pydantic's errors into one message a skill author can act on ---------------


def _manifest_error(exc: ValidationError, front: FrontMatter, path: Path) -> ManifestError:
    problems = sorted(
        (_describe(error, front) for error in exc.errors(include_url=False)), key=lambda p: p[0]
    )
    line, key, text = problems[0]
    message = text
    for other_line, _, other_text in problems[1:]:
        message += f"\n  line {other_line}: {other_text}"
    error = ManifestError(message, file=path, line=line, key=key, hint=_hint(key))
    if len(problems) > 1:
        error.details = tuple(
            ManifestError(text, file=path, line=line, key=key, hint=_hint(key))
            for line, key, text in problems
        )
    return error


def _describe(error: ErrorDetails, front: FrontMatter) -> tuple[int, str, str]:
    loc = [part for part in error["loc"] if not _is_internal(part)]
    top = str(loc[0]) if loc else ""
    key = _dotted(loc) if loc else "(front matter)"
    line = front.line_of(key if loc else top)
    kind = error["type"]
    if kind == "missing":
        return line, key, f"missing required key '{key}'"
    if kind == "extra_forbidden":
        parent = _dotted(loc[:-1])
        return line, key, f"unknown key '{loc[-1]}' in '{parent}'"
    expected = _expected(error)
    found = _shown(error.get("input"))
    return line, key, f"'{key}': expected {expected}, found {found}"


def _is_internal(part: int | str) -> bool:
    # pydantic adds the union member's name ("str", "list[str]") to union locations.
    return isinstance(part, str) and (part in {"str", "list[str]"} or part.startswith("function-"))


def _dotted(loc: list[int | str]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


_EXPECTED = {
    "string_type": "a string",
    "list_type": "a list",
    "dict_type": "a mapping",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "string_too_short": "a non-empty string",
    "int_type": "an integer",
    "int_parsing": "an integer",
}


def _expected(error: ErrorDetails) -> str:
    kind = error["type"]
    if kind == "literal_error":
        return f"one of {error.get('ctx', {}).get('expected', '')}"
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error["msg"]))
    return _EXPECTED.get(kind, error["msg"][0].lower() + error["msg"][1:])


def _shown(value: Any) -> str:
    text = repr(value) if not isinstance(value, (dict, list)) else json.dumps(value, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


_HINTS = {
    "implements": "each item is {type: tool|fetcher|mapper, class: ClassName, name: name}, "
    "and a fetcher or mapper may add url_patterns: [glob, ...] and priority: int",
    "settings": "each setting is {type: str|int|float|bool|list|dict, default: ..., "
    "description: ...}",
    "requires": 'list distribution requirements, e.g. requires: ["httpx>=0.27"]',
    "requires_python": 'write a specifier such as ">=3.11"',
    "version": "write a version such as 0.1.0",
    "commands": 'each command is {name: archive-all, entry: "module:attribute", help: ...}',
}


def _hint(key: str) -> str | None:
    top = key.split(".")[0].split("[")[0]
    return _HINTS.get(top)
