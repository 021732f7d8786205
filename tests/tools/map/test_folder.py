"""The folder mapper: recursive, sorted, hidden entries skipped, globs."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kurt.core.engines import FetchError, MapResult
from kurt.registry import MAPPERS


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    for name in (
        "b.md",
        "a.txt",
        "guide/intro.md",
        "guide/deep/more.md",
        "drafts/x.md",
        ".hidden.md",
        ".git/config",
        "img/logo.png",
    ):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(name, encoding="utf-8")
    return root


def walk(arun: Callable[..., Any], source: str, **map_config: Any) -> list[str]:
    mapper = MAPPERS.get("folder")()
    result: MapResult = arun(lambda context: mapper.map(source, context), map=map_config)
    return result.urls


def uris(root: Path, *names: str) -> list[str]:
    return [(root / name).resolve().as_uri() for name in names]


def test_every_visible_file_sorted_as_file_uris(docs: Path, arun: Callable[..., Any]) -> None:
    assert walk(arun, str(docs)) == uris(
        docs, "a.txt", "b.md", "drafts/x.md", "guide/intro.md", "guide/deep/more.md", "img/logo.png"
    )


def test_globs_match_the_relative_path(docs: Path, arun: Callable[..., Any]) -> None:
    found = walk(arun, docs.as_uri(), include=["*.md"], exclude=["drafts/*"])
    assert found == uris(docs, "b.md", "guide/intro.md", "guide/deep/more.md")
    assert walk(arun, str(docs), include=["guide/*"], max_urls=1) == uris(docs, "guide/intro.md")


def test_a_file_or_missing_path_is_not_a_folder(docs: Path, arun: Callable[..., Any]) -> None:
    with pytest.raises(FetchError) as caught:
        walk(arun, str(docs / "b.md"))
    assert str(caught.value) == (
        f"not a folder: {docs / 'b.md'} (a sitemap or feed file: the sitemap or rss engine)"
    )
    with pytest.raises(FetchError) as caught:
        walk(arun, str(docs / "nope"))
    assert str(caught.value) == f"no such file or folder: {docs / 'nope'}"


@pytest.mark.timeout(30)  # a FIFO or /dev/zero read the usual way would hang here
def test_only_regular_files_inside_the_folder_are_listed(
    tmp_path: Path, arun: Callable[..., Any]
) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("canary", encoding="utf-8")
    root = tmp_path / "notes"
    (root / "sub").mkdir(parents=True)
    (root / "a.md").write_text("# A", encoding="utf-8")
    (root / "sub" / "b.md").write_text("# B", encoding="utf-8")
    (root / "inside.md").symlink_to(root / "sub" / "b.md")  # a link within: fine
    (root / "passwd.md").symlink_to(outside)
    (root / "zero.md").symlink_to("/dev/zero")
    os.mkfifo(root / "pipe.md")
    mapper = MAPPERS.get("folder")()
    result: MapResult = arun(lambda context: mapper.map(str(root), context))
    assert result.urls == [(root / name).as_uri() for name in ("a.md", "inside.md", "sub/b.md")]
    assert result.errors == [
        f"skipped passwd.md: a link to {outside.resolve()}, outside the folder",
        "skipped pipe.md: a named pipe (FIFO), not a regular file",
        "skipped zero.md: a device, not a regular file",
    ]
