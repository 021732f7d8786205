"""The sitemap and rss mappers against a real local server."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from kurt.core.engines import FetchError, MapResult
from kurt.registry import MAPPERS

from ..conftest import Hostile, send

SM = "http://www.sitemaps.org/schemas/sitemap/0.9"


def urlset(*locs: str) -> str:
    entries = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
    return f'<?xml version="1.0"?><urlset xmlns="{SM}">{entries}</urlset>'


def index(*locs: str) -> str:
    entries = "".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locs)
    return f'<?xml version="1.0"?><sitemapindex xmlns="{SM}">{entries}</sitemapindex>'


def map_with(arun: Callable[..., Any], engine: str, source: str, **config: Any) -> MapResult:
    mapper = MAPPERS.get(engine)()
    result: MapResult = arun(lambda context: mapper.map(source, context), **config)
    return result


def xml(server: HTTPServer, path: str, body: str | bytes, kind: str = "application/xml") -> str:
    server.expect_request(path).respond_with_data(body, content_type=kind)
    return server.url_for(path)


def test_a_plain_sitemap_lists_its_urls(httpserver: HTTPServer, arun: Callable[..., Any]) -> None:
    source = xml(httpserver, "/sitemap.xml", urlset("http://site.test/a", "/b", "/a"))
    result = map_with(arun, "sitemap", source)
    assert result.urls == ["http://site.test/a", httpserver.url_for("/b"), httpserver.url_for("/a")]
    assert result.errors == []


def test_an_index_is_followed_recursively_and_gzip_is_read(
    httpserver: HTTPServer, arun: Callable[..., Any]
) -> None:
    xml(httpserver, "/sitemap.xml", index("/nested.xml", "/pages.xml.gz"))
    xml(httpserver, "/nested.xml", index("/posts.xml", "/sitemap.xml"))  # a loop, read once
    xml(httpserver, "/posts.xml", urlset("/post/1", "/post/2"))
    packed = gzip.compress(urlset("/page/1").encode())
    xml(httpserver, "/pages.xml.gz", packed, "application/x-gzip")
    result = map_with(arun, "sitemap", httpserver.url_for("/sitemap.xml"))
    assert result.urls == [httpserver.url_for(p) for p in ("/page/1", "/post/1", "/post/2")]
    assert len(result.metadata["sitemaps"]) == 4


def test_robots_txt_sitemap_lines_are_used_for_a_site(
    httpserver: HTTPServer, arun: Callable[..., Any]
) -> None:
    robots = f"User-agent: *\nDisallow:\nSitemap: {httpserver.url_for('/maps/one.xml')}\n"
    httpserver.expect_request("/robots.txt").respond_with_data(robots, content_type="text/plain")
    xml(httpserver, "/maps/one.xml", urlset("/x"))
    result = map_with(arun, "sitemap", httpserver.url_for("/"))
    assert result.urls == [httpserver.url_for("/x")]


def test_a_site_without_robots_falls_back_to_sitemap_xml(
    httpserver: HTTPServer, arun: Callable[..., Any]
) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    xml(httpserver, "/sitemap.xml", urlset("/y"))
    assert map_with(arun, "sitemap", httpserver.url_for("/")).urls == [httpserver.url_for("/y")]


def test_limits_and_patterns_apply_and_broken_children_are_reported(
    httpserver: HTTPServer, arun: Callable[..., Any]
) -> None:
    xml(httpserver, "/sitemap.xml", index("/docs.xml", "/gone.xml", "/bad.xml"))
    xml(httpserver, "/docs.xml", urlset("/docs/a", "/blog/b", "/docs/c", "/docs/d"))
    httpserver.expect_request("/gone.xml").respond_with_data("", status=404)
    xml(httpserver, "/bad.xml", "<urlset><url>")
    result = map_with(
        arun,
        "sitemap",
        httpserver.url_for("/sitemap.xml"),
        map={"include": ["/docs/*"], "max_urls": 2},
    )
    assert result.urls == [httpserver.url_for("/docs/a"), httpserver.url_for("/docs/c")]
    result = map_with(arun, "sitemap", httpserver.url_for("/sitemap.xml"))
    assert result.errors == [
        f"{httpserver.url_for('/gone.xml')}: HTTP 404 NOT FOUND",
        f"{httpserver.url_for('/bad.xml')}: not well-formed XML: "
        "no element found: line 1, column 13",
    ]


def test_entity_declarations_are_refused(httpserver: HTTPServer, arun: Callable[..., Any]) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE u [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
        "<urlset>&b;</urlset>"
    )
    source = xml(httpserver, "/sitemap.xml", bomb)
    result = map_with(arun, "sitemap", source)
    assert result.urls == []
    assert "refused XML with entity declarations" in result.errors[0]


def test_rss_2_lists_item_links(httpserver: HTTPServer, arun: Callable[..., Any]) -> None:
    feed = """<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
      <item><title>One</title><link>https://blog.test/one</link></item>
      <item><title>Two</title><guid>https://blog.test/two</guid></item>
      <item><title>Three</title><link>/three</link></item>
    </channel></rss>"""
    source = xml(httpserver, "/feed.xml", feed, "application/rss+xml")
    result = map_with(arun, "rss", source)
    assert result.urls == [
        "https://blog.test/one",
        "https://blog.test/two",
        httpserver.url_for("/three"),
    ]
    assert result.metadata == {"format": "rss"}


def test_atom_lists_alternate_entry_links(httpserver: HTTPServer, arun: Callable[..., Any]) -> None:
    feed = """<?xml version="1.0" encoding="utf-8"?>
    <feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
      <entry><title>A</title><link rel="edit" href="/edit/a"/><link href="https://blog.test/a"/></entry>
      <entry><title>B</title><link rel="alternate" type="text/html" href="/b"/></entry>
    </feed>"""
    source = xml(httpserver, "/atom", feed, "application/atom+xml")
    result = map_with(arun, "rss", source, map={"exclude": ["*/b"]})
    assert result.urls == ["https://blog.test/a"]
    assert result.metadata == {"format": "atom"}


def test_rss_refuses_what_is_not_a_feed(httpserver: HTTPServer, arun: Callable[..., Any]) -> None:
    source = xml(httpserver, "/feed", urlset("/a"))
    assert map_with(arun, "rss", source).errors == ["not an RSS or Atom feed (root <urlset>)"]
    httpserver.expect_request("/nofeed").respond_with_data("", status=404)
    with pytest.raises(FetchError, match="HTTP 404"):
        map_with(arun, "rss", httpserver.url_for("/nofeed"))


# --- hostile sitemaps and feeds (SPEC section 10) ------------------------------------


def test_an_endless_index_of_indexes_is_bounded_in_fetches(
    hostile: Hostile, arun: Callable[..., Any]
) -> None:
    """Every index lists ten more: nesting and the total of reads are both bounded."""

    def endless(handler: BaseHTTPRequestHandler) -> None:
        here = handler.path.removesuffix(".xml")
        body = index(*(f"{here}-{n}.xml" for n in range(10)))
        send(handler, body.encode(), content_type="application/xml")

    source = hostile.route("/idx/", endless) + "root.xml"
    result = map_with(arun, "sitemap", source, map={"max_urls": 20})
    assert result.urls == []
    assert sum(hostile.hits.values()) == 25  # max_urls + 5 sitemaps read, then no more
    assert result.errors[-1].endswith(
        "more sitemap(s) not read: a map reads at most 25 sitemaps ([map].max_urls + 5)"
    )


@pytest.mark.timeout(60)  # a list membership test took minutes here
def test_a_sitemap_of_100000_entries_is_read_in_linear_time(
    hostile: Hostile, arun: Callable[..., Any]
) -> None:
    body = urlset(*(f"/p/{n % 50_000}" for n in range(100_000))).encode()
    source = hostile.route("/big.xml", lambda h: send(h, body, content_type="application/xml"))
    result = map_with(arun, "sitemap", source, map={"max_urls": 100_000}, fetch={"timeout": 30})
    assert len(result.urls) == 50_000  # duplicates dropped with a set, not a list scan


@pytest.mark.parametrize(
    "kind",
    [
        "application/rss+xml",
        "application/x-rss+xml",
        "application/atom+xml",
        "text/xml",
        "application/xml",
    ],
)
def test_feeds_are_read_under_every_type_real_servers_send(
    hostile: Hostile, arun: Callable[..., Any], kind: str
) -> None:
    feed = "<rss><channel><item><link>/post</link></item></channel></rss>"
    source = hostile.route("/feed", lambda h: send(h, feed.encode(), content_type=kind))
    assert map_with(arun, "rss", source).urls == [hostile.url("/post")]


def test_entities_in_a_feed_are_refused_not_expanded(
    hostile: Hostile, arun: Callable[..., Any]
) -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        "<rss><channel><item><link>/&b;</link></item></channel></rss>"
    )
    source = hostile.route("/feed", lambda h: send(h, laughs.encode(), content_type="text/xml"))
    with pytest.raises(FetchError, match="refused XML with entity declarations"):
        map_with(arun, "rss", source)
