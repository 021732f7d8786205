"""Benchmark: fetching 500 local pages one at a time versus concurrently.

Serves N generated article pages from a standard-library HTTP server on
127.0.0.1 (each response delayed by --latency-ms, standing in for a real
network), then runs Kurt's ``fetch`` tool over all of them twice in one
process: with ``[fetch].concurrency = 1`` and with ``--concurrency``. It prints
both wall times, their ratio, and the peak memory: the process's peak RSS, and
the peak Python heap (tracemalloc) during a third, concurrent pass (measured
apart, because tracemalloc slows every allocation down).

    python bench/fetch.py                 # 500 pages, 20 ms latency, concurrency 8
    python bench/fetch.py --pages 200 --latency-ms 0 --engine httpx
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import threading
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from kurt.config.model import FetchSection, KurtConfig
from kurt.core.context import ToolContext
from kurt.core.execute import execute_tool
from kurt.core.result import ToolResult
from kurt.db import Database
from kurt.tools.http import make_client

PARAGRAPH = (
    "Kurt maps sources into URLs and fetches their content, so that the text of a "
    "site can be read, searched and summarised without a browser. "
)


def article(number: int) -> bytes:
    paragraphs = "".join(f"<p>{PARAGRAPH * 3} (page {number}, part {i})</p>" for i in range(8))
    return (
        f"<!doctype html><html lang='en'><head><title>Page {number}</title>"
        f"<meta name='author' content='Bench'></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>Page {number}</h1>{paragraphs}</article><footer>Footer</footer>"
        f"</body></html>"
    ).encode()


@contextmanager
def serve(latency: float) -> Iterator[str]:
    """A threaded HTTP server on 127.0.0.1 answering /page/N; yields its base URL."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real site would
        # Headers and body go out in two writes: without this, Nagle's algorithm
        # meets the client's delayed ACK and adds ~40 ms to every response.
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            number = int(self.path.rsplit("/", 1)[-1])
            body = article(number)
            if latency:
                time.sleep(latency)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


async def fetch_all(urls: list[str], engine: str, concurrency: int) -> tuple[float, ToolResult]:
    config = KurtConfig(fetch=FetchSection(concurrency=concurrency, retries=0))
    with Database.in_memory() as db:
        async with make_client(config.fetch) as http:
            context = ToolContext(db=db, http=http, config=config)
            start = time.perf_counter()
            result = await execute_tool("fetch", {"urls": urls, "engine": engine}, context)
            return time.perf_counter() - start, result


def peak_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=FetchSection().concurrency)
    parser.add_argument("--engine", default="trafilatura")
    args = parser.parse_args()

    with serve(args.latency_ms / 1000) as base:
        urls = [f"{base}/page/{n}" for n in range(args.pages)]
        asyncio.run(fetch_all(urls[:5], args.engine, 1))  # warm up imports and caches
        sequential, first = asyncio.run(fetch_all(urls, args.engine, 1))
        concurrent, second = asyncio.run(fetch_all(urls, args.engine, args.concurrency))
        tracemalloc.start()
        asyncio.run(fetch_all(urls, args.engine, args.concurrency))
        _, heap_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

    for result in (first, second):
        if len(result.data) != args.pages:
            sys.exit(f"expected {args.pages} pages, got {len(result.data)}: {result.errors[:3]}")
    print(f"pages:                    {args.pages} ({args.engine}, {args.latency_ms:g} ms latency)")
    print(f"one at a time:            {sequential:.2f} s ({args.pages / sequential:.0f} pages/s)")
    print(
        f"concurrency {args.concurrency}:            {concurrent:.2f} s "
        f"({args.pages / concurrent:.0f} pages/s)"
    )
    print(
        f"concurrent / sequential:  {concurrent / sequential:.3f} "
        f"(speed-up {sequential / concurrent:.1f}x)"
    )
    print(
        f"peak Python heap:         {heap_peak / (1024 * 1024):.1f} MiB "
        "(tracemalloc, concurrent pass)"
    )
    print(f"peak RSS of the process:  {peak_rss_mib():.1f} MiB")


if __name__ == "__main__":
    main()
