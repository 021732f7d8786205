"""One-line TOML values: what `kurt config skills set` writes and every listing shows."""

from __future__ import annotations

import datetime
import tomllib
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kurt.config.tomlvalue import inline, one_line


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ({"A": "1", "B": "2"}, '{A = "1", B = "2"}'),
        (["a", "b"], '["a", "b"]'),
        ('x"y\nz', '"x\\"y\\nz"'),
        (False, "false"),
        (45.0, "45.0"),
        ({"a b": [{"c": 1}]}, '{"a b" = [{c = 1}]}'),
        ({}, "{}"),
        (datetime.date(2026, 1, 2), "2026-01-02"),
    ],
)
def test_values_are_shown_as_one_line_toml(value: Any, shown: str) -> None:
    assert one_line(value) == shown


def test_what_toml_cannot_hold_is_shown_as_json() -> None:
    assert one_line(["a", None]) == '["a", null]'


toml_values = st.recursive(
    st.one_of(
        st.booleans(),
        st.integers(-(2**63), 2**63 - 1),
        st.floats(allow_nan=False),
        st.text(),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(toml_values)
def test_one_line_reads_back_as_the_same_value(value: Any) -> None:
    text = one_line(value)
    assert "\n" not in text
    assert tomllib.loads(f"v = {text}")["v"] == value


@pytest.mark.parametrize(
    "value",
    [True, False, 0, -5, 10**30, "abc", "", 'a"b', "a\\b", "tab\there", "é ü", "x\x7f", "it's"],
)
def test_the_shortcut_for_plain_values_writes_what_tomlkit_writes(value: object) -> None:
    # one_line answers booleans, integers and plain text without tomlkit.
    assert one_line(value) == inline(value).as_string()
