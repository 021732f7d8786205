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

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from kurt.errors import ConfigError, did_you_mean

if TYPE_CHECKING:
    from pathlib import Path

# Section -> its keys; ``None``: a section whose keys are checked elsewhere
# (``[skills]``: reserved keys and one settings table per skill).
SECTIONS: dict[str, tuple[str, ...] | None] = {
    "fetch": ("engine", "timeout", "retries", "backoff", "max_bytes", "concurrency", "user_agent"),
    "map": ("engine", "max_depth", "max_urls", "include", "exclude"),
    "database": ("url",),
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
