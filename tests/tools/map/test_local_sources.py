"""Local sitemap and feed files: engine choice, the sitemap/rss mappers reading
from disk, and engines that need the web saying so."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from kurt.core.engines import FetchError, MapResult
from kurt.core.execute import execute_tool
from kurt.core.result import ToolResult
from kurt.db import Database
from kurt.registry import MAPPERS
from kurt.tools.map.tool import default_engine

SM = "http://www.sitemaps.org/schemas/sitemap/0.9"
RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
  <item><link>https://blog.test/one</link></item>
  <item><link>posts/two.html</link></item>
</channel></rss>"""
ATOM = """<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
  <entry><link href="https://blog.test/a"/></entry></feed>"""
RDF = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
  <item><link>https://blog.test/r</link></item></rdf:RDF>"""


def urlset(*locs: str) -> str:
    entries = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
    return (
        f'<?xml version="1.0"?>\n<!-- made by hand <b> -->\n<urlset xmlns="{SM}">{entries}</urlset>'
    )


def index(*locs: str) -> str:
    entries = "".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locs)
    return f'<?xml version="1.0"?><sitemapindex xmlns="{SM}">{entries}</sitemapindex>'


def write(path: Path, body: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(body, str):
        path.write_text(body, encoding="utf-8")
    else:
        path.write_bytes(body)
    return path


def map_with(arun: Callable[..., Any], engine: str, source: str, **config: Any) -> MapResult:
    mapper = MAPPERS.get(engine)()
    result: MapResult = arun(lambda context: mapper.map(source, context), **config)
    return result


# -- choosing the engine -------------------------------------------------------


def test_a_local_file_is_told_by_its_root_element(tmp_path: Path) -> None:
    files = {
        "pages.xml": urlset("https://site.test/a"),
        "index.xml": index("https://site.test/s.xml"),
        "packed.gz": gzip.compress(urlset("https://site.test/a").encode()),
        "news.xml": RSS,  # the name says nothing; the content says feed
        "updates.xml": ATOM,
        "rdf.rdf": RDF,
        "sitemap-feed.xml": urlset("https://site.test/b"),  # content wins over the name
    }
    expected = {
        "pages.xml": "sitemap",
        "index.xml": "sitemap",
        "packed.gz": "sitemap",
        "news.xml": "rss",
        "updates.xml": "rss",
        "rdf.rdf": "rss",
        "sitemap-feed.xml": "sitemap",
    }
    for name, body in files.items():
        path = write(tmp_path / name, body)
        assert default_engine(str(path), None) == expected[name], name
        assert default_engine(path.as_uri(), "crawl") == expected[name], name  # config loses


def test_an_unrecognised_local_file_goes_by_config_then_name(tmp_path: Path) -> None:
    notes = write(tmp_path / "notes.txt", "hello")
    feedish = write(tmp_path / "my-feed.txt", "hello")
    robots = write(tmp_path / "robots.txt", "Sitemap: https://site.test/s.xml\n")
    assert default_engine(str(notes), None) == "sitemap"
    assert default_engine(str(feedish), None) == "rss"
    assert default_engine(str(robots), None) == "sitemap"
    assert default_engine(str(notes), "opml") == "opml"  # a skill's mapper for its own files
    assert default_engine(str(tmp_path / "nope.xml"), None) == "folder"
    assert default_engine(str(tmp_path), "crawl") == "folder"


# -- the sitemap mapper on disk ------------------------------------------------


def test_a_local_sitemap_lists_its_urls_as_written(
    tmp_path: Path, arun: Callable[..., Any]
) -> None:
    path = write(
        tmp_path / "www" / "sitemap.xml",
        urlset("https://site.test/a", "https://other.test/b?x=1", "about.html"),
    )
    expected = [
        "https://site.test/a",
        "https://other.test/b?x=1",
        (tmp_path / "www" / "about.html").as_uri(),  # relative: against the file's URI
    ]
    for source in (str(path), path.as_uri()):
        result = map_with(arun, "sitemap", source)
        assert (result.urls, result.errors) == (expected, [])
        assert result.metadata["sitemaps"] == [path.as_uri()]


def test_a_local_index_reads_local_children_and_web_ones(
    tmp_path: Path, httpserver: HTTPServer, arun: Callable[..., Any]
) -> None:
    httpserver.expect_request("/web.xml").respond_with_data(
        urlset("/w"), content_type="application/xml"
    )
    write(
        tmp_path / "parts" / "posts.xml.gz", gzip.compress(urlset("https://site.test/p").encode())
    )
    write(tmp_path / "parts" / "pages.xml", urlset("https://site.test/q"))
    root = write(
        tmp_path / "sitemap_index.xml",
        index("parts/posts.xml.gz", "parts/pages.xml", httpserver.url_for("/web.xml"), "gone.xml"),
    )
    result = map_with(arun, "sitemap", str(root))
    assert result.urls == [
        "https://site.test/p",
        "https://site.test/q",
        httpserver.url_for("/w"),
    ]
    assert result.errors == [
        f"{(tmp_path / 'gone.xml').as_uri()}: no such file or folder: {tmp_path / 'gone.xml'}"
    ]


def test_a_local_robots_txt_gives_its_sitemaps(tmp_path: Path, arun: Callable[..., Any]) -> None:
    write(tmp_path / "maps" / "one.xml", urlset("https://site.test/one"))
    robots = write(tmp_path / "robots.txt", "User-agent: *\nSitemap: maps/one.xml\n")
    assert map_with(arun, "sitemap", str(robots)).urls == ["https://site.test/one"]


def test_local_sitemaps_keep_the_limits_and_safe_parsing(
    tmp_path: Path, arun: Callable[..., Any]
) -> None:
    big = write(tmp_path / "big.xml", urlset(*(f"https://site.test/{n}" for n in range(50))))
    result = map_with(arun, "sitemap", str(big), fetch={"max_bytes": 200})
    assert (result.urls, result.errors) == (
        [],
        [f"{big.as_uri()}: file larger than the 200-byte limit ([fetch].max_bytes)"],
    )
    bomb = write(
        tmp_path / "bomb.xml",
        '<?xml version="1.0"?><!DOCTYPE u [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
        "<urlset>&b;</urlset>",
    )
    assert "refused XML with entity declarations" in map_with(arun, "sitemap", str(bomb)).errors[0]
    packed = write(
        tmp_path / "packed.xml.gz", gzip.compress(b"<urlset>" + b" " * 5000 + b"</urlset>")
    )
    result = map_with(arun, "sitemap", str(packed), fetch={"max_bytes": 1000})
    assert result.errors == [f"{packed.as_uri()}: unzipped body larger than the 1000-byte limit"]
    notes = write(tmp_path / "notes.txt", "hello")
    assert map_with(arun, "sitemap", str(notes)).errors == [
        f"{notes.as_uri()}: not well-formed XML: syntax error: line 1, column 0"
    ]


def test_a_missing_file_or_a_folder_fails_the_sitemap_and_rss_mappers(
    tmp_path: Path, arun: Callable[..., Any]
) -> None:
    for engine in ("sitemap", "rss"):
        with pytest.raises(FetchError) as caught:
            map_with(arun, engine, str(tmp_path / "nope.xml"))
        assert str(caught.value) == f"no such file or folder: {tmp_path / 'nope.xml'}"
        with pytest.raises(FetchError) as caught:
            map_with(arun, engine, str(tmp_path))
        assert str(caught.value) == (
            f"'{tmp_path}' is a folder; the {engine} engine reads a file "
            "(list a folder's files with the folder engine)"
        )


def test_a_web_sitemap_may_not_make_kurt_read_local_files(
    tmp_path: Path, httpserver: HTTPServer, arun: Callable[..., Any]
) -> None:
    secret = write(tmp_path / "secret.xml", urlset("https://secret.test/"))
    httpserver.expect_request("/sitemap.xml").respond_with_data(
        index(secret.as_uri()), content_type="application/xml"
    )
    result = map_with(arun, "sitemap", httpserver.url_for("/sitemap.xml"))
    assert result.urls == []
    assert result.errors == [f"{secret.as_uri()}: a local file named by a web source is not read"]


# -- the rss mapper on disk ----------------------------------------------------


def test_a_local_feed_lists_its_links(tmp_path: Path, arun: Callable[..., Any]) -> None:
    path = write(tmp_path / "blog" / "feed.xml", RSS)
    result = map_with(arun, "rss", str(path))
    assert result.urls == [
        "https://blog.test/one",
        (tmp_path / "blog" / "posts" / "two.html").as_uri(),
    ]
    assert result.metadata == {"format": "rss"}
    atom = write(tmp_path / "atom.xml", ATOM)
    assert map_with(arun, "rss", atom.as_uri()).urls == ["https://blog.test/a"]
    sitemap = write(tmp_path / "sitemap.xml", urlset("https://site.test/a"))
    assert map_with(arun, "rss", str(sitemap)).errors == ["not an RSS or Atom feed (root <urlset>)"]
    with pytest.raises(FetchError, match="file larger than the 100-byte limit"):
        map_with(arun, "rss", str(path), fetch={"max_bytes": 100})


# -- engines that need the web -------------------------------------------------


def test_the_crawl_engine_refuses_a_local_path(tmp_path: Path, arun: Callable[..., Any]) -> None:
    path = write(tmp_path / "sitemap.xml", urlset("https://site.test/a"))
    with pytest.raises(FetchError) as caught:
        map_with(arun, "crawl", path.as_uri())
    assert str(caught.value) == (
        f"the crawl engine needs an http(s) URL, not a local path: {path} "
        "(local sitemaps and feeds: the sitemap or rss engine; folders: the folder engine)"
    )


# -- through the map tool ------------------------------------------------------


def test_the_map_tool_maps_a_local_sitemap_and_stores_it(
    tmp_path: Path, arun: Callable[..., Any]
) -> None:
    path = write(
        tmp_path / "www" / "sitemap.xml", urlset("https://site.test/a", "https://site.test/b")
    )
    with Database.in_memory() as db:
        result: ToolResult = arun(
            lambda context: execute_tool("map", {"source": str(path)}, context), db=db
        )
        stored = db.mapped(path.as_uri())
    assert result.success is True
    assert [(i["url"], i["source"], i["engine"]) for i in result.data] == [
        ("https://site.test/a", path.as_uri(), "sitemap"),
        ("https://site.test/b", path.as_uri(), "sitemap"),
    ]
    assert stored == ["https://site.test/a", "https://site.test/b"]
