"""The line each key of a workflow file is on.

The standard library's TOML parser keeps no positions, so the text is read a
second time, line by line: a table header (``[workflow]``, ``[inputs.x]``,
``[[steps]]``, ``[steps.input]``) sets where the following keys belong, and a
``key = value`` line records its key there. Best effort, for messages only: a
key inside a multi-line string is not taken for one, and a key of an inline
table is found on its table's line.
"""

from __future__ import annotations

import re
import tomllib

#: A key path: ``("steps", 0, "input", "source")``.
KeyPath = tuple[str | int, ...]

_KEY_LINE = re.compile(
    r"""\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*="""
)
_HEADER = re.compile(r"\s*(\[\[?)\s*([^\]]+?)\s*\]\]?")


def key_lines(text: str) -> dict[KeyPath, int]:
    """Each key path of ``text`` and the 1-based line that defines it (the first)."""
    found: dict[KeyPath, int] = {}
    table: KeyPath = ()
    steps = -1
    in_string = False
    for number, line in enumerate(text.splitlines(), start=1):
        quotes = line.count('"""') + line.count("'''")
        if in_string:
            in_string = quotes % 2 == 0
            continue
        if quotes % 2 == 1:
            in_string = True
        if header := _HEADER.match(line):
            path = _dotted(header.group(2))
            if path is None:
                continue
            if header.group(1) == "[[" and path == ("steps",):
                steps += 1
                table = ("steps", steps)
            elif path[:1] == ("steps",) and steps >= 0:
                table = ("steps", steps, *path[1:])
            else:
                table = path
            found.setdefault(table, number)
            continue
        if key := _KEY_LINE.match(line):
            path = _dotted(key.group(1))
            if path is not None:
                found.setdefault((*table, *path), number)
    return found


def _dotted(text: str) -> tuple[str, ...] | None:
    """``("a", "b")`` for the TOML key ``a.b`` (quoted parts too), or ``None``."""
    try:
        node = tomllib.loads(f"{text} = 0")
    except tomllib.TOMLDecodeError:
        return None
    path: list[str] = []
    while isinstance(node, dict) and len(node) == 1:
        ((name, node),) = node.items()
        path.append(name)
    return tuple(path)
