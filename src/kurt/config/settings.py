"""A skill's settings: its SKILL.md schema as a pydantic model, resolved values.

The schema comes from the manifest (``settings:`` in SKILL.md), never from the
skill's code, so settings are checked in any project, trusted or not, before
anything of the skill runs. Each key is resolved on its own, highest first
(SPEC section 3):

1. ``KURT_SKILLS__<SKILL>__<KEY>`` (name upper-cased, ``-`` -> ``_``)  source ``env``
2. the setting's own ``env`` variable                                   source ``env:<NAME>``
3. the project's kurt.toml ``[skills.<skill>]``                         source ``project``
4. the user's ``~/.kurt/kurt.toml`` ``[skills.<skill>]``                source ``user``
5. the manifest ``default``                                             source ``default``

Values written in kurt.toml are typed already and checked strictly (``timeout =
"45"`` is a string, not a number); environment variables are text and are
converted leniently (``"45"`` is a fine ``int``; a list or table is read as a
TOML or JSON value). A secret (``secret: true``) becomes a
:class:`pydantic.SecretStr` (type ``str``) or a :class:`pydantic.Secret` of its
type (``Secret[int]``, ``Secret[list[Any]]``, ...), and its value never appears
in any message.
"""

from __future__ import annotations

import json
import math
import sys
import tomllib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from kurt.config.files import TooDeepError, loads, too_deep
from kurt.config.settings_model import Spec, settings_model, specs
from kurt.config.skills import MASK, SkillsConfig, locate_key
from kurt.errors import ConfigError, ManifestError, did_you_mean

if TYPE_CHECKING:
    from pathlib import Path

    from pydantic import BaseModel, TypeAdapter

# The records below are NamedTuples and pydantic is imported only to check a
# value that kurt.toml or the environment gives (see kurt.config.settings_model):
# a listing of manifest defaults needs neither.

SOURCE_ENV = "env"
SOURCE_PROJECT = "project"
SOURCE_USER = "user"
SOURCE_DEFAULT = "default"
SOURCE_MISSING = "missing"  # required, and set nowhere: the value is None


class ResolvedValue(NamedTuple):
    """The effective value of one setting and where it came from."""

    key: str
    value: Any
    source: str  # env | env:<NAME> | project | user | default | missing
    secret: bool
    file: Path | None = None
    variable: str | None = None  # the environment variable it was read from

    @property
    def shown(self) -> Any:
        """The value as a listing may print it: secrets masked, and a value
        read from the environment as the variable's name (``from $NAME``):
        a manifest must never be a way to read the user's environment."""
        if self.secret and self.value is not None:
            return MASK
        if self.variable is not None:
            return from_variable(self.variable)
        pydantic = sys.modules.get("pydantic")  # a Secret value means pydantic is imported
        if pydantic is not None and isinstance(self.value, pydantic.SecretStr | pydantic.Secret):
            return MASK
        return self.value


def from_variable(name: str) -> str:
    """How listings show a value read from the environment variable ``name``."""
    return f"from ${name}"


def from_environment(source: str | None) -> bool:
    """Whether a value's ``source`` is an environment variable (so a listing
    shows :func:`from_variable` in its place, as it is, not as a TOML value)."""
    return source is not None and (source == SOURCE_ENV or source.startswith(f"{SOURCE_ENV}:"))


def _shown(values: tuple[ResolvedValue, ...]) -> dict[str, Any]:
    return {item.key: item.shown for item in values}


def _sources(values: tuple[ResolvedValue, ...]) -> dict[str, str]:
    return {item.key: item.source for item in values}


class ResolvedSettings(NamedTuple):
    """A skill's validated settings model plus, per key, its value and source."""

    skill: str
    model: BaseModel
    values: tuple[ResolvedValue, ...]

    def shown(self) -> dict[str, Any]:
        """``{key: value}`` of every declared setting (SPEC section 6): secrets
        as ``"***"``, an unset one (a missing required one too) as ``None``."""
        return _shown(self.values)

    def sources(self) -> dict[str, str]:
        return _sources(self.values)


class _Problem(NamedTuple):
    message: str
    key: str
    file: Path | None = None
    line: int | None = None
    hint: str | None = None

    def error(self) -> ConfigError:
        return ConfigError(
            self.message, file=self.file, line=self.line, key=self.key, hint=self.hint
        )


def env_name(skill: str, key: str) -> str:
    """``KURT_SKILLS__<SKILL>__<KEY>``: upper-cased, ``-`` -> ``_``."""
    return f"KURT_SKILLS__{_env_part(skill)}__{_env_part(key)}"


def resolve_settings(
    skill_name: str,
    schema: Mapping[str, Any],
    skills_config: SkillsConfig,
    environ: Mapping[str, str],
) -> ResolvedSettings:
    """Validate and resolve ``skill_name``'s settings, or raise a located ConfigError."""
    values, checked, problems = _resolve(skill_name, schema, skills_config, environ)
    if problems:
        raise problems[0].error()
    model = settings_model(skill_name, schema).model_validate(checked)
    return ResolvedSettings(skill=skill_name, model=model, values=tuple(values))


class SettingsReport(NamedTuple):
    """What a listing shows of a skill's settings: each value found (invalid
    ones as found, secrets masked by :attr:`ResolvedValue.shown`) and every
    problem as a message."""

    values: tuple[ResolvedValue, ...]
    problems: tuple[str, ...]

    def shown(self) -> dict[str, Any]:
        """As :meth:`ResolvedSettings.shown`."""
        return _shown(self.values)

    def sources(self) -> dict[str, str]:
        return _sources(self.values)


def inspect_settings(
    skill_name: str,
    schema: Mapping[str, Any],
    skills_config: SkillsConfig,
    environ: Mapping[str, str],
) -> SettingsReport:
    """Like :func:`resolve_settings`, but never raises: for listings."""
    try:
        values, _, problems = _resolve(skill_name, schema, skills_config, environ)
    except ManifestError as exc:
        return SettingsReport((), (str(exc),))
    return SettingsReport(tuple(values), tuple(str(problem.error()) for problem in problems))


class SettingsInspector:
    """:func:`inspect_settings` for every skill of a listing, against one
    configuration and one environment (``kurt config skills``).

    Most skills have no settings table in either kurt.toml and no variable in
    the environment: their report then depends on the schema alone, and
    skills commonly share schemas (scaffolded ones, a family of skills), so it
    is worked out once per schema. Anything else (a table, a variable, a
    problem, whose message names the skill) is inspected for that skill alone.
    The answer is always :func:`inspect_settings`'s (a test holds them equal).
    """

    def __init__(self, skills_config: SkillsConfig, environ: Mapping[str, str]) -> None:
        self._config = skills_config
        self._environ = environ
        # Read once: a scan of the environment per skill was most of the cost.
        self._variables = [v for v in environ if v.startswith("KURT_SKILLS__")]
        self._reports: dict[str, SettingsReport | None] = {}
        # id -> (schema, its text): the schema is kept so that an id is never reused.
        self._schemas: dict[int, tuple[Mapping[str, Any], str | None]] = {}
        self._bare: SettingsInspector | None = None

    def inspect(
        self, skill_name: str, schema: Mapping[str, Any], *, manifest_only: bool = False
    ) -> SettingsReport:
        """The skill's report; with ``manifest_only``, from its manifest alone
        (neither kurt.toml nor the environment: a skill that comes with an
        untrusted project, :meth:`kurt.skills.manager.SkillManager.reads_settings`)."""
        if manifest_only:
            if self._bare is None:
                self._bare = SettingsInspector(SkillsConfig(), {})
            return self._bare.inspect(skill_name, schema)
        key = self._key(skill_name, schema)
        found = self._reports.get(key) if key is not None else None
        if found is not None:
            return found
        report = inspect_settings(skill_name, schema, self._config, self._environ)
        if key is not None and not report.problems:
            self._reports[key] = report
        return report

    def _key(self, skill: str, schema: Mapping[str, Any]) -> str | None:
        """The schema as text when nothing but the schema decides the report.

        The schema's values are plain JSON values (from the manifest cache).
        """
        if self._config.settings_tables(skill):
            return None
        if self._variables:
            prefix = f"KURT_SKILLS__{_env_part(skill)}__"
            if any(v.startswith(prefix) for v in self._variables):
                return None
        # Skills that share a schema often share the very object (the
        # snapshot stores each distinct schema once): its text is made once.
        known = self._schemas.get(id(schema))
        if known is None or known[0] is not schema:
            known = self._schemas[id(schema)] = (schema, self._text(schema))
        return known[1]

    def _text(self, schema: Mapping[str, Any]) -> str | None:
        for entry in schema.values():
            if not isinstance(entry, Mapping):
                return None
            env = entry.get("env")
            if env is not None and (not isinstance(env, str) or env in self._environ):
                return None
        # repr, not json.dumps: a C call, and as exact (30 and 30.0, 1 and True
        # differ); schemas equal but written in another key order just miss.
        return repr(schema)


def check_value(skill: str, schema: Mapping[str, Any], key: str, value: Any, file: Path) -> None:
    """Raise a ConfigError unless ``value`` is valid for ``key`` as written in ``file``."""
    by_key = {spec.key: spec for spec in specs(skill, schema)}
    spec = by_key.get(key)
    if spec is None:
        raise _unknown(skill, key, by_key, file, None).error()
    _, problem = _convert(skill, spec, value, file=file, origin=None)
    if problem is not None:
        # The value is not in the file (yet): no line to point at.
        raise problem._replace(line=None).error()


# -- internals ---------------------------------------------------------------------------


def _resolve(
    skill: str,
    schema: Mapping[str, Any],
    config: SkillsConfig,
    environ: Mapping[str, str],
) -> tuple[list[ResolvedValue], dict[str, Any], list[_Problem]]:
    """Each value found, the valid ones by key, and every problem."""
    all_specs = specs(skill, schema)
    by_key = {spec.key: spec for spec in all_specs}
    tables = config.settings_tables(skill)
    problems: list[_Problem] = []

    # Keys nobody declared: in a file, or as KURT_SKILLS__<SKILL>__<KEY>.
    for table in tables:
        for key in table.values:
            if key not in by_key:
                problems.append(
                    _unknown(skill, key, by_key, table.file, locate_key(table.file, skill, key))
                )
    prefix = f"KURT_SKILLS__{_env_part(skill)}__"
    env_keys = {env_name(skill, spec.key): spec.key for spec in all_specs}
    for variable in sorted(v for v in environ if v.startswith(prefix)):
        if variable not in env_keys:
            # Compare the parts after the prefix: the shared prefix would make
            # every variable look close to every other.
            close = did_you_mean(variable[len(prefix) :], (v[len(prefix) :] for v in env_keys))
            problems.append(
                _Problem(
                    f"environment variable {variable} names no setting of skill '{skill}'"
                    + (f"; did you mean {prefix}{close}?" if close else ""),
                    key=f"skills.{skill}.{variable[len(prefix) :].lower()}",
                    hint=f"unset {variable}; {_known_hint(skill, by_key, ending='')}",
                )
            )

    values: list[ResolvedValue] = []
    checked: dict[str, Any] = {}
    for spec in all_specs:
        found = _lookup(skill, spec, tables, environ)
        if found is None:
            if spec.required:
                problems.append(_missing(skill, spec, config))
                # Listed all the same: a listing shows every declared key.
                values.append(ResolvedValue(spec.key, None, SOURCE_MISSING, spec.secret))
                continue
            value = spec.default if spec.has_default else None
            values.append(ResolvedValue(spec.key, value, SOURCE_DEFAULT, spec.secret))
            checked[spec.key] = value
            continue
        raw, source, file, origin = found
        value, problem = _convert(skill, spec, raw, file=file, origin=origin)
        if problem is not None:
            problems.append(problem)
            shown = MASK if spec.secret else _json_safe(raw)  # nor an invalid secret kept
            values.append(ResolvedValue(spec.key, shown, source, spec.secret, file, origin))
            continue
        values.append(ResolvedValue(spec.key, value, source, spec.secret, file, origin))
        checked[spec.key] = value
    return values, checked, problems


def _lookup(
    skill: str, spec: Spec, tables: tuple[Any, ...], environ: Mapping[str, str]
) -> tuple[Any, str, Path | None, str | None] | None:
    """(raw value, source, file, environment variable) of the winning source, if any."""
    variable = env_name(skill, spec.key)
    if variable in environ:
        return environ[variable], SOURCE_ENV, None, variable
    if spec.env and spec.env in environ:
        return environ[spec.env], f"env:{spec.env}", None, spec.env
    for table in tables:  # project first, then user
        if spec.key in table.values:
            return table.values[spec.key], table.scope, table.file, None
    return None


def _convert(
    skill: str, spec: Spec, raw: Any, *, file: Path | None, origin: str | None
) -> tuple[Any, _Problem | None]:
    """``raw`` as a value of ``spec``, or a problem (whose message never shows a secret).

    Values from a file are typed by TOML and checked strictly; text from an
    environment variable (``origin``) is converted leniently.
    """
    from pydantic import ValidationError

    try:
        value = _adapter(spec.annotation).validate_python(
            _from_env(spec, raw) if origin else raw, strict=origin is None
        )
    except ValidationError as exc:
        detail = "" if spec.secret or origin else f" ({exc.errors()[0]['msg']})"
        return None, _invalid_value(skill, spec, raw, origin, file, detail)
    if not _finite(value):
        # TOML and environment text (read leniently) can spell nan and inf;
        # JSON cannot, so `--json` listings and a tool's model_dump(mode="json")
        # would break on them. No setting needs them: refused wherever they are.
        detail = " (nan and inf are not allowed in settings)"
        return None, _invalid_value(skill, spec, raw, origin, file, detail)
    return value, None


def _invalid_value(
    skill: str, spec: Spec, raw: Any, origin: str | None, file: Path | None, detail: str
) -> _Problem:
    """The problem of a value ``spec`` refuses, located where it was found."""
    where = f" from environment variable {origin}" if origin else ""
    return _Problem(
        f"invalid value for 'skills.{skill}.{spec.key}'{where}: expected {spec.type_name}, "
        f"found {_describe(raw, spec.secret, from_environment=origin is not None)}{detail}",
        key=f"skills.{skill}.{spec.key}",
        file=file,
        line=locate_key(file, skill, spec.key) if file else None,
        hint=_fix_hint(skill, spec, origin, raw),
    )


def _from_env(spec: Spec, text: Any) -> Any:
    """Environment text as a value: lists and tables are read as TOML, then JSON."""
    if not isinstance(text, str) or spec.type_name not in {
        "list", "array", "list[str]", "list[int]", "list[float]", "dict", "table", "object",
    }:  # fmt: skip
        return text
    # Nested too deep (see kurt.config.files.MAX_DEPTH), the text stays text:
    # the type check then refuses it without recursing through it.
    try:
        return loads(f"v = {text}")["v"]
    except (tomllib.TOMLDecodeError, TooDeepError):
        pass
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return text
    return text if too_deep(value) else value


def _finite(value: Any) -> bool:
    """Whether the checked value ``value`` holds no nan or inf at any depth."""
    unwrap = getattr(value, "get_secret_value", None)  # a Secret: check what it holds
    if callable(unwrap):
        return _finite(unwrap())
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list | tuple):
        return all(_finite(item) for item in value)
    if isinstance(value, dict):
        return all(_finite(item) for item in value.values())
    return True


def _json_safe(value: Any) -> Any:
    """``value`` with nan and inf spelled as text (``"nan"``, ``"-inf"``), as a
    listing shows an invalid value it found: JSON cannot hold them."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    return value


def _describe(value: Any, secret: bool, *, from_environment: bool = False) -> str:
    kind = _toml_type(value)
    if secret:
        return f"a value of type {kind} (hidden: the setting is secret)"
    if from_environment:
        # Its text is not repeated: nothing read from the environment is printed.
        return "text that is not one (not shown: it comes from the environment)"
    # nan and inf as TOML spells them, not as JSON's NaN / Infinity
    text = str(value) if kind == "float" else json.dumps(value, ensure_ascii=False, default=str)
    if len(text) > 80:
        text = text[:77] + "..."
    return f"{text} ({kind})"


def _toml_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, dict):
        return "table"
    if isinstance(value, list):
        return "list"
    return type(value).__name__


def _unknown(
    skill: str, key: str, by_key: Mapping[str, Spec], file: Path | None, line: int | None
) -> _Problem:
    suggestion = did_you_mean(key, by_key)
    message = f"unknown setting 'skills.{skill}.{key}'"
    if suggestion:
        message += f"; did you mean '{suggestion}'?"
    return _Problem(
        message, key=f"skills.{skill}.{key}", file=file, line=line, hint=_known_hint(skill, by_key)
    )


def _missing(skill: str, spec: Spec, config: SkillsConfig) -> _Problem:
    variables = [env_name(skill, spec.key), *([spec.env] if spec.env else [])]
    file = config.project_file or config.user_file
    return _Problem(
        f"missing required setting 'skills.{skill}.{spec.key}' (expected {spec.type_name})",
        key=f"skills.{skill}.{spec.key}",
        file=file,
        hint=(
            f"set it with `kurt config skills set {skill} {spec.key} VALUE`"
            f" or the environment variable {' or '.join(variables)}"
        ),
    )


def _known_hint(skill: str, by_key: Mapping[str, Spec], *, ending: str = "; remove the key") -> str:
    if not by_key:
        return f"skill '{skill}' declares no settings{ending}"
    return f"settings of '{skill}': {', '.join(sorted(by_key))}"


def _fix_hint(skill: str, spec: Spec, origin: str | None, raw: Any = None) -> str:
    if origin:
        return f"set {origin} to a value of type {spec.type_name}, or unset it"
    if spec.type_name == "str" and isinstance(raw, int | float) and not isinstance(raw, bool):
        # A PIN or a numeric token written bare is a TOML number: the fix is the
        # quoting, which the shell needs too (the example is not the value: it may be secret).
        command = f"kurt config skills set {skill} {spec.key} '\"12345\"'"
        return f'a number is not text: quote it, in kurt.toml as "12345", or: {command}'
    example = _EXAMPLE_VALUES.get(spec.type_name, "VALUE")
    command = f"kurt config skills set {skill} {spec.key} {example}"
    return f"write a value of type {spec.type_name}, for example: {command}"


# What `kurt config skills set` reads as a value of each setting type.
_EXAMPLE_VALUES = {
    "str": "text",
    "int": "45",
    "float": "2.5",
    "bool": "true",
    "list": '\'["a", "b"]\'',
    "dict": "'{ key = 1 }'",
}


_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}


def _adapter(annotation: Any) -> TypeAdapter[Any]:
    key = repr(annotation)
    if key not in _ADAPTERS:
        from pydantic import TypeAdapter

        _ADAPTERS[key] = TypeAdapter(annotation)
    return _ADAPTERS[key]


def _env_part(name: str) -> str:
    return name.upper().replace("-", "_")
