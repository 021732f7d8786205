"""Kurt's own configuration, read with pydantic-settings.

Sources, highest first: keyword arguments, environment (``KURT_FETCH__TIMEOUT=5``),
the project's kurt.toml (in an untrusted project, none of these sections:
:mod:`kurt.config.restricted`), the user's ``~/.kurt/kurt.toml``, then the
defaults below. The ``[skills]`` section is kept raw here: its merge rules (paths from
both files, ``disabled`` as a union, ...) and per-skill settings are handled
by :mod:`kurt.config.skills`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from kurt._version import __version__
from kurt.config.files import read_toml
from kurt.config.keys import unknown_key
from kurt.config.locations import Locations
from kurt.config.restricted import project_toml, tell_held
from kurt.config.skills import SettingsTable, locate_path
from kurt.errors import ConfigError, KurtError, UnknownNameError
from kurt.routing import pattern_problem

_ROUTES = (
    'URL pattern (host/path glob) -> engine, first match in file order: {"*.notion.so/*" = '
    '"notion"}. Before any skill\'s url_patterns.'
)


def _check_routes(routes: dict[str, str]) -> dict[str, str]:
    """Each key of a routes table is a usable URL pattern and each value names an engine."""
    for pattern, engine in routes.items():
        problem = pattern_problem(pattern)
        if problem is not None:
            raise ValueError(problem)
        if not engine.strip():
            raise ValueError(f"the route '{pattern}' names no engine")
    return routes


class FetchSection(BaseModel):
    """``[fetch]``: defaults of the ``fetch`` tool and Kurt's fetchers."""

    model_config = ConfigDict(extra="forbid")

    engine: str | None = Field(
        default=None,
        description="Fetcher to use; unset picks `file` for paths, else `trafilatura`.",
    )
    timeout: float = Field(
        default=30.0,
        gt=0,
        description="Seconds per try: connecting, every read and the whole body.",
    )
    retries: int = Field(default=2, ge=0, description="Retries of a transient failure.")
    backoff: float = Field(
        default=0.5, ge=0, description="Seconds before the first retry; doubles each time."
    )
    max_bytes: int = Field(
        default=10_000_000, gt=0, description="Largest body accepted, after decompression."
    )
    concurrency: int = Field(default=8, ge=1, description="URLs fetched at once.")
    user_agent: str = Field(default=f"kurt/{__version__}", description="User-Agent header.")
    lease: float = Field(
        default=300.0,
        gt=0,
        description="Seconds a `fetch --pending` worker holds the URLs it claimed; "
        "a dead worker's URLs are claimed again after it.",
    )
    routes: dict[str, str] = Field(default_factory=dict, description=_ROUTES)

    _routes = field_validator("routes")(_check_routes)


class MapSection(BaseModel):
    """``[map]``: defaults of the ``map`` tool and Kurt's mappers."""

    model_config = ConfigDict(extra="forbid")

    engine: str | None = Field(
        default=None, description="Mapper to use; unset picks one from the source's shape."
    )
    max_depth: int = Field(default=2, ge=0, description="Crawl depth from the start page.")
    max_urls: int = Field(default=1000, ge=1, description="Most URLs one map returns.")
    include: list[str] = Field(default_factory=list, description="Patterns a URL must match.")
    exclude: list[str] = Field(default_factory=list, description="Patterns that drop a URL.")
    routes: dict[str, str] = Field(default_factory=dict, description=_ROUTES)

    _routes = field_validator("routes")(_check_routes)


class DatabaseSection(BaseModel):
    """``[database]``: where documents are stored (SQLAlchemy URL)."""

    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(
        default=None, description="SQLAlchemy URL; unset means SQLite at .kurt/kurt.sqlite."
    )


class McpSection(BaseModel):
    """``[mcp]``: which tools ``kurt mcp serve`` offers an agent client."""

    model_config = ConfigDict(extra="forbid")

    include: list[str] = Field(
        default_factory=list,
        description="Globs over tool names; when set, only matching tools are served.",
    )
    exclude: list[str] = Field(
        default_factory=list, description="Globs over tool names that are never served."
    )


class LlmSection(BaseModel):
    """``[llm]`` (and ``[skills.NAME.llm]``): the model ``context.llm`` asks."""

    model_config = ConfigDict(extra="forbid")

    model: str | None = Field(
        default=None,
        description='pydantic-ai\'s "provider:model" name, e.g. "openai:gpt-4o-mini" '
        '("test": pydantic-ai\'s offline test model); unset: skills that need a model '
        "are unusable.",
    )
    timeout: float | None = Field(
        default=None, gt=0, description="Seconds one request may take; unset: the provider's."
    )
    max_tokens: int | None = Field(
        default=None, gt=0, description="Most tokens one answer may hold; unset: the provider's."
    )

    @field_validator("model")
    @classmethod
    def _provider_named(cls, model: str | None) -> str | None:
        if model is not None and model != "test" and ":" not in model.strip(":"):
            raise ValueError(f'expected "provider:model" (e.g. "openai:{model}")')
        return model


class KurtConfig(BaseSettings):
    """The merged configuration of one project and one user."""

    model_config = SettingsConfigDict(env_prefix="KURT_", env_nested_delimiter="__", extra="forbid")

    #: The kurt.toml files read, lowest precedence first, each with the part of
    #: it that applies (all of the user's; of an untrusted project's, nothing
    #: here). Set by :func:`load_config`.
    files: ClassVar[tuple[tuple[Path, dict[str, Any]], ...]] = ()

    fetch: FetchSection = Field(default_factory=FetchSection)
    map: MapSection = Field(default_factory=MapSection)
    database: DatabaseSection = Field(default_factory=DatabaseSection)
    mcp: McpSection = Field(default_factory=McpSection)
    llm: LlmSection = Field(default_factory=LlmSection)
    skills: dict[str, Any] = Field(default_factory=dict, exclude=True)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        files: tuple[tuple[Path, dict[str, Any]], ...] = getattr(settings_cls, "files", ())
        # One source per file, the project's first. Sources are deep-merged, so
        # a project [fetch] table overrides the user's key by key instead of
        # replacing the whole table.
        tomls = [
            InitSettingsSource(settings_cls, init_kwargs=document)
            for _, document in reversed(files)
        ]
        return init_settings, env_settings, *tomls


def load_config(locations: Locations) -> KurtConfig:
    """Read the user's and the project's kurt.toml (project wins) plus environment."""
    user = (locations.user_file, read_toml(locations.user_file))
    project = project_toml(locations)
    if project is None:
        return _build((user,))
    tell_held(project)
    if project.held:
        # What is held back is checked all the same, as it will apply once the
        # project is trusted: a broken file is the same error either way.
        _build((user, (project.file, project.written)))
    return _build((user, (project.file, project.applied)))


def _build(read: tuple[tuple[Path, dict[str, Any]], ...]) -> KurtConfig:
    class _Bound(KurtConfig):
        files = read

    try:
        return _Bound()
    except ValidationError as exc:
        raise _config_error(exc, read) from None


def _config_error(
    exc: ValidationError, files: tuple[tuple[Path, dict[str, Any]], ...]
) -> ConfigError:
    """A ConfigError naming the first invalid key and where its value came from."""
    return _located(exc.errors()[0], files)


def _located(
    error: Any,
    files: tuple[tuple[Path, dict[str, Any]], ...],
    *,
    within: tuple[str, ...] = (),
    keys: Sequence[str] | None = None,
) -> ConfigError:
    """A ConfigError for one of pydantic's ``error``s: the dotted key (under
    ``within``), what was expected (an unknown key: the one meant among
    ``keys``, by default those beside it in :class:`KurtConfig`), and the
    source that won: its environment variable, else the file (and line)."""
    loc = within + tuple(str(part) for part in error["loc"])
    key = ".".join(loc)
    detail = error["msg"]
    if error["type"] == "value_error":  # a validator's own words, without pydantic's prefix
        detail = str(error.get("ctx", {}).get("error", detail))
    got = ""
    if error["type"] not in {"missing", "extra_forbidden"} and isinstance(
        error.get("input"), str | int | float | bool
    ):
        got = f" (got {error['input']!r})"
    what = f"invalid value for '{key}'"
    hint = "fix the value in that file; `kurt config schema` lists every section and key"
    if error["type"] == "extra_forbidden":  # a typo, nearly always: say which key was meant
        known = keys if keys is not None else _keys_beside(loc)
        what, hint = unknown_key(loc, known)  # the words kurt.config.keys uses
        detail = ""
    message = f"{what}: {detail}" if detail else what
    # Blame the source that won: the environment, then the project's file.
    variable = "KURT_" + "__".join(loc).upper()
    if not within and any(name.upper() == variable for name in os.environ):
        # Its value is not repeated: nothing read from the environment is printed.
        return ConfigError(
            message.replace(f"'{key}'", f"'{key}' (environment variable {variable})", 1),
            key=key,
            hint=f"fix or unset {variable}",
        )
    message += got
    for file, document in reversed(files):
        if _holds(document, loc):
            return ConfigError(message, file=file, line=locate_path(file, loc), key=key, hint=hint)
    return ConfigError(message, key=key)


def skill_llm_problems(skill: str, table: Mapping[str, Any], file: Path) -> list[ConfigError]:
    """Every problem of ``[skills.<skill>.llm]`` as ``file`` writes it (a
    ``table`` of its own: one file's keys never excuse another's), checked by
    :class:`LlmSection` and worded as the problems of ``[llm]`` itself."""
    try:
        LlmSection.model_validate(table)
    except ValidationError as exc:
        within = ("skills", skill, "llm")
        files = ((file, {"skills": {skill: {"llm": dict(table)}}}),)
        keys = tuple(LlmSection.model_fields)
        found = [_located(error, files, within=within, keys=keys) for error in exc.errors()]
        return sorted(found, key=lambda problem: problem.line or 0)  # in the file's order
    return []


def skill_llm(section: LlmSection, skill: str, tables: Sequence[SettingsTable]) -> LlmSection:
    """``section`` (``[llm]``) with ``[skills.<skill>.llm]`` of ``tables``
    (highest precedence first) over it, key by key; the first problem of a
    table raises (:func:`skill_llm_problems`)."""
    override: dict[str, Any] = {}
    for table in reversed(tables):
        if table.llm:
            problems = skill_llm_problems(skill, table.llm, table.file)
            if problems:
                raise problems[0]
            override.update(table.llm)
    if not override:
        return section
    return LlmSection.model_validate({**section.model_dump(), **override})


def configured_name_error(exc: UnknownNameError, config: object, loc: tuple[str, ...]) -> KurtError:
    """``exc`` (an unknown fetcher or mapper) as the error of the setting that
    named it, when the name came from configuration (``loc`` is
    ``("fetch", "engine")``, ``("map", "engine")`` or a route,
    ``("fetch", "routes", PATTERN)``), not from the command line: it names the
    environment variable or the kurt.toml (and line) that holds it, keeping the
    did-you-mean. ``exc`` itself when no source holds that value (it came from
    somewhere else, so it stays a usage error)."""
    where = (
        f"[{'.'.join(loc[:-1])}] {_toml_key(loc[-1])}" if len(loc) > 2 else f"[{loc[0]}].{loc[1]}"
    )
    listing = f"; {exc.hint}" if exc.hint else ""
    variable = "KURT_" + "__".join(loc[:2]).upper()
    for name, value in os.environ.items():
        if name.upper() == variable and exc.name in (value, *_route_values(value)):
            return ConfigError(
                f"{exc.message} (from environment variable {variable})",
                hint=f"fix or unset {variable}{listing}",
            )
    files: tuple[tuple[Path, dict[str, Any]], ...] = getattr(type(config), "files", ())
    for file, document in reversed(files):  # the project's file wins over the user's
        node: Any = document
        for part in loc:
            node = node.get(part) if isinstance(node, dict) else None
        if node == exc.name:
            return ConfigError(
                f"{where}: {exc.message}",
                file=file,
                line=locate_path(file, loc),
                hint=f"fix {where} in that file, or name another with --engine{listing}",
            )
    return exc


def _toml_key(key: str) -> str:
    """``key`` as kurt.toml writes it (quoted unless it is a bare key)."""
    import json
    import re

    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def _route_values(value: str) -> list[str]:
    """The engines a ``KURT_FETCH__ROUTES`` value (JSON) names, or none."""
    import json

    try:
        routes = json.loads(value)
    except ValueError:
        return []
    return [str(v) for v in routes.values()] if isinstance(routes, dict) else []


def _keys_beside(loc: tuple[str, ...]) -> list[str]:
    """The keys the section holding ``loc`` accepts (``[fetch]``'s for ``fetch.timout``)."""
    model: Any = KurtConfig
    for part in loc[:-1]:
        field = getattr(model, "model_fields", {}).get(part)
        model = field.annotation if field is not None else None
    return list(getattr(model, "model_fields", {}))


def _holds(document: dict[str, Any], loc: tuple[str, ...]) -> bool:
    """Whether ``document`` has a value at the dotted path ``loc``."""
    node: Any = document
    for part in loc:
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True
