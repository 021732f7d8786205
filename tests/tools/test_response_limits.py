"""The limits of make_client's own responses: what a skill calling
``context.http`` itself meets, against a misbehaving server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import gzip
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from typing import TypeVar

import httpx
import pytest

from kurt.config.model import FetchSection
from kurt.tools.http import make_client
from kurt.tools.response_limits import BodyTooLarge

from .conftest import Hostile, drip, send

T = TypeVar("T")
LIMITS = FetchSection(timeout=1, max_bytes=1_000_000)


def with_client(use: Callable[[httpx.AsyncClient], Awaitable[T]]) -> T:
    async def main() -> T:
        async with make_client(LIMITS) as client:
            return await use(client)

    return asyncio.run(main())


def get(url: str) -> httpx.Response:
    return with_client(lambda client: client.get(url))


def test_a_gzip_bomb_is_cut_at_the_limit_with_memory_flat(bomb_url: str) -> None:
    tracemalloc.start()
    try:
        with pytest.raises(BodyTooLarge) as caught:
            get(bomb_url)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(caught.value, httpx.HTTPError)  # what skill code catches
    assert str(caught.value) == "body larger than the 1000000-byte limit ([fetch].max_bytes)"
    assert peak < 8_000_000  # the limit and a few pieces, never the 100 MB


def test_a_streamed_body_is_cut_at_the_limit_too(hostile: Hostile) -> None:
    url = hostile.route("/big", lambda handler: send(handler, b"x" * 1_500_000))

    async def read(client: httpx.AsyncClient) -> int:
        seen = 0
        async with client.stream("GET", url) as response:
            async for chunk in response.aiter_bytes():
                seen += len(chunk)
        return seen

    with pytest.raises(BodyTooLarge):
        with_client(read)


def test_a_server_dripping_bytes_is_cut_off_at_the_deadline(hostile: Hostile) -> None:
    url = hostile.route("/drip", drip(every=0.1, most=100))  # 10 s if waited for
    started = time.monotonic()
    with pytest.raises(httpx.TimeoutException, match=r"within 1 s \(\[fetch\]\.timeout\)"):
        get(url)
    assert time.monotonic() - started < 8  # generous: the deadline is 1 s


def test_a_gzipped_body_within_the_limit_arrives_decoded(hostile: Hostile) -> None:
    body = b"<p>packed</p>"
    url = hostile.route(
        "/packed",
        lambda handler: send(handler, gzip.compress(body), headers={"Content-Encoding": "gzip"}),
    )
    response = get(url)
    assert response.content == body
    assert "content-encoding" not in response.headers  # nothing left for httpx to inflate
    assert response.request.headers["Accept-Encoding"] == "gzip, deflate"


def test_a_coding_kurt_cannot_bound_is_refused_not_inflated(hostile: Hostile) -> None:
    url = hostile.route(
        "/br", lambda handler: send(handler, b"\x1b\x00", headers={"Content-Encoding": "br"})
    )
    with pytest.raises(httpx.DecodingError, match="unsupported Content-Encoding 'br'"):
        get(url)
