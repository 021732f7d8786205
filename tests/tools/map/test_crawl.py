"""The crawl mapper: breadth-first, same host, depth, limits, robots.txt."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
from pytest_httpserver import HTTPServer

from kurt.core.context import ToolContext
from kurt.core.engines import MapResult
from kurt.core.progress import ProgressEvent
from kurt.registry import MAPPERS

from ..conftest import Hostile, send


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


# --- bounded work against a site that misbehaves on purpose (SPEC section 10) --------


def test_a_level_is_fetched_only_as_far_as_max_urls_reaches(
    hostile: Hostile, arun: Callable[..., Any]
) -> None:
    """50 links at depth 1 and room for 5 URLs: 4 pages fetched, not 50."""
    links = html(*(f"/p/{n}" for n in range(50)))
    source = hostile.route("/", lambda handler: send(handler, links.encode()))
    hostile.route("/p/", lambda handler: send(handler, html("/", "/p/0").encode()))
    result = crawl(arun, source, max_depth=2, max_urls=5)
    assert result.urls == [source] + [hostile.url(f"/p/{n}") for n in range(4)]
    fetched = [path for path in hostile.hits if path.startswith("/p/")]
    assert len(fetched) == 4
    assert hostile.hits["/"] == 1  # each URL visited once, however often it is linked


@pytest.mark.timeout(60)  # a quadratic de-duplication took minutes here
def test_a_page_with_200000_links_is_handled_in_linear_time(
    hostile: Hostile, arun: Callable[..., Any]
) -> None:
    body = html(*(f"/p/{n}" for n in range(200_000)), "/p/7").encode()
    source = hostile.route("/", lambda handler: send(handler, body))
    result = crawl(arun, source, max_depth=1, max_urls=3)
    assert result.urls == [source, hostile.url("/p/0"), hostile.url("/p/1")]
    assert result.metadata["visited"] == 1


def test_each_visited_page_moves_the_progress(
    site: Callable[[str], str], arun: Callable[..., Any]
) -> None:
    events: list[ProgressEvent] = []
    mapper = MAPPERS.get("crawl")()

    async def run(context: ToolContext) -> MapResult:
        return await mapper.map(site("/"), attrs.evolve(context, progress=events.append))

    result = arun(run, map={"max_depth": 2})
    assert [(e.stage, e.current, e.total) for e in events] == [
        ("crawl", n, None) for n in range(1, 5)
    ]
    assert {e.item for e in events} == {site(p) for p in ("/", "/a", "/b", "/c")}
    assert result.metadata["visited"] == 4


def test_hostile_links_are_skipped_not_crashed_on(
    hostile: Hostile, arun: Callable[..., Any], tmp_path: Path
) -> None:
    links = html("http://[::1/x", "file:///etc/passwd", "javascript:alert(1)", "/ok")
    source = hostile.route("/", lambda handler: send(handler, links.encode()))
    assert crawl(arun, source, max_depth=1).urls == [source, hostile.url("/ok")]
