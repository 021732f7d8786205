"""The map tool: engine choice, per-run overrides, storage, failures."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from kurt.core.execute import execute_tool
from kurt.core.result import ToolResult
from kurt.db import Database
from kurt.errors import UnknownNameError
from kurt.tools.map.tool import choose_engine


@pytest.fixture
def db() -> Iterator[Database]:
    with Database.in_memory() as database:
        yield database


def run_map(arun: Callable[..., Any], params: dict[str, Any], **kwargs: Any) -> ToolResult:
    result: ToolResult = arun(lambda context: execute_tool("map", params, context), **kwargs)
    return result


@pytest.mark.parametrize(
    ("source", "engine"),
    [
        ("https://blog.test/feed", "rss"),
        ("https://blog.test/feed/", "rss"),
        ("https://blog.test/rss.xml", "rss"),
        ("https://blog.test/posts.atom", "rss"),
        ("https://site.test/sitemap.xml", "sitemap"),
        ("https://site.test/sitemap_index.xml.gz", "sitemap"),
        ("https://site.test/pages.xml", "sitemap"),
        ("https://site.test/robots.txt", "sitemap"),
        ("https://site.test/", "crawl"),
        ("https://site.test/docs/intro", "crawl"),
    ],
)
def test_the_engine_follows_the_shape_of_a_url(source: str, engine: str) -> None:
    assert choose_engine(source, None) == engine


def test_a_local_folder_is_always_the_folder_engine(tmp_path: Path) -> None:
    assert choose_engine(str(tmp_path), "crawl") == "folder"
    assert choose_engine(tmp_path.as_uri(), None) == "folder"
    assert choose_engine("https://site.test/feed", "crawl") == "crawl"  # configured wins


def test_mapped_urls_are_returned_and_stored(
    tmp_path: Path, arun: Callable[..., Any], db: Database
) -> None:
    for name in ("a.md", "b.md", "c.txt"):
        (tmp_path / name).write_text(name, encoding="utf-8")
    result = run_map(arun, {"source": str(tmp_path), "include": "*.md"}, db=db)
    expected = [(tmp_path / n).as_uri() for n in ("a.md", "b.md")]
    assert result.success is True
    assert result.data == [
        {"url": url, "source": tmp_path.as_uri(), "engine": "folder"} for url in expected
    ]
    assert (result.metadata["count"], result.metadata["stored"]) == (2, False)
    assert db.mapped(tmp_path.as_uri()) == expected
    run_map(arun, {"source": str(tmp_path)}, db=db)  # mapping again adds only the new
    assert db.mapped() == [*expected, (tmp_path / "c.txt").as_uri()]


def test_input_overrides_the_map_section(httpserver: HTTPServer, arun: Callable[..., Any]) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/").respond_with_data(
        '<a href="/one">1</a><a href="/two">2</a>', content_type="text/html"
    )
    params = {"source": httpserver.url_for("/"), "depth": 1, "exclude": ["/two"]}
    result = run_map(arun, params, map={"max_depth": 0})
    assert [item["url"] for item in result.data] == [
        httpserver.url_for("/"),
        httpserver.url_for("/one"),
    ]
    assert result.metadata["engine"] == "crawl"


def test_a_source_that_fails_fails_the_run(tmp_path: Path, arun: Callable[..., Any]) -> None:
    result = run_map(arun, {"source": str(tmp_path / "nope")})
    assert result.success is False
    assert [(e.item, e.message) for e in result.errors] == [
        (str(tmp_path / "nope"), f"no such file or folder: {tmp_path / 'nope'}")
    ]


def test_an_unknown_mapper_is_a_usage_error(arun: Callable[..., Any]) -> None:
    with pytest.raises(
        UnknownNameError, match=r"Unknown mapper 'sitemaps'\. Did you mean 'sitemap'\?"
    ):
        run_map(arun, {"source": "https://site.test/", "engine": "sitemaps"})
