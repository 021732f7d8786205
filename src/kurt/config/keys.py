"""The sections and keys kurt.toml may hold, checked with the standard library.

A misspelt section or key is never silently ignored (docs/configuration.md):
``[skils]``, ``mapp = 1`` or ``[fetch] timout = 5`` is an error naming the
file, the line and the name meant. :class:`kurt.config.model.KurtConfig`
finds these with pydantic (``extra="forbid"``) when a command reads Kurt's own
settings; this module finds the same ones, with the same words, where
pydantic is not imported (``kurt skill list``, discovery, ``kurt config
skills`` and its edits read kurt.toml through :mod:`kurt.config.skills`).

The key lists mirror the pydantic sections of :mod:`kurt.config.model` (a
test keeps them equal, in the same order).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from kurt.errors import ConfigError, did_you_mean

if TYPE_CHECKING:
    from pathlib import Path

# Section -> its keys; ``None``: a section whose keys are checked elsewhere
# (``[skills]``: reserved keys and one settings table per skill).
SECTIONS: dict[str, tuple[str, ...] | None] = {
    "fetch": (
        "engine",
        "timeout",
        "retries",
        "backoff",
        "max_bytes",
        "concurrency",
        "user_agent",
        "lease",
        "routes",
    ),
    "map": ("engine", "max_depth", "max_urls", "include", "exclude", "routes"),
    "database": ("url",),
    "mcp": ("include", "exclude"),
    "llm": ("model", "timeout", "max_tokens"),
    "skills": None,
}


def unknown_key(loc: Sequence[str], known: Sequence[str]) -> tuple[str, str]:
    """The message and hint for the unknown dotted key ``loc`` among ``known``
    (``unknown key 'fetch.timout'; did you mean 'timeout'?``)."""
    key = ".".join(loc)
    suggestion = did_you_mean(loc[-1], known)
    message = f"unknown key '{key}'" + (f"; did you mean '{suggestion}'?" if suggestion else "")
    section = ".".join(loc[:-1])
    hint = (
        f"keys of [{section}]: {', '.join(known)}"
        if section
        else f"sections of kurt.toml: {', '.join(f'[{name}]' for name in known)}"
    )
    return message, hint


def check_keys(document: dict[str, Any], file: Path) -> None:
    """Raise a located ConfigError for the first section or key ``document``
    (the contents of ``file``) holds that Kurt does not know."""
    for name, value in document.items():
        if name not in SECTIONS:
            raise _error((name,), tuple(SECTIONS), file)
        keys = SECTIONS[name]
        if keys is None or not isinstance(value, dict):
            continue  # a wrong shape is the model's (or kurt.config.skills') to report
        for key in value:
            if key not in keys:
                raise _error((name, key), keys, file)


def _error(loc: tuple[str, ...], known: Sequence[str], file: Path) -> ConfigError:
    from kurt.config.skills import locate_path

    message, hint = unknown_key(loc, known)
    return ConfigError(
        message, file=file, line=locate_path(file, loc), key=".".join(loc), hint=hint
    )


# -- the same names in environment variables ----------------------------------------------

#: Kurt's own variables that name no section (docs/cli.md); never reported.
OWN_VARIABLES = frozenset({"KURT_HOME", "KURT_PROJECT_ROOT", "KURT_DEBUG"})
_SKILL_FORM = "KURT_SKILLS__<SKILL>__<KEY>"


def misspelt_variables(
    environ: Mapping[str, str], skill_names: Callable[[], Iterable[str]]
) -> list[str]:
    """A problem (message, then a hint line) for each ``KURT_<SECTION>__...``
    variable whose section part names no section (``KURT_FECTH__TIMEOUT``), and
    each ``KURT_SKILLS__<SKILL>__<KEY>`` whose skill part names no skill that
    ``skill_names`` gives (``KURT_SKILLS__WORD_CONT__TOP``): both would be
    ignored without a word. A wrong key of a known section or skill is the
    settings' own check (pydantic's, :mod:`kurt.config.settings`).
    ``skill_names`` is called only when a skill's variable is set."""
    problems: list[str] = []
    sections = [name.upper() for name in SECTIONS]
    skill_parts: set[str] | None = None
    for variable in sorted(environ):
        upper = variable.upper()  # pydantic-settings reads KURT_* whatever its case
        if not upper.startswith("KURT_") or "__" not in upper or upper in OWN_VARIABLES:
            continue
        head, _, rest = upper[len("KURT_") :].partition("__")
        if head not in sections:
            close = did_you_mean(head, sections)
            forms = ", ".join(f"KURT_{name}__<KEY>" for name in sections if name != "SKILLS")
            problems.append(
                f"environment variable {variable} names no section of kurt.toml"
                + (f"; did you mean KURT_{close}__{rest}?" if close else "")
                + f"\n  hint: unset {variable}; the sections are {forms} and {_SKILL_FORM}"
            )
            continue
        skill, separator, key = rest.partition("__")
        if head != "SKILLS" or not separator:
            continue
        if skill_parts is None:
            skill_parts = {name.upper().replace("-", "_") for name in skill_names()}
        if skill not in skill_parts:
            close = did_you_mean(skill, skill_parts)
            problems.append(
                f"environment variable {variable} names no skill"
                + (f"; did you mean KURT_SKILLS__{close}__{key}?" if close else "")
                + f"\n  hint: unset {variable}; a skill's setting is {_SKILL_FORM}"
                " (the skill's name upper-cased, '-' as '_')"
            )
    return problems
