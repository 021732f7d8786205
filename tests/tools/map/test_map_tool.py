"""The map tool: engine choice, per-run overrides, storage, failures."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from kurt.core.context import ToolContext
from kurt.core.engines import BaseMapper, MapResult
from kurt.core.execute import execute_tool
from kurt.core.result import ToolResult
from kurt.db import Database
from kurt.errors import UnknownNameError
from kurt.registry import MAPPERS
from kurt.routing import choose, target_of
from kurt.tools.map.tool import default_engine
from kurt.tools.paths import InvalidSourceError

from ..conftest import Hostile, send


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
    # Kurt's own mappers declare url_patterns (kinds.OWN_ROUTES); a URL none
    # matches goes to the default.
    choice = choose(
        target_of(source),
        default=default_engine(source, None),
        candidates=MAPPERS.fresh().routes(),
    )
    assert choice.engine == engine


def test_a_local_folder_is_always_the_folder_engine(tmp_path: Path) -> None:
    assert default_engine(str(tmp_path), "crawl") == "folder"
    assert default_engine(tmp_path.as_uri(), None) == "folder"
    assert default_engine("https://site.test/", "sitemap") == "sitemap"  # configured default


def test_mapped_urls_are_returned_and_stored(
    tmp_path: Path, arun: Callable[..., Any], db: Database
) -> None:
    for name in ("a.md", "b.md", "c.txt"):
        (tmp_path / name).write_text(name, encoding="utf-8")
    result = run_map(arun, {"source": str(tmp_path), "include": "*.md"}, db=db)
    expected = [(tmp_path / n).as_uri() for n in ("a.md", "b.md")]
    assert result.success is True
    assert result.data == [
        {"url": url, "source": tmp_path.as_uri(), "engine": "folder", "status": "mapped"}
        for url in expected
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


# --- what a source may lead to, and sources typed wrongly (SPEC section 10) ----------


def test_a_sitemap_on_the_web_never_leads_to_local_files(
    hostile: Hostile, arun: Callable[..., Any], db: Database, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("canary", encoding="utf-8")
    listed = ("/page", secret.as_uri(), "FILE:///etc/passwd", str(secret), "http://[::1/x")
    body = "".join(f"<url><loc>{loc}</loc></url>" for loc in listed)
    source = hostile.route(
        "/sitemap.xml",
        lambda h: send(h, f"<urlset>{body}</urlset>".encode(), content_type="text/xml"),
    )
    result = run_map(arun, {"source": source}, db=db)
    # A path is resolved against the sitemap's URL, as on the web: a page of the site.
    on_the_site = [hostile.url("/page"), hostile.url(str(secret))]
    assert [item["url"] for item in result.data] == on_the_site
    assert db.mapped() == on_the_site
    assert [e.message for e in result.errors] == [
        f"dropped 2 URL(s): {secret.as_uri()}, FILE:///etc/passwd "
        "(a source on the web leads only to valid http(s) URLs, and only a local source "
        "to local files)"
    ]


def test_a_skill_mapper_is_held_to_the_same_rule(arun: Callable[..., Any], db: Database) -> None:
    """The rule is the map tool's, not each mapper's: a skill's mapper cannot break it."""

    class Leaky(BaseMapper):
        name = "leaky"

        async def map(self, source: str, context: ToolContext) -> MapResult:
            return MapResult(source=source, urls=["https://ok.test/a", "file:///etc/passwd"])

    MAPPERS.register(Leaky)  # undone after the test (tests/conftest.py)
    result = run_map(arun, {"source": "https://ok.test/", "engine": "leaky"}, db=db)
    assert [item["url"] for item in result.data] == ["https://ok.test/a"]
    assert db.mapped() == ["https://ok.test/a"]
    assert "dropped 1 URL(s): file:///etc/passwd" in result.errors[0].message


def test_a_malformed_url_is_a_usage_error(arun: Callable[..., Any]) -> None:
    with pytest.raises(InvalidSourceError, match=r"invalid URL 'http://\[::1/': Invalid IPv6"):
        run_map(arun, {"source": "http://[::1/"})


def test_a_guessed_engine_that_fails_says_it_was_guessed(
    tmp_path: Path, arun: Callable[..., Any]
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("just some notes\n", encoding="utf-8")
    result = run_map(arun, {"source": str(notes)})
    error = result.errors[0]
    assert error.message.endswith("notes.txt: not well-formed XML: syntax error: line 1, column 0")
    assert (error.model_extra or {})["hint"] == (
        "the sitemap engine was guessed from the source's name; "
        "name another with --engine (see: kurt tool list)"
    )
    named = run_map(arun, {"source": str(notes), "engine": "sitemap"})
    assert "hint" not in (named.errors[0].model_extra or {})
