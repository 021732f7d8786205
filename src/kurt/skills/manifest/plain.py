"""The manifest's plain form, without pydantic when the front matter already has it.

:class:`kurt.skills.manifest.model.Manifest` (pydantic) is the one definition of what a
SKILL.md may say, and the one place that explains what is wrong with it.
Most manifests, though, already hold exactly the types the model wants:
validating them changes nothing but fills in defaults. :func:`plain_manifest`
recognises that case in plain Python and returns what
``Manifest.to_cache()`` would, so that a cold ``kurt skill list`` of a
thousand healthy skills never imports pydantic (importing it and building the
models costs more than reading all the manifests). For anything else (a
missing key, a value of another type, a number where text is wanted, an
unknown ``implements`` key) it returns ``None`` and the caller asks pydantic,
which accepts or explains.

The contract, checked by a property test in ``tests/skills/test_shape.py``:
for any front matter, ``plain_manifest`` is ``None`` or equal to
``parse_manifest(...).to_cache()``. The PEP 440 and PEP 508 rules live here
once, and the model's validators call them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kurt.kinds import KINDS

if TYPE_CHECKING:
    from pathlib import Path

    from kurt.skills.manifest.frontmatter import FrontMatter

#: The top-level keys of the open Agent Skills format, in the model's order.
CORE_KEYS = ("name", "description", "license", "compatibility", "metadata", "allowed-tools")
#: Kurt's own top-level keys, in the model's order.
KURT_KEYS = (
    "version",
    "author",
    "tags",
    "requires_python",
    "requires",
    "requires_env",
    "requires_api",
    "requires_skills",
    "requires_llm",
    "implements",
    "settings",
    "workflows",
    "commands",
)
KNOWN_KEYS = frozenset(CORE_KEYS + KURT_KEYS)

#: ``implements`` item types, and setting types (``settings.<key>.type``).
IMPLEMENTS_TYPES = KINDS
SETTING_TYPE_NAMES = ("str", "int", "float", "bool", "list", "dict")

_IMPLEMENTATION_KEYS = frozenset(
    {"type", "class", "name", "description", "url_patterns", "priority"}
)
_COMMAND_KEYS = frozenset({"name", "entry", "help"})
_SETTING_KEYS = frozenset({"type", "default", "description", "required", "secret", "env"})
_TEXT_LISTS = ("tags",)
_REQUIRE_LISTS = ("requires_env", "requires_api", "requires_skills")


# --- the PEP rules (packaging is imported only for manifests that use the key) ------------------


def check_version(value: str) -> str:
    """``value`` if it is a PEP 440 version, else ``ValueError`` saying what is wanted."""
    from packaging.version import InvalidVersion, Version

    try:
        Version(value)
    except InvalidVersion:
        raise ValueError("a PEP 440 version such as 1.0.2") from None
    return value


def check_specifier(value: str) -> str:
    """``value`` if it is a PEP 440 specifier (``>=3.11``), else ``ValueError``."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        SpecifierSet(value)
    except InvalidSpecifier:
        raise ValueError("a PEP 440 version specifier such as '>=3.11'") from None
    return value


def check_requirement(line: str) -> str:
    """``line`` if it is a PEP 508 requirement (``httpx>=0.27``), else ``ValueError``.

    ``packaging.requirements`` alone costs about a third of importing click, so
    it is imported here, on the first manifest that declares ``requires``.
    """
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        Requirement(line)
    except InvalidRequirement:
        raise ValueError("a PEP 508 requirement such as 'httpx>=0.27'") from None
    return line


# --- the plain form ----------------------------------------------------------------------------


def read_plain(front: FrontMatter, path: Path) -> dict[str, Any]:
    """The plain form of ``front``: taken as it is when it already has the
    model's shape, else validated by pydantic, which raises
    :class:`~kurt.errors.ManifestError` naming the key and line when it is wrong."""
    plain = plain_manifest(front.fields)
    if plain is None:
        from kurt.skills.manifest.model import parse_manifest

        plain = parse_manifest(front, path).to_cache()
    return plain


def plain_manifest(fields: Mapping[str, Any]) -> dict[str, Any] | None:
    """``Manifest.to_cache()`` of ``fields`` (parsed front matter), or ``None``
    when only pydantic can say (the values are not all of their final types)."""
    try:
        return _plain(fields)
    except _Unsure:
        return None


class _Unsure(Exception):
    """Not exactly the model's shape: pydantic decides."""


def _plain(fields: Mapping[str, Any]) -> dict[str, Any]:
    get = fields.get
    version = _optional_text(get("version"))
    if version is not None:
        _or_unsure(check_version, version)
    requires_python = _optional_text(get("requires_python"))
    if requires_python is not None:
        _or_unsure(check_specifier, requires_python)
    requires = _texts(get("requires", []))
    for line in requires:
        _or_unsure(check_requirement, line)
    plain: dict[str, Any] = {
        "name": _text(get("name")),
        "description": _text(get("description")),
        "license": _optional_text(get("license")),
        "compatibility": _optional_text(get("compatibility")),
        "metadata": _text_mapping(get("metadata", {})),
        "allowed-tools": _allowed_tools(get("allowed-tools")),
        "version": version,
        "author": _optional_text(get("author")),
        "tags": _texts(get("tags", [])),
        "requires_python": requires_python,
        "requires": requires,
    }
    for key in _REQUIRE_LISTS:
        plain[key] = _texts(get(key, []))
    plain["requires_llm"] = _flag(get("requires_llm", False))
    plain["implements"] = [_implementation(item) for item in _list(get("implements", []))]
    plain["settings"] = {key: _setting(spec) for key, spec in _mapping(get("settings", {})).items()}
    plain["workflows"] = _texts(get("workflows", []))
    plain["commands"] = [_command(item) for item in _list(get("commands", []))]
    plain["extra_keys"] = sorted(key for key in fields if key not in KNOWN_KEYS)
    plain["metadata_coerced"] = []
    return plain


def _implementation(item: Any) -> dict[str, Any]:
    item = _mapping(item)
    if not item.keys() <= _IMPLEMENTATION_KEYS or item.get("type") not in IMPLEMENTS_TYPES:
        raise _Unsure
    return {
        "type": item["type"],
        "class": _nonempty_text(item.get("class")),
        "name": _nonempty_text(item.get("name")),
        "description": _optional_text(item.get("description")),
        "url_patterns": _texts(item.get("url_patterns", [])),
        "priority": _integer(item.get("priority", 0)),
    }


def _command(item: Any) -> dict[str, Any]:
    item = _mapping(item)
    if not item.keys() <= _COMMAND_KEYS:
        raise _Unsure
    return {
        "name": _nonempty_text(item.get("name")),
        "entry": _nonempty_text(item.get("entry")),
        "help": _optional_text(item.get("help")),
    }


def _setting(spec: Any) -> dict[str, Any]:
    spec = _mapping(spec)
    if not spec.keys() <= _SETTING_KEYS or spec.get("type") not in SETTING_TYPE_NAMES:
        raise _Unsure
    default = spec.get("default")
    _check_finite(default)
    return {
        "type": spec["type"],
        "default": default,
        "description": _optional_text(spec.get("description")),
        "required": _flag(spec.get("required", False)),
        "secret": _flag(spec.get("secret", False)),
        "env": _optional_text(spec.get("env")),
    }


def _or_unsure(check: Any, value: str) -> None:
    try:
        check(value)
    except ValueError:
        raise _Unsure from None


def _text(value: Any) -> str:
    if type(value) is not str:
        raise _Unsure
    return value


def _nonempty_text(value: Any) -> str:
    if type(value) is not str or not value:
        raise _Unsure
    return value


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _integer(value: Any) -> int:
    if type(value) is not int:
        raise _Unsure
    return value


def _flag(value: Any) -> bool:
    if type(value) is not bool:
        raise _Unsure
    return value


def _list(value: Any) -> list[Any]:
    if type(value) is not list:
        raise _Unsure
    return value


def _mapping(value: Any) -> dict[str, Any]:
    if type(value) is not dict:
        raise _Unsure
    return value


def _texts(value: Any) -> list[str]:
    items = _list(value)
    for item in items:
        _text(item)
    return list(items)


def _text_mapping(value: Any) -> dict[str, str]:
    mapping = _mapping(value)
    for item in mapping.values():
        _text(item)  # other values are read as text, with a warning: pydantic's part
    return dict(mapping)


def _allowed_tools(value: Any) -> str | list[str] | None:
    if value is None or type(value) is str:
        return value
    return _texts(value)


def _check_finite(value: Any) -> None:
    """Infinities and NaN become ``null`` in the model's JSON form: pydantic's part."""
    if type(value) is float and not math.isfinite(value):
        raise _Unsure
    if type(value) is list:
        for item in value:
            _check_finite(item)
    elif type(value) is dict:
        for item in value.values():
            _check_finite(item)
