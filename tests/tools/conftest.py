"""Fixtures for the fetch and map tests: a threaded local HTTP server, a server
that misbehaves on purpose (:class:`Hostile`), a ToolContext with a real client
and short timeouts, and the built-ins loaded."""

from __future__ import annotations

import asyncio
import gzip
import threading
import time
import zlib
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

import pytest
from pytest_httpserver import HTTPServer

from kurt.config.model import FetchSection, KurtConfig, MapSection
from kurt.core.context import ToolContext
from kurt.tools.http import make_client

T = TypeVar("T")

# Fast by default: no retries, short timeouts, tiny backoff when retries are asked for.
FAST_FETCH: dict[str, Any] = {"timeout": 2.0, "retries": 0, "backoff": 0.01}


@pytest.fixture(scope="session")
def make_httpserver() -> Iterator[HTTPServer]:
    """pytest-httpserver's server on 127.0.0.1, threaded: a slow handler (the
    timeout tests) must not hold up the requests of the next test."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


def make_config(
    fetch: dict[str, Any] | None = None, map: dict[str, Any] | None = None
) -> KurtConfig:
    return KurtConfig(
        fetch=FetchSection(**{**FAST_FETCH, **(fetch or {})}),
        map=MapSection(**(map or {})),
    )


@pytest.fixture
def arun() -> Callable[..., Any]:
    """Run ``func(context)`` in a fresh event loop with a real shared client.

    ``arun(func, db=..., fetch={...}, map={...})``: ``fetch``/``map`` override
    the fast test configuration.
    """

    def run(
        func: Callable[[ToolContext], Awaitable[T]],
        *,
        db: Any = None,
        fetch: dict[str, Any] | None = None,
        map: dict[str, Any] | None = None,
    ) -> T:
        config = make_config(fetch, map)

        async def main() -> T:
            async with make_client(config.fetch) as http:
                return await func(ToolContext(db=db, http=http, config=config))

        return asyncio.run(main())

    return run


Respond = Callable[[BaseHTTPRequestHandler], None]


class Hostile:
    """A plain ``http.server`` on 127.0.0.1 whose routes misbehave on purpose
    (a slow drip, a gzip bomb, a redirect to ``file:``...): werkzeug, under
    pytest-httpserver, tidies responses too well for that.

    ``route(path, respond)`` serves ``path`` (without its query) by calling
    ``respond(handler)``; a route ending in ``/`` serves every path below it.
    ``hits[path]`` counts the requests each path got.
    """

    def __init__(self) -> None:
        self.routes: dict[str, Respond] = {}
        self.hits: Counter[str] = Counter()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.partition("?")[0]
                owner.hits[path] += 1
                respond = owner.routes.get(path) or next(
                    (r for p, r in owner.routes.items() if p.endswith("/") and path.startswith(p)),
                    None,
                )
                try:
                    if respond is None:
                        self.send_error(404)
                    else:
                        respond(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client hung up: what a limit is for

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def route(self, path: str, respond: Respond) -> str:
        """Serve ``path`` with ``respond``; its URL."""
        self.routes[path] = respond
        return self.url(path)

    def url(self, path: str) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hostile() -> Iterator[Hostile]:
    server = Hostile()
    yield server
    server.close()


def send(
    handler: BaseHTTPRequestHandler,
    body: bytes,
    *,
    status: int = 200,
    content_type: str = "text/html",
    headers: dict[str, str] | None = None,
) -> None:
    """A whole response with its length."""
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


def drip(every: float = 0.1, most: int = 100) -> Respond:
    """A response sending one byte every ``every`` seconds, ``most`` of them
    (bounded: the server stops by itself)."""

    def respond(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/plain")
        handler.end_headers()  # no length: the body ends when the connection does
        handler.close_connection = True
        for _ in range(most):
            handler.wfile.write(b"x")
            handler.wfile.flush()
            time.sleep(every)

    return respond


@pytest.fixture(scope="session")
def gzip_bomb() -> bytes:
    """100 MB of zeros, gzipped twice: a few hundred bytes on the wire."""
    inner = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1 << 20)
    packed = b"".join(inner.compress(block) for _ in range(100)) + inner.flush()
    return gzip.compress(packed, 9)


@pytest.fixture
def bomb_url(hostile: Hostile, gzip_bomb: bytes) -> str:
    """The URL of ``hostile``'s ``/bomb``: 100 MB of HTML once decoded, sent as
    ``Content-Encoding: gzip, gzip``."""
    return hostile.route(
        "/bomb",
        lambda handler: send(handler, gzip_bomb, headers={"Content-Encoding": "gzip, gzip"}),
    )
