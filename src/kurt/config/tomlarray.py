"""Editing a TOML list of names in place, in the user's own style.

Used by :mod:`kurt.config.edit` for ``[skills].enabled`` and ``disabled``.
The operations are exact inverses: a name is inserted before the first
greater name (appended when none is greater), so a list's text depends only
on which names it holds, and removing the name gives back the text as it was.
"""

from __future__ import annotations

import re
from typing import Any

import tomlkit
from tomlkit.container import OutOfOrderTableProxy
from tomlkit.items import Array


def insert_name(skills: Any, key: str, name: str) -> None:
    """Insert ``name`` into ``skills[key]`` before the first greater string, so a
    list's order depends only on which names it holds (and undoing is exact)."""
    array = holder(skills, key)[key]
    index = next(
        (i for i, item in enumerate(array) if isinstance(item, str) and item > name), len(array)
    )
    _edit_array(skills, key, index, name)


def holder(skills: Any, key: str) -> Any:
    """The table that really holds ``key``: a ``[skills]`` split in parts around
    other tables is a proxy in tomlkit, and deleting through the proxy can drop
    the comments of the part that held the key."""
    if isinstance(skills, OutOfOrderTableProxy):
        for part in skills._tables:  # tomlkit offers no public way to the parts
            if key in part:
                return part
    return skills


def discard_name(skills: Any, key: str, name: str, *, drop_empty: bool) -> bool:
    """Remove ``name`` from the list ``skills[key]``; whether it was there."""
    skills = holder(skills, key)
    array = skills.get(key)
    if not isinstance(array, Array) or name not in array:
        return False
    if drop_empty and len(array) == 1:
        del skills[key]
        return True
    _edit_array(skills, key, list(array).index(name), None)
    return True


def _edit_array(skills: Any, key: str, index: int, name: str | None) -> None:
    """Insert ``name`` at ``index`` of the list ``skills[key]`` (``None``: delete
    the item there), keeping the user's layout.

    A one-line array is rewritten in its own style (space inside the brackets,
    separator, trailing comma), because tomlkit's insert and delete there are
    not exact inverses of each other (``[ "a" ]`` comes back as ``["a" ]``).
    A multi-line array, possibly with comments, is left to tomlkit.
    """
    skills = holder(skills, key)
    array: Array = skills[key]
    texts = [array[i].as_string() for i in range(len(array))]
    style = _inline_style(array.as_string(), texts)
    if style is None:
        if name is None:
            del array[index]
        elif index == len(array):
            array.append(name)
        else:
            array.insert(index, name)
        return
    if name is None:
        del texts[index]
    else:
        texts.insert(index, tomlkit.item(name).as_string())
    lead, separator, rest = style
    fresh: Array = tomlkit.parse(f"x = [{lead}{separator.join(texts)}{rest if texts else ''}]")["x"]
    fresh.trivia.comment_ws = array.trivia.comment_ws
    fresh.trivia.comment = array.trivia.comment
    fresh.trivia.trail = array.trivia.trail
    skills[key] = fresh


def _inline_style(text: str, items: list[str]) -> tuple[str, str, str] | None:
    """(space after ``[``, separator, what precedes ``]``) of a one-line array
    whose separators are all alike; ``None`` for any other layout."""
    if "\n" in text or not (text.startswith("[") and text.endswith("]")):
        return None
    inner = text[1:-1]
    lead = inner[: len(inner) - len(inner.lstrip())] if items else ""
    position = len(lead)
    separators: list[str] = []
    for number, item in enumerate(items):
        if not inner.startswith(item, position):
            return None
        position += len(item)
        if number < len(items) - 1:
            found = re.match(r"\s*,\s*", inner[position:])
            if found is None:
                return None
            separators.append(found.group())
            position += len(found.group())
    rest = inner[position:]
    if len(set(separators)) > 1 or re.fullmatch(r"\s*,?\s*", rest) is None:
        return None
    return lead, separators[0] if separators else ", ", rest
