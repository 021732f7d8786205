"""Where ``[llm] model`` comes from: the environment (``KURT_LLM__MODEL``),
the project's kurt.toml (as it applies: :mod:`kurt.config.restricted`), the
user's, or nowhere.

The values themselves are validated by :class:`kurt.config.model.LlmSection`;
this module answers *which* source won, cheaply enough for a listing to ask
it for each skill declaring ``requires_llm`` (no pydantic-settings import).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
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
    from kurt.config.files import read_toml
    from kurt.config.restricted import project_toml

    if skill is not None:
        own = _skill_source(locations, key, skill)
        if own is not None:
            return own
    environ = os.environ if environ is None else environ
    variable = f"KURT_LLM__{key.upper()}"
    if variable in environ:
        return LlmSource(environ[variable], f"env:{variable}")
    project = project_toml(locations)
    if project is not None:
        section = project.applied.get("llm")
        if isinstance(section, dict) and key in section:
            return LlmSource(section[key], str(project.file))
    section = read_toml(locations.user_file).get("llm")
    if isinstance(section, dict) and key in section:
        return LlmSource(section[key], str(locations.user_file))
    return LlmSource(None, DEFAULT)


def _skill_source(locations: Locations, key: str, skill: str) -> LlmSource | None:
    """``[skills.<skill>.llm].<key>`` of the project's kurt.toml (as it applies)
    or the user's, or ``None``."""
    from kurt.config.files import read_toml
    from kurt.config.restricted import project_toml

    project = project_toml(locations)
    found = [(project.applied, project.file)] if project is not None else []
    found.append((read_toml(locations.user_file), locations.user_file))
    for document, file in found:
        skills = document.get("skills")
        table = skills.get(skill) if isinstance(skills, dict) else None
        llm = table.get("llm") if isinstance(table, dict) else None
        if isinstance(llm, dict) and key in llm:
            return LlmSource(llm[key], str(file))
    return None


def configured_model(locations: Locations, skill: str | None = None) -> str | None:
    """The ``[llm] model`` that applies (to ``skill``), ``None`` when none is set."""
    value = llm_source(locations, skill=skill).value
    return value if isinstance(value, str) and value.strip() else None
