"""Where ``[llm] model`` comes from: the environment (``KURT_LLM__MODEL``),
the project's kurt.toml (as it applies: :mod:`kurt.config.restricted`), the
user's, or nowhere.

The values themselves are validated by :class:`kurt.config.model.LlmSection`;
this module answers *which* source won, cheaply enough for a listing to ask
it for each skill declaring ``requires_llm`` (no pydantic-settings import):
:class:`ConfiguredModels`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from pathlib import Path

    from kurt.config.locations import Locations

#: The source of a key nobody set.
DEFAULT = "default"


class LlmSource(NamedTuple):
    """The winning raw value of one ``[llm]`` key and where it was set:
    ``env:KURT_LLM__MODEL``, a kurt.toml's path, or :data:`DEFAULT`."""

    value: object
    source: str


def llm_source(
    locations: Locations,
    key: str = "model",
    environ: Mapping[str, str] | None = None,
    *,
    skill: str | None = None,
) -> LlmSource:
    """The raw value of ``[llm].<key>`` that applies (for ``skill``: its own
    ``[skills.<skill>.llm]`` first), and where it comes from."""
    return _source(_documents(locations), key, os.environ if environ is None else environ, skill)


class ConfiguredModels:
    """The model each skill of one project asks, or ``None``: its own
    ``[skills.NAME.llm] model``, else ``[llm] model`` (``skill`` ``None``:
    Kurt's own code). What ``requires_llm`` is checked against, made by the
    caller that knows the project (:mod:`kurt.skills.environment`).

    The kurt.toml files are read at the first question, not before (a listing
    whose skills never ask reads none), then once; each answer is kept. Make
    one per listing or check, so that an edit is seen by the next.
    """

    __slots__ = ("_answers", "_documents", "locations")

    def __init__(self, locations: Locations) -> None:
        self.locations = locations
        self._documents: list[tuple[dict[str, Any], Path]] | None = None
        self._answers: dict[str | None, str | None] = {}

    def __call__(self, skill: str | None = None) -> str | None:
        if skill not in self._answers:
            if self._documents is None:
                self._documents = _documents(self.locations)
            value = _source(self._documents, "model", os.environ, skill).value
            self._answers[skill] = value if isinstance(value, str) and value.strip() else None
        return self._answers[skill]

    def __repr__(self) -> str:
        return f"ConfiguredModels({self.locations!r})"


def _documents(locations: Locations) -> list[tuple[dict[str, Any], Path]]:
    """The project's kurt.toml as it applies (:mod:`kurt.config.restricted`),
    then the user's, each with its file."""
    from kurt.config.files import read_toml
    from kurt.config.restricted import project_toml

    project = project_toml(locations)
    found = [(project.applied, project.file)] if project is not None else []
    found.append((read_toml(locations.user_file), locations.user_file))
    return found


def _source(
    documents: list[tuple[dict[str, Any], Path]],
    key: str,
    environ: Mapping[str, str],
    skill: str | None,
) -> LlmSource:
    """:func:`llm_source` from kurt.toml ``documents`` already read (highest
    precedence first): ``[skills.<skill>.llm]``, the environment, ``[llm]``."""
    if skill is not None:
        for document, file in documents:
            skills = document.get("skills")
            table = skills.get(skill) if isinstance(skills, dict) else None
            llm = table.get("llm") if isinstance(table, dict) else None
            if isinstance(llm, dict) and key in llm:
                return LlmSource(llm[key], str(file))
    variable = f"KURT_LLM__{key.upper()}"
    if variable in environ:
        return LlmSource(environ[variable], f"env:{variable}")
    for document, file in documents:
        section = document.get("llm")
        if isinstance(section, dict) and key in section:
            return LlmSource(section[key], str(file))
    return LlmSource(None, DEFAULT)
