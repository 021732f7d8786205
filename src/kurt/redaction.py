"""Secret values never leave Kurt through what it prints or stores.

Kurt knows every secret it resolves: a setting declared ``secret: true`` is
remembered (:func:`remember`) when a skill's settings enter a run. Whatever
then carries the value, a fetcher's exception message, a tool's output, a
``--debug`` traceback, is masked by :func:`redact` at the doors: every error of
a :class:`~kurt.core.result.ToolResult` (so also the database's error column)
and everything the CLI writes to stdout and stderr (its one output stream,
``kurt.cli.streams.SafeStream``, redacts before it escapes).

Values shorter than :data:`MIN_LENGTH` are not masked: masking ``"1"`` would
garble every number Kurt prints, and such a value protects nothing anyway.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

#: What a secret is replaced with (the mask ``kurt config skills`` shows).
MASK = "***"

#: The shortest value that is masked.
MIN_LENGTH = 4

_known: set[str] = set()
_pattern: re.Pattern[str] | None = None


def remember(value: Any) -> None:
    """Mask ``value`` from now on: a string, a number, or any of the strings and
    numbers inside a list or dict (a ``Secret[list[str]]`` setting)."""
    global _pattern
    added = False
    for text in _leaves(value):
        if len(text) < MIN_LENGTH or text in _known:
            continue
        _known.add(text)
        # As a JSON document writes it too: `kurt ... --json` escapes quotes and
        # backslashes (some writers all but ASCII), which would slip past the plain one.
        for ascii_only in (False, True):
            _known.add(json.dumps(text, ensure_ascii=ascii_only)[1:-1])
        added = True
    if added:
        _pattern = None


def remember_settings(settings: Any) -> None:
    """Remember the value of every pydantic ``Secret``/``SecretStr`` in ``settings``
    (a skill's settings object, whose attributes are its settings)."""
    values = vars(settings).values() if hasattr(settings, "__dict__") else ()
    for value in values:
        reveal = getattr(value, "get_secret_value", None)
        if callable(reveal):
            remember(reveal())


def redact(text: str) -> str:
    """``text`` with every remembered secret replaced by :data:`MASK`."""
    if not _known:
        return text
    pattern = _compiled()
    # Until none is left: a mask beside the rest of the text could spell one again.
    while True:
        masked = pattern.sub(MASK, text)
        if masked == text:
            return masked
        text = masked


def redact_value(value: Any) -> Any:
    """``value`` (a JSON-able structure) with every string in it redacted: what a
    ``--json`` output redacts before it is written, so no escape is cut in two."""
    if not _known:
        return value
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Mapping):
        return {redact_value(key): redact_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(item) for item in value]
    return value


def forget_all() -> None:
    """Forget every remembered secret (for tests that need a clean slate)."""
    global _pattern
    _known.clear()
    _pattern = None


def _compiled() -> re.Pattern[str]:
    global _pattern
    if _pattern is None:
        # Longest first: a secret that holds another is masked whole.
        ordered = sorted(_known, key=len, reverse=True)
        _pattern = re.compile("|".join(re.escape(text) for text in ordered))
    return _pattern


def _leaves(value: Any) -> Iterator[str]:
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, int | float):
        yield str(value)
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _leaves(item)
