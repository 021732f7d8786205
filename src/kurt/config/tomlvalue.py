"""One TOML value on one line: how Kurt writes a setting and how it shows one.

``kurt config skills set`` writes a value as the user would type it after
``key = `` (a table as an inline table ``{A = "1", B = "2"}``, never a
``[skills.<name>.<key>]`` section of its own), and every listing shows values
the same way, so what a user reads can be pasted back into kurt.toml or into
``kurt config skills set``.
"""

from __future__ import annotations

import json
from typing import Any

import tomlkit
from tomlkit.exceptions import ConvertError
from tomlkit.items import Item


def inline(value: Any) -> Item:
    """``value`` as a tomlkit item that renders on one line: tables (at any
    depth, in lists too) become inline tables."""
    if isinstance(value, dict):
        table = tomlkit.inline_table()
        for key, item in value.items():
            table.append(str(key), inline(item))
        return table
    if isinstance(value, list | tuple):
        array = tomlkit.array()
        for item in value:
            array.append(inline(item))
        return array
    scalar: Item = tomlkit.item(value)
    return scalar


def one_line(value: Any) -> str:
    """``value`` as the one-line TOML text after ``key = `` (``"text"``,
    ``45``, ``false``, ``["a", "b"]``, ``{A = "1"}``).

    What TOML cannot hold (a ``null`` inside a manifest default, say) is shown
    as JSON, so a listing never fails on a value it only displays.
    """
    try:
        return inline(value).as_string()
    except ConvertError:
        return json.dumps(value, ensure_ascii=False, default=str)
