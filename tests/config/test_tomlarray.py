"""kurt.config.tomlarray: a list of names edited in the user's own style."""

from __future__ import annotations

import pytest
import tomlkit
from hypothesis import given
from hypothesis import strategies as st

from kurt.config.tomlarray import discard_name, insert_name


@pytest.mark.parametrize(
    ("before", "name", "after"),
    [
        ('disabled = ["a", "c"]\n', "b", 'disabled = ["a", "b", "c"]\n'),
        ('disabled = [ "a" ]\n', "z", 'disabled = [ "a", "z" ]\n'),
        ('disabled = ["b",]  # old ones\n', "a", 'disabled = ["a", "b",]  # old ones\n'),
        ("disabled = []\n", "a", 'disabled = ["a"]\n'),
    ],
)
def test_insert_keeps_the_one_line_style(before: str, name: str, after: str) -> None:
    document = tomlkit.parse(before)
    insert_name(document, "disabled", name)
    assert document.as_string() == after


def test_a_multi_line_list_keeps_its_comments() -> None:
    text = 'disabled = [\n  "a",  # broken\n  "c",\n]\n'
    document = tomlkit.parse(text)
    insert_name(document, "disabled", "b")
    assert "# broken" in document.as_string()
    assert document["disabled"] == ["a", "b", "c"]
    assert discard_name(document, "disabled", "b", drop_empty=False)
    assert document.as_string() == text


def test_discard_of_an_absent_name_changes_nothing() -> None:
    document = tomlkit.parse('disabled = ["a"]\n')
    assert not discard_name(document, "disabled", "b", drop_empty=True)
    assert discard_name(document, "disabled", "a", drop_empty=True)
    assert "disabled" not in document


names = st.lists(st.from_regex(r"[a-z][a-z0-9-]{0,6}", fullmatch=True), unique=True, max_size=4)


@given(
    held=names,
    new=st.from_regex(r"[a-z][a-z0-9-]{0,6}", fullmatch=True),
    space=st.sampled_from(["", " "]),
    quote=st.sampled_from(['"', "'"]),
)
def test_insert_then_discard_gives_back_the_text(
    held: list[str], new: str, space: str, quote: str
) -> None:
    if new in held:
        return
    items = ", ".join(f"{quote}{name}{quote}" for name in sorted(held))
    text = f"disabled = [{space}{items}{space}]\n" if held else "disabled = []\n"
    document = tomlkit.parse(text)
    insert_name(document, "disabled", new)
    assert document["disabled"] == sorted([*held, new])
    assert discard_name(document, "disabled", new, drop_empty=False)
    assert document.as_string() == text
