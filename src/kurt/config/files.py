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


def parse_toml(text: str, path: Path) -> dict[str, Any]:
    """Parse ``text`` (the contents of ``path``) or raise a located ConfigError."""
    try:
        return tomllib.loads(text)
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
            hint="fix the syntax at that place; see docs/configuration.md",
        ) from None
