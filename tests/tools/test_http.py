"""download(): success, redirects, retries, and every per-URL failure, against a
real server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import gzip
import time
import tracemalloc
import zlib
from pathlib import Path
from typing import Any

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from kurt.config.model import FetchSection
from kurt.core.engines import FetchError
from kurt.tools.http import HTML_TYPES, Download, DownloadPolicy, download, make_client

from .conftest import Hostile, drip, send

FAST = DownloadPolicy(timeout=2.0, retries=0, backoff=0.01, max_bytes=1000)


def get(url: str, policy: DownloadPolicy = FAST, **kwargs: Any) -> Download:
    async def main() -> Download:
        async with make_client(FetchSection(user_agent="kurt-test/1")) as client:
            return await download(client, url, policy, **kwargs)

    return asyncio.run(main())


def failure(url: str, policy: DownloadPolicy = FAST, **kwargs: Any) -> FetchError:
    with pytest.raises(FetchError) as caught:
        get(url, policy, **kwargs)
    assert caught.value.url == url
    return caught.value


def test_html_is_downloaded_with_its_type_charset_and_kurt_user_agent(
    httpserver: HTTPServer,
) -> None:
    httpserver.expect_request("/page", headers={"User-Agent": "kurt-test/1"}).respond_with_data(
        "<p>héllo</p>".encode("latin-1"), content_type="text/html; charset=ISO-8859-1"
    )
    got = get(httpserver.url_for("/page"), accept=HTML_TYPES)
    assert (got.status_code, got.content_type, got.charset) == (200, "text/html", "ISO-8859-1")
    assert got.text == "<p>héllo</p>"


def test_a_redirect_is_followed_and_the_final_url_kept(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": "/new"}
    )
    httpserver.expect_request("/new").respond_with_data("moved here", content_type="text/plain")
    got = get(httpserver.url_for("/old"))
    assert got.url == httpserver.url_for("/new")
    assert got.text == "moved here"


def test_a_404_is_a_fetch_error_with_its_status(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    error = failure(httpserver.url_for("/gone"))
    assert (str(error), error.status_code) == ("HTTP 404 NOT FOUND", 404)


def test_a_slow_server_times_out(httpserver: HTTPServer) -> None:
    def slow(request: Request) -> Response:
        time.sleep(1.5)
        return Response("late", content_type="text/plain")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    error = failure(httpserver.url_for("/slow"), DownloadPolicy(timeout=0.3, retries=0))
    assert str(error) == "timed out after 0.3 s"


def test_a_declared_oversized_body_is_refused(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/big").respond_with_data(b"x" * 5000, content_type="text/plain")
    error = failure(httpserver.url_for("/big"))
    assert str(error) == "body larger than the 1000-byte limit ([fetch].max_bytes)"


def test_a_streamed_oversized_body_stops_at_the_limit(httpserver: HTTPServer) -> None:
    sent: list[int] = []
    chunk, count = 10_000, 5_000  # 50 MB without Content-Length: more than any socket buffer

    def endless(request: Request) -> Response:
        def chunks() -> Any:
            for _ in range(count):
                sent.append(chunk)
                yield b"y" * chunk

        return Response(chunks(), content_type="text/plain")

    httpserver.expect_request("/stream").respond_with_handler(endless)
    error = failure(httpserver.url_for("/stream"))
    assert str(error) == "body larger than the 1000-byte limit ([fetch].max_bytes)"
    # The client hung up: the server could never send the whole body.
    assert sum(sent) < chunk * count


def test_a_refused_content_type_is_not_read(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/img").respond_with_data(b"\x89PNG", content_type="image/png")
    error = failure(httpserver.url_for("/img"), accept=HTML_TYPES)
    assert (str(error), error.status_code) == ("unsupported content type 'image/png'", 200)


def test_transient_failures_are_retried_with_backoff(httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request("/flaky").respond_with_data("busy", status=503)
    httpserver.expect_oneshot_request("/flaky").respond_with_data("slow down", status=429)
    httpserver.expect_request("/flaky").respond_with_data("fine", content_type="text/plain")
    got = get(httpserver.url_for("/flaky"), DownloadPolicy(retries=2, backoff=0.01))
    assert got.text == "fine"
    assert len(httpserver.log) == 3


def test_retries_give_up_with_the_last_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/down").respond_with_data("down", status=503)
    error = failure(httpserver.url_for("/down"), DownloadPolicy(retries=1, backoff=0.01))
    assert (str(error), error.status_code) == ("HTTP 503 SERVICE UNAVAILABLE (after 2 tries)", 503)
    # Only this test's path: a slow handler of an earlier test may still log its
    # request after that test ended (its client gave up, the server did not).
    assert [request.path for request, _ in httpserver.log].count("/down") == 2


def test_a_closed_port_is_a_connection_error() -> None:
    error = failure("http://127.0.0.1:9/", DownloadPolicy(retries=0, timeout=2))
    assert str(error).startswith("could not connect")


@pytest.mark.parametrize(
    ("url", "message"),
    [("ftp://example.com/x", "unsupported URL"), ("http://", "unsupported URL")],
)
def test_urls_httpx_cannot_use_are_fetch_errors(url: str, message: str) -> None:
    assert str(failure(url)).startswith(message)


def test_the_client_follows_the_fetch_section() -> None:
    options = FetchSection(timeout=7, user_agent="me/2", concurrency=3)

    async def main() -> tuple[httpx.Timeout, str, bool]:
        async with make_client(options) as client:
            return client.timeout, client.headers["User-Agent"], client.follow_redirects

    timeout, agent, redirects = asyncio.run(main())
    assert (timeout.read, agent, redirects) == (7, "me/2", True)


def test_policy_from_options_copies_every_limit() -> None:
    options = FetchSection(timeout=3, retries=4, backoff=0.2, max_bytes=99)
    assert DownloadPolicy.from_options(options) == DownloadPolicy(3, 4, 0.2, 99)


# --- hard limits against a server that misbehaves on purpose (SPEC section 10) -------


def test_one_deadline_covers_the_whole_body_of_a_slow_drip(hostile: Hostile) -> None:
    """A byte every 0.1 s never trips a per-read timeout; the deadline cuts it off."""
    url = hostile.route("/drip", drip(every=0.1, most=100))  # 10 s if waited for
    started = time.monotonic()
    error = failure(url, DownloadPolicy(timeout=1, retries=0))
    assert str(error) == "timed out after 1 s"
    assert time.monotonic() - started < 8  # generous: the deadline is 1 s


def test_a_timeout_message_counts_the_tries(hostile: Hostile) -> None:
    url = hostile.route("/drip", drip(every=0.1, most=100))
    error = failure(url, DownloadPolicy(timeout=0.5, retries=2, backoff=0.01))
    assert str(error) == "timed out after 3 tries of 0.5 s"
    assert hostile.hits["/drip"] == 3


def test_a_gzip_bomb_stops_at_the_limit_with_memory_flat(bomb_url: str, gzip_bomb: bytes) -> None:
    tracemalloc.start()
    try:
        error = failure(bomb_url, DownloadPolicy(timeout=10, retries=0, max_bytes=1_000_000))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(gzip_bomb) < 200_000
    assert str(error) == "body larger than the 1000000-byte limit ([fetch].max_bytes)"
    assert peak < 8_000_000  # the limit and a few pieces, never the 100 MB


def test_a_gzipped_body_within_the_limit_is_decoded(hostile: Hostile) -> None:
    body = b"<p>packed twice</p>"
    url = hostile.route(
        "/twice",
        lambda handler: send(
            handler,
            gzip.compress(zlib.compress(body)),
            headers={"Content-Encoding": "deflate, x-gzip"},
        ),
    )
    assert get(url).body == body


def test_an_encoding_kurt_cannot_bound_is_refused(hostile: Hostile) -> None:
    url = hostile.route(
        "/br", lambda handler: send(handler, b"\x1b\x00", headers={"Content-Encoding": "br"})
    )
    assert str(failure(url)) == "unsupported Content-Encoding 'br'"


def test_a_redirect_to_a_local_file_is_never_followed(hostile: Hostile, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("canary-7f3a", encoding="utf-8")
    url = hostile.route(
        "/go",
        lambda handler: send(handler, b"", status=302, headers={"Location": secret.as_uri()}),
    )
    error = failure(url)
    assert str(error) == f"redirected to '{secret.as_uri()}'; only http(s) redirects are followed"


def test_redirects_are_limited(hostile: Hostile) -> None:
    url = hostile.route(
        "/loop", lambda handler: send(handler, b"", status=301, headers={"Location": "/loop"})
    )
    error = failure(url, DownloadPolicy(retries=0, max_redirects=3))
    assert str(error) == "too many redirects (more than 3)"
    assert hostile.hits["/loop"] == 4
