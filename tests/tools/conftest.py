"""Fixtures for the fetch and map tests: a threaded local HTTP server, a
ToolContext with a real client and short timeouts, and the built-ins loaded."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
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
