"""The built-in fetchers against a real local server and real files."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from kurt.core.engines import FetchError, FetchResult
from kurt.registry import FETCHERS

ARTICLE = """<!doctype html>
<html lang="en"><head>
<title>A day at the lake | Example</title>
<meta name="author" content="Ada Lovelace">
<meta property="article:published_time" content="2024-05-01">
</head><body>
<nav><a href="/">Home</a> <a href="/about">About</a></nav>
<article>
<h1>A day at the lake</h1>
<p>We walked around the lake in the morning, when the water was still and the air was cold.</p>
<p>By noon the wind had risen and small waves broke against the stones of the shore.</p>
</article>
<footer>Copyright Example</footer>
</body></html>"""


def fetch(arun: Callable[..., Any], engine: str, url: str, **config: Any) -> FetchResult:
    fetcher = FETCHERS.get(engine)()
    result: FetchResult = arun(lambda context: fetcher.fetch(url, context), **config)
    return result


def test_builtin_fetchers_are_registered_through_the_registry() -> None:
    assert {"httpx", "trafilatura", "file"} <= set(FETCHERS.names())
    assert FETCHERS.entry("file").skill is None


def test_trafilatura_extracts_main_text_and_metadata(
    httpserver: HTTPServer, arun: Callable[..., Any]
) -> None:
    httpserver.expect_request("/lake").respond_with_data(ARTICLE, content_type="text/html")
    result = fetch(arun, "trafilatura", httpserver.url_for("/lake"))
    assert "small waves broke" in result.content
    assert "Copyright Example" not in result.content
    assert (result.title, result.author, result.date, result.language) == (
        "A day at the lake",
        "Ada Lovelace",
        "2024-05-01",
        "en",
    )
    assert (result.status_code, result.content_type) == (200, "text/html")


def test_httpx_keeps_main_text_and_page_title(
    httpserver: HTTPServer, arun: Callable[..., Any]
) -> None:
    httpserver.expect_request("/lake").respond_with_data(ARTICLE, content_type="text/html")
    result = fetch(arun, "httpx", httpserver.url_for("/lake"))
    assert "We walked around the lake" in result.content
    assert result.title == "A day at the lake | Example"
    assert result.author is None


def test_plain_text_is_kept_as_is(httpserver: HTTPServer, arun: Callable[..., Any]) -> None:
    httpserver.expect_request("/notes.txt").respond_with_data(
        "line one\nline two\n", content_type="text/plain; charset=utf-8"
    )
    result = fetch(arun, "trafilatura", httpserver.url_for("/notes.txt"))
    assert result.content == "line one\nline two\n"
    assert result.content_type == "text/plain"


def test_a_redirected_page_records_where_it_ended(
    httpserver: HTTPServer, arun: Callable[..., Any]
) -> None:
    httpserver.expect_request("/old").respond_with_data(
        "", status=302, headers={"Location": "/lake"}
    )
    httpserver.expect_request("/lake").respond_with_data(ARTICLE, content_type="text/html")
    result = fetch(arun, "httpx", httpserver.url_for("/old"))
    assert result.url == httpserver.url_for("/old")
    assert result.metadata == {"final_url": httpserver.url_for("/lake")}


@pytest.mark.parametrize("engine", ["httpx", "trafilatura"])
def test_a_binary_page_is_refused(
    engine: str, httpserver: HTTPServer, arun: Callable[..., Any]
) -> None:
    httpserver.expect_request("/a.pdf").respond_with_data(
        b"%PDF-1.4", content_type="application/pdf"
    )
    with pytest.raises(FetchError, match="unsupported content type 'application/pdf'"):
        fetch(arun, engine, httpserver.url_for("/a.pdf"))


def test_web_fetchers_honour_the_size_limit(
    httpserver: HTTPServer, arun: Callable[..., Any]
) -> None:
    httpserver.expect_request("/big").respond_with_data("z" * 3000, content_type="text/plain")
    with pytest.raises(FetchError, match="2000-byte limit"):
        fetch(arun, "httpx", httpserver.url_for("/big"), fetch={"max_bytes": 2000})


def test_file_reads_markdown_with_its_first_heading_as_title(
    tmp_path: Path, arun: Callable[..., Any]
) -> None:
    page = tmp_path / "guide.md"
    page.write_text("Intro line\n\n## Getting started\n\nText.\n", encoding="utf-8")
    result = fetch(arun, "file", page.as_uri())
    assert result.content == page.read_text(encoding="utf-8")
    assert (result.title, result.content_type) == ("Getting started", "text/markdown")
    assert result.metadata == {"path": str(page.resolve())}


def test_file_extracts_html_and_takes_plain_paths(tmp_path: Path, arun: Callable[..., Any]) -> None:
    page = tmp_path / "lake.html"
    page.write_text(ARTICLE, encoding="utf-8")
    result = fetch(arun, "file", str(page))
    assert "small waves broke" in result.content
    assert (result.title, result.author, result.content_type) == (
        "A day at the lake",
        "Ada Lovelace",
        "text/html",
    )


def test_file_keeps_text_and_reads_percent_encoded_uris(
    tmp_path: Path, arun: Callable[..., Any]
) -> None:
    page = tmp_path / "my notes.txt"
    page.write_text("plain words", encoding="utf-8")
    result = fetch(arun, "file", page.as_uri())
    assert "%20" in page.as_uri()
    assert (result.content, result.content_type, result.title) == (
        "plain words",
        "text/plain",
        None,
    )


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda p: None, "no such file: "),
        (lambda p: p.mkdir(), "is a folder; list its files with: kurt map "),
        (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00"), "is a binary file"),
        (lambda p: p.write_text("w" * 3000), "file larger than the 2000-byte limit"),
    ],
    ids=["missing", "folder", "binary", "too-big"],
)
def test_file_failures_are_fetch_errors(
    setup: Callable[[Path], None], message: str, tmp_path: Path, arun: Callable[..., Any]
) -> None:
    target = tmp_path / "thing"
    setup(target)
    with pytest.raises(FetchError, match=message) as caught:
        fetch(arun, "file", str(target), fetch={"max_bytes": 2000})
    assert caught.value.url == str(target)


@pytest.mark.timeout(30)  # reading /dev/zero or a FIFO the usual way never returns
def test_file_reads_only_regular_files(tmp_path: Path, arun: Callable[..., Any]) -> None:
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.md"
    zero.symlink_to("/dev/zero")
    for path, kind in (
        (fifo, "a named pipe (FIFO)"),
        (zero, "a device"),
        ("/dev/zero", "a device"),
    ):
        with pytest.raises(FetchError) as caught:
            fetch(arun, "file", str(path))
        assert str(caught.value) == f"'{path}' is {kind}; only regular files are read"


def test_file_stops_reading_at_the_limit_whatever_the_size_says(
    tmp_path: Path, arun: Callable[..., Any]
) -> None:
    big = tmp_path / "big.md"
    big.write_bytes(b"x" * 5000)
    with pytest.raises(FetchError, match=r"file larger than the 4999-byte limit"):
        fetch(arun, "file", str(big), fetch={"max_bytes": 4999})
