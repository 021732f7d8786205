"""One TOML value on one line: how Kurt writes a setting and how it shows one.

``kurt config skills set`` writes a value as the user would type it after
``key = `` (a table as an inline table ``{A = "1", B = "2"}``, never a
``[skills.<name>.<key>]`` section of its own), and every listing shows values
the same way, so what a user reads can be pasted back into kurt.toml or into
``kurt config skills set``.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tomlkit.items import Item

# Text TOML writes as is between double quotes: no quote, backslash or control
# character. With booleans and integers, most values a listing shows, these
# are written here without importing tomlkit (a tenth of a listing's time).
_PLAIN_TEXT = re.compile(r'[^"\\\x00-\x1f\x7f]*')


def inline(value: Any) -> Item:
    """``value`` as a tomlkit item that renders on one line: tables (at any
    depth, in lists too) become inline tables."""
    import tomlkit

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
    if isinstance(value, bool):
        return "true" if value else "false"
    if type(value) is int:
        return str(value)
    if isinstance(value, str) and _PLAIN_TEXT.fullmatch(value):
        return f'"{value}"'
    from tomlkit.exceptions import ConvertError

    try:
        return inline(value).as_string()
    except ConvertError:
        return json.dumps(value, ensure_ascii=False, default=str)
