"""The crawl mapper: breadth-first, same host, depth, limits, robots.txt."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from kurt.core.engines import MapResult
from kurt.registry import MAPPERS


def html(*links: str) -> str:
    anchors = "".join(f'<a href="{link}">{link}</a>' for link in links)
    return f"<html><body>{anchors}</body></html>"


@pytest.fixture
def site(httpserver: HTTPServer) -> Callable[[str], str]:
    """A small site: / -> a, b, c (and an outside link); a -> a1; a1 -> a2; robots
    forbids /private."""
    pages = {
        "/": html("/a", "b", "/c#top", "/private/x", "https://elsewhere.test/", "mailto:x@y"),
        "/a": html("/a/1", "/"),
        "/b": html(),
        "/c": html("/missing"),
        "/a/1": html("/a/2"),
        "/a/2": html(),
        "/private/x": html("/private/y"),
    }
    for path, body in pages.items():
        httpserver.expect_request(path).respond_with_data(body, content_type="text/html")
    httpserver.expect_request("/missing").respond_with_data("no", status=404)
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /private\n", content_type="text/plain"
    )
    return httpserver.url_for


def crawl(arun: Callable[..., Any], source: str, **map_config: Any) -> MapResult:
    mapper = MAPPERS.get("crawl")()
    result: MapResult = arun(lambda context: mapper.map(source, context), map=map_config)
    return result


def test_depth_one_lists_the_start_and_its_same_host_links(
    site: Callable[[str], str], arun: Callable[..., Any]
) -> None:
    result = crawl(arun, site("/"), max_depth=1)
    assert result.urls == [site(p) for p in ("/", "/a", "/b", "/c")]
    assert result.metadata["disallowed_by_robots"] == [site("/private/x")]
    assert result.errors == []  # depth-1 pages are listed, not fetched


def test_depth_two_follows_one_level_more_and_drops_failed_pages(
    site: Callable[[str], str], arun: Callable[..., Any]
) -> None:
    result = crawl(arun, site("/"), max_depth=2)
    assert result.urls == [site(p) for p in ("/", "/a", "/b", "/c", "/a/1", "/missing")]
    result = crawl(arun, site("/"), max_depth=3)
    assert result.urls == [site(p) for p in ("/", "/a", "/b", "/c", "/a/1", "/a/2")]
    assert result.errors == [f"{site('/missing')}: HTTP 404 NOT FOUND"]


def test_robots_txt_is_never_bypassed(
    site: Callable[[str], str], arun: Callable[..., Any], httpserver: HTTPServer
) -> None:
    crawl(arun, site("/"), max_depth=5)
    assert not any(entry[0].path.startswith("/private") for entry in httpserver.log)


def test_max_urls_and_patterns(site: Callable[[str], str], arun: Callable[..., Any]) -> None:
    assert crawl(arun, site("/"), max_depth=3, max_urls=3).urls == [
        site(p) for p in ("/", "/a", "/b")
    ]
    assert crawl(arun, site("/"), max_depth=3, exclude=["/a*"]).urls == [
        site(p) for p in ("/", "/b", "/c")
    ]
    # Include lists only matches, but the start page is still read for links.
    assert crawl(arun, site("/"), max_depth=3, include=["/a/*"]).urls == []
    assert crawl(arun, site("/"), max_depth=3, include=["/a*"]).urls == [
        site(p) for p in ("/a", "/a/1", "/a/2")
    ]


def test_a_start_page_that_fails_is_reported(
    httpserver: HTTPServer, arun: Callable[..., Any]
) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/down").respond_with_data("x", status=404)
    result = crawl(arun, httpserver.url_for("/down"))
    assert result.urls == []
    assert result.errors == [f"{httpserver.url_for('/down')}: HTTP 404 NOT FOUND"]


def test_a_non_html_start_is_listed_as_a_leaf(
    httpserver: HTTPServer, arun: Callable[..., Any]
) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/doc.pdf").respond_with_data(b"%PDF", content_type="application/pdf")
    result = crawl(arun, httpserver.url_for("/doc.pdf"))
    assert (result.urls, result.errors) == ([httpserver.url_for("/doc.pdf")], [])
