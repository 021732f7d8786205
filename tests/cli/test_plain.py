"""Plain listings: aligned, fitted to the width, never a word broken."""

from __future__ import annotations

import pytest

from kurt import redaction
from kurt.cli.plain import clean, render

COLUMNS = ["name", "version", "source", "status", "provides", "path"]


def test_a_row_that_fits_is_one_aligned_line() -> None:
    text = render(
        ["name", "status"], [["alpha", "ok"], ["a-much-longer-name", "invalid"]], columns_wide=80
    )
    assert text.splitlines() == [
        "name                status",
        "alpha               ok",
        "a-much-longer-name  invalid",
    ]


def test_at_80_columns_no_header_or_word_is_broken_and_the_path_moves_whole() -> None:
    path = "/home/someone/projects/a-rather-deep/folder/of/skills/web-archiver-with-a-long-name"
    provides = "tool archive, tool snapshot, fetcher wayback, mapper wayback-index"
    text = render(
        COLUMNS,
        [["web-archiver", "0.1.0", "project", "ok", provides, path]],
        columns_wide=80,
        own_line="path",
    )
    lines = text.splitlines()
    assert all(len(line) <= 80 for line in lines if path not in line)
    assert lines[0].split() == COLUMNS[:-1]  # the path is no longer a column
    assert f"  {path}" in lines  # whole, on its own line
    words = " ".join(lines[1:]).split()
    for word in [*provides.split(), "web-archiver", "0.1.0", "project"]:
        assert word in words  # each whole, none cut in two


def test_a_table_that_cannot_fit_overflows_rather_than_breaking_a_word() -> None:
    word = "x" * 50
    text = render(["name", "description"], [[word, word]], columns_wide=40)
    assert word in text.splitlines()[1]
    assert text.count(word) == 2


def test_manifest_text_is_shown_not_obeyed() -> None:
    hostile = "evil\x1b[2J\x07 [red]markup[/red]\nnext"
    assert clean(hostile) == "evil\\x1b[2J\\x07 [red]markup[/red] next"
    assert "\x1b" not in render(["description"], [[hostile]], columns_wide=80)


def test_rows_at_natural_widths_are_laid_out_as_wrapped_rows_are() -> None:
    """A table that fits takes one format call per row: the same text as the
    general layout (cells padded, two spaces between, no trailing blanks)."""
    from kurt.cli.plain import GAP, _lines

    rows = [["a", "", "x y", "/p/a"], ["long-name", "1.0", "", "/p/long-name"], ["b", "2", "z", ""]]
    columns = ["name", "version", "provides", "path"]
    text = render(columns, rows, columns_wide=200, own_line="path")
    widths = [max(len(c) for c in column) for column in zip(columns, *rows, strict=True)]
    expected = [line for row in [columns, *rows] for line in _lines(row, widths)]
    assert text == "\n".join(expected) + "\n"
    assert all(line == line.rstrip() for line in text.splitlines())
    assert GAP in text


def test_a_secret_is_masked_before_a_cell_or_field_is_shortened_to_fit(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Shortened in its middle to fit 30 columns, a secret would show most of
    itself (``tok-abc…23456789``), which no stream could recognise any more."""
    from kurt.cli.output import print_fields, print_listing, print_table

    secret = "tok-abcdefghijklmnopqrstuvwxyz0123456789"
    monkeypatch.setenv("COLUMNS", "30")
    redaction.remember(secret)
    try:
        print_table(["name", "token"], [["archive", secret]])
        print_listing(["name", "token"], [["archive", f"{secret}\x1b"]])  # plain: not a terminal
        print_fields([("token", f"{secret} and more words")], indent=8)
    finally:
        redaction.forget_all()
    shown = capsys.readouterr().out
    assert shown.count(redaction.MASK) == 3, shown
    assert "***\\x1b" in shown  # masked, then escaped
    pieces = {secret[i : i + 6] for i in range(len(secret) - 5)}
    assert [piece for piece in pieces if piece in shown] == [], shown
