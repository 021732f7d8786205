"""The progress bar on stderr: its label, and the item kept short enough that
the bar and the count stay in view."""

from __future__ import annotations

import io

import pytest

from kurt.cli.progress import label, progress_bar, shown_item
from kurt.core.progress import ProgressEvent

LONG = "file:///home/ada/a-clone-of-the-kurt-repository/kept-deep/examples/site/guide/compost.md"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_label_is_the_tool_and_its_stage_only_when_they_differ() -> None:
    assert label(ProgressEvent(tool="fetch", stage="fetch")) == "fetch"
    assert label(ProgressEvent(tool="digest", stage="map")) == "digest: map"


def test_a_long_item_is_shortened_in_its_middle_and_never_obeyed() -> None:
    shown = shown_item(LONG, 80 - len("fetch"))
    assert len(shown) == 80 - len("fetch") - 42  # beside a bar of 30 and a count
    assert shown.startswith("file:///")
    assert shown.endswith("compost.md")
    assert shown_item("evil\x1b]0;title\x07", 80) == "evil\\x1b]0;title\\x07"
    assert shown_item(None, 80) == ""


def test_the_bar_draws_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    screen = Terminal()
    monkeypatch.setattr("sys.stderr", screen)
    with progress_bar(enabled=True) as on_progress:
        assert on_progress is not None
        on_progress(ProgressEvent(tool="fetch", stage="fetch", total=3))
        on_progress(ProgressEvent(tool="fetch", stage="fetch", current=2, total=3, item=LONG))
    drawn = screen.getvalue()
    assert "2/3" in drawn
    assert "fetch:fetch" not in drawn
    assert LONG not in drawn  # shortened: the line keeps its bar and count
    with progress_bar(enabled=False) as quiet:  # --json
        assert quiet is None
