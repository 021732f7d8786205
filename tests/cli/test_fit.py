"""Tables and fields fitted to the width: no header or word broken mid-word
(SPEC section 6, issue 15 item 4)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kurt.cli.fit import ELLIPSIS, field_lines, fit_table, shorten, wrap

SETTINGS = ["key", "type", "value", "source", "default", "required", "secret", "env"]


def test_a_table_that_fits_is_left_as_it_is() -> None:
    fitted = fit_table(["name", "status"], [["alpha", "ok"]], room=80)
    assert fitted == (["name", "status"], [["alpha", "ok"]], [5, 6], [], [])


def test_a_table_too_wide_to_fit_overflows_rather_than_breaking_a_header() -> None:
    description = "How many words of each page the digest quotes, at most"
    rows = [["max_words", "int", "12", "project", "12", "no", "no", "", description]]
    fitted = fit_table([*SETTINGS, "description"], rows, room=80, border=(3, 1))
    for column, size in zip(fitted.columns, fitted.widths, strict=True):
        assert size >= len(column)
    assert fitted.widths[-1] == len("description")  # its words wrap; its header stays whole


def test_a_description_with_no_room_to_wrap_moves_under_the_table() -> None:
    rows = [
        ["max_words", "int", "12", "project", "12", "no", "no", "", "How many words"],
        ["label", "str", '"page"', "project", '"digest"', "no", "no", "", "A word printed"],
    ]
    fitted = fit_table(
        [*SETTINGS, "description"], rows, room=80, border=(3, 1), below=["description"]
    )
    assert "description" not in fitted.columns
    assert fitted.below == ["max_words: How many words", "label: A word printed"]


def test_a_problem_that_can_wrap_readably_stays_in_its_column() -> None:
    problem = "a problem of a dozen words or so, long enough to wrap in its own column"
    fitted = fit_table(["skill", "problems"], [["x", problem]], room=60, below=["problems"])
    assert fitted.columns == ["skill", "problems"]
    assert fitted.below == []


def test_a_column_with_one_value_in_every_row_becomes_the_caption() -> None:
    source = "https://example.com/sitemap.xml"
    rows = [[f"https://example.com/{n}", source, "sitemap", ""] for n in range(3)]
    fitted = fit_table(["url", "source", "engine", "status_code"], rows, room=80, tidy=True)
    assert fitted.columns == ["url"]
    assert fitted.caption == [f"source: {source}", "engine: sitemap"]


def test_a_single_row_keeps_its_columns_and_drops_only_empty_ones() -> None:
    fitted = fit_table(["url", "engine", "status_code"], [["u", "file", ""]], room=80, tidy=True)
    assert fitted.columns == ["url", "engine"]
    assert fitted.caption == []


def test_a_url_too_long_for_any_column_is_shortened_in_its_middle() -> None:
    url = (
        "file:///tmp/pytest-of-someone/pytest-123/popen-gw1/test_a_long_name0/site/guide/compost.md"
    )
    rows = [[url, "Field Notes from the Allotment", "271", "text/markdown"]]
    fitted = fit_table(["url", "title", "length", "content_type"], rows, room=80)
    shown = fitted.rows[0][0]
    assert ELLIPSIS in shown
    assert shown.startswith("file:///tmp/")
    assert shown.endswith("compost.md")
    assert sum(fitted.widths) + 2 * 3 <= 80


@given(
    st.lists(
        st.lists(
            st.text(st.characters(codec="ascii", categories=["L", "N", "P"]), max_size=90),
            min_size=3,
            max_size=3,
        ),
        min_size=1,
        max_size=5,
    ),
    st.integers(min_value=40, max_value=120),
)
def test_every_cell_wraps_between_words_within_its_column(rows: list[list[str]], room: int) -> None:
    columns = ["name", "description", "required"]
    fitted = fit_table(columns, rows, room=room)
    assert sum(fitted.widths) + 2 * (len(fitted.widths) - 1) <= max(room, 12 * 3 + 4 + 8)
    for row in fitted.rows:
        for cell, size in zip(row, fitted.widths, strict=True):
            assert all(len(line) <= size for line in wrap(cell, size))


def test_shorten_keeps_both_ends() -> None:
    assert shorten("abcdefghij", 7) == "abc…hij"
    assert shorten("short", 7) == "short"


def test_a_long_field_wraps_under_its_value_and_a_long_path_takes_its_own_line() -> None:
    text = "Map a folder, sitemap, feed or site, fetch every page into the project database"
    lines = field_lines("description:", text, room=60, indent=17)
    assert lines[0].startswith("description:     Map a folder")
    assert all(len(line) <= 60 for line in lines)
    assert all(line.startswith(" " * 17) for line in lines[1:])
    path = "/home/someone/projects/a-rather-deep/folder/of/skills/web-archiver"
    assert field_lines("path:", path, room=80, indent=17) == ["path:", f"  {path}"]
