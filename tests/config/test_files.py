"""Reading kurt.toml: a malformed or hostile file is a ConfigError naming it."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kurt.config.files import MAX_DEPTH, parse_toml
from kurt.errors import ConfigError

OPEN = {"array": ("[", "]"), "table": ("{a = ", "}"), "array-of-tables": ("[{a = ", "}]")}


@given(
    depth=st.integers(1, 3000),
    kinds=st.lists(st.sampled_from(sorted(OPEN)), min_size=1, max_size=3),
)
def test_nesting_is_bounded_by_one_depth_and_never_crashes(depth: int, kinds: list[str]) -> None:
    """Whatever the depth, a value nested within MAX_DEPTH levels reads, and one
    nested deeper is a ConfigError naming the file (never a RecursionError)."""
    opening = closing = ""
    levels = 0
    for index in range(depth):
        start, end = OPEN[kinds[index % len(kinds)]]
        opening += start
        closing = end + closing
        levels += start.count("[") + start.count("{")
    file = Path("kurt.toml")
    text = f"x = {opening}1{closing}\n"
    if levels <= MAX_DEPTH:
        assert parse_toml(text, file)["x"] is not None
        return
    with pytest.raises(ConfigError, match="nested more than 64 levels deep") as caught:
        parse_toml(text, file)
    assert str(caught.value.file) == str(file)
