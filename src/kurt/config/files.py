"""Reading kurt.toml with the standard library (fast; no pydantic).

A malformed file is an error naming its line and column, never treated as
empty; a missing file reads as an empty document.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from kurt.errors import ConfigError

_WHERE = re.compile(r"\(at line (\d+), column (\d+)\)")


def read_toml(path: Path) -> dict[str, Any]:
    """The parsed document at ``path``; ``{}`` when the file does not exist."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"cannot read the file: {exc.strerror}", file=path) from None
    return parse_toml(data.decode("utf-8", errors="replace"), path)


#: How deep lists and tables may nest in kurt.toml (and in a TOML value given on
#: the command line or in the environment), counting the tables that hold them.
#: tomllib recurses once per level and fails with RecursionError a few hundred
#: levels down, tomlkit (the edits) refuses more than 100, and the settings
#: checks and JSON output recurse too: one bound, well below all of them, keeps
#: every reader of the same text in agreement. No configuration comes near it.
MAX_DEPTH = 64


class TooDeepError(ValueError):
    """TOML text whose values nest deeper than :data:`MAX_DEPTH`."""

    def __init__(self) -> None:
        super().__init__(f"lists and tables nested more than {MAX_DEPTH} levels deep")


def loads(text: str) -> dict[str, Any]:
    """``tomllib.loads`` with nesting bounded: raises ``tomllib.TOMLDecodeError``
    for bad syntax and :class:`TooDeepError` past :data:`MAX_DEPTH`."""
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise TooDeepError from None
    if too_deep(data):
        raise TooDeepError
    return data


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether lists and tables nest in ``value`` deeper than ``limit`` (the
    document itself not counted). Iterative: the value may be deep."""
    stack = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def parse_toml(text: str, path: Path) -> dict[str, Any]:
    """Parse ``text`` (the contents of ``path``) or raise a located ConfigError."""
    try:
        return loads(text)
    except TooDeepError as exc:
        raise ConfigError(
            f"invalid TOML: {exc}",
            file=path,
            hint=f"Kurt reads at most {MAX_DEPTH} levels; nest the value less deeply",
        ) from None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        where = _WHERE.search(message)
        line = int(where.group(1)) if where else None
        column = int(where.group(2)) if where else None
        reason = _WHERE.sub("", message).strip()
        raise ConfigError(
            f"invalid TOML: {reason}",
            file=path,
            line=line,
            column=column,
            hint="fix the TOML syntax at that place",
        ) from None
