"""kurt.tools.paths: telling a local path from a URL, and naming a file by one URI."""

from __future__ import annotations

from pathlib import Path

import pytest

from kurt.tools.paths import canonical, is_local, to_path


def test_a_path_that_exists_becomes_its_absolute_file_uri(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = tmp_path / "a b.md"
    page.write_text("x", "utf-8")
    monkeypatch.chdir(tmp_path)
    assert canonical("a b.md") == page.resolve().as_uri()
    assert canonical(page.as_uri()) == page.resolve().as_uri()
    assert to_path(canonical("a b.md")) == page.resolve()


@pytest.mark.parametrize(
    "source", ["https://example.com/a", "urn:isbn:0451450523", "python/cpython", "missing.md"]
)
def test_anything_else_is_passed_on_as_typed(source: str) -> None:
    """A URL, or a word a skill's own engine understands: never rewritten."""
    assert canonical(source) == source


def test_local_means_a_file_url_or_no_scheme() -> None:
    assert is_local("docs/a.md")
    assert is_local("file:///tmp/a.md")
    assert not is_local("https://example.com/")


def test_a_missing_file_can_still_be_named_by_its_uri(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """fetch keeps one name per file, even for one that is not there (yet)."""
    monkeypatch.chdir(tmp_path)
    assert canonical("nosuch.html", keep_missing=False) == (tmp_path / "nosuch.html").as_uri()
