"""Benchmark: Kurt's fetch against a plain httpx script, memory as pages grow,
and workers sharing a PostgreSQL database.

Serves generated article pages from a standard-library HTTP server on
127.0.0.1, in a process of its own (each response delayed by --latency-ms,
standing in for a real network), and measures, side by side in one run, each
in a fresh child process:

1. pages per second for 500 and 5,000 pages: ``kurt fetch --pending`` (the
   ``fetch`` tool over URLs stored as ``mapped`` in a SQLite file: download,
   extraction, batched writes) against a plain ``httpx.AsyncClient`` script
   that only downloads, at the same concurrency (target: Kurt >= 0.8x);
2. Kurt's peak memory (the child's peak RSS) at 500 and 5,000 pages
   (target: flat, <= 1.3x);
3. 3 ``fetch --pending`` workers sharing one PostgreSQL database against 1
   (target: >= 2x pages per second); skipped, saying so, without --postgres
   (or KURT_TEST_POSTGRES_URL). Each run gets a new database on that server.

    python bench/fetch.py                       # 500 and 5,000 pages, 50 ms, concurrency 8
    python bench/fetch.py --pages 200 --latency-ms 20 --engine httpx
    python bench/fetch.py --postgres postgresql+psycopg://kurt@127.0.0.1/postgres
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

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


def _serve(latency: float, ports: Any) -> None:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real site would
        # Headers and body go out in two writes: without this, Nagle's algorithm
        # meets the client's delayed ACK and adds ~40 ms to every response.
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            body = article(int(self.path.rsplit("/", 1)[-1]))
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
    server.request_queue_size = 128
    ports.put(server.server_address[1])
    server.serve_forever()


@contextmanager
def serve(latency: float) -> Iterator[str]:
    """The page server in a process of its own (its threads must not share the
    measured process's GIL); yields its base URL."""
    ports: Any = multiprocessing.Queue()
    process = multiprocessing.Process(target=_serve, args=(latency, ports), daemon=True)
    process.start()
    try:
        yield f"http://127.0.0.1:{ports.get(timeout=30)}"
    finally:
        process.terminate()
        process.join()


# -- the children: each measures one thing in a fresh process -----------------


def peak_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # macOS: bytes


async def plain_httpx(urls: list[str], concurrency: int) -> int:
    """The baseline: download every URL with one AsyncClient, nothing else."""
    import httpx

    limit = asyncio.Semaphore(concurrency)
    done = 0
    async with httpx.AsyncClient(timeout=30) as client:

        async def one(url: str) -> None:
            nonlocal done
            async with limit:
                response = await client.get(url)
                response.raise_for_status()
                done += 1

        await asyncio.gather(*(one(url) for url in urls))
    return done


async def kurt_pending(database: str, engine: str, concurrency: int) -> int:
    """``kurt fetch --pending``: the fetch tool over the URLs stored as mapped."""
    import kurt.registry  # noqa: F401  (fills the registries a context looks names up in)
    from kurt.config.model import FetchSection, KurtConfig
    from kurt.core.context import ToolContext
    from kurt.core.execute import execute_tool
    from kurt.db import Database
    from kurt.tools.http import make_client

    config = KurtConfig(
        fetch=FetchSection(concurrency=concurrency, retries=0, engine=engine, timeout=60)
    )
    with Database(database) as db:
        async with make_client(config.fetch) as http:
            context = ToolContext(db=db, http=http, config=config)
            result = await execute_tool("fetch", {"pending": True}, context)
    if result.errors:
        sys.exit(f"kurt: {len(result.errors)} failed, first: {result.errors[0].message}")
    return len(result.data)


def child(args: argparse.Namespace) -> None:
    if args.child == "httpx":
        urls = [f"{args.base}/page/{n}" for n in range(int(args.pages))]
        import httpx  # noqa: F401  (imported before the clock starts, as Kurt's modules are)

        start = time.time()
        count = asyncio.run(plain_httpx(urls, args.concurrency))
    else:
        from kurt.tools.fetch import tool  # noqa: F401  (imports before the clock starts)
        from kurt.tools.fetch.extract import extract

        extract(article(0), "html", metadata=True)  # trafilatura's first call loads a lot
        start = time.time()
        count = asyncio.run(kurt_pending(args.database, args.engine, args.concurrency))
    end = time.time()
    print(json.dumps({"pages": count, "start": start, "end": end, "rss": peak_rss_mib()}))


def run_children(*argv: list[str]) -> list[dict[str, Any]]:
    """Run children at once (``python bench/fetch.py --child ...``); their reports."""
    processes = [
        subprocess.Popen([sys.executable, __file__, *arguments], stdout=subprocess.PIPE, text=True)
        for arguments in argv
    ]
    reports = []
    for process in processes:
        out, _ = process.communicate()
        if process.returncode != 0:
            sys.exit(f"a child failed: {argv}")
        reports.append(json.loads(out))
    return reports


def store_mapped(database: str, base: str, pages: int) -> None:
    from kurt.db import Database

    with Database(database) as db:
        db.save_mapped(
            f"{base}/sitemap.xml", [f"{base}/page/{n}" for n in range(pages)], engine="b"
        )


@contextmanager
def postgres_database(server: str) -> Iterator[str]:
    """A new database on ``server``, dropped afterwards."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(server)
    name = f"kurt_bench_{secrets.token_hex(4)}"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pages_per_second(reports: list[dict[str, Any]]) -> float:
    """Pages of every report over the wall time from the first start to the last end."""
    wall = max(r["end"] for r in reports) - min(r["start"] for r in reports)
    return sum(r["pages"] for r in reports) / wall


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pages", default="500,5000", help="page counts, comma-separated")
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--engine", default="trafilatura")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--worker-pages", type=int, default=1500)
    parser.add_argument("--postgres", default=os.environ.get("KURT_TEST_POSTGRES_URL", ""))
    parser.add_argument("--child", choices=["httpx", "kurt"], help=argparse.SUPPRESS)
    parser.add_argument("--base", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    counts = [int(n) for n in args.pages.split(",")]
    common = ["--concurrency", str(args.concurrency), "--engine", args.engine]
    print(
        f"{args.latency_ms:g} ms latency, concurrency {args.concurrency}, "
        f"engine {args.engine}, one fresh process per measurement"
    )
    rows: list[tuple[int, float, float, float]] = []
    with serve(args.latency_ms / 1000) as base, tempfile.TemporaryDirectory() as tmp:
        for count in counts:
            database = f"sqlite:///{Path(tmp) / f'kurt-{count}.sqlite'}"
            store_mapped(database, base, count)
            plain = run_children(
                ["--child", "httpx", "--base", base, "--pages", str(count), *common]
            )
            kurt = run_children(["--child", "kurt", "--database", database, *common])
            if kurt[0]["pages"] != count:
                sys.exit(f"kurt fetched {kurt[0]['pages']} of {count} pages")
            rows.append((count, pages_per_second(plain), pages_per_second(kurt), kurt[0]["rss"]))

        print("\npages   httpx pages/s   kurt pages/s   kurt/httpx   kurt peak RSS")
        for count, plain_rate, kurt_rate, rss in rows:
            print(
                f"{count:>5}   {plain_rate:>13.0f}   {kurt_rate:>12.0f}   "
                f"{kurt_rate / plain_rate:>9.2f}x   {rss:>9.1f} MiB"
            )
        print("target: kurt/httpx >= 0.80x")
        if len(rows) > 1:
            growth = rows[-1][3] / rows[0][3]
            print(f"peak RSS {rows[-1][0]} vs {rows[0][0]} pages: {growth:.2f}x (target: <= 1.30x)")

        if not args.postgres:
            print(
                "\nworkers on PostgreSQL: SKIPPED (no server: give --postgres URL or set "
                "KURT_TEST_POSTGRES_URL, e.g. postgresql+psycopg://kurt@127.0.0.1/postgres)"
            )
            return
        rates = {}
        for workers in (1, args.workers):
            with postgres_database(args.postgres) as database:
                store_mapped(database, base, args.worker_pages)
                child_args = ["--child", "kurt", "--database", database, *common]
                reports = run_children(*[child_args] * workers)
                if sum(r["pages"] for r in reports) != args.worker_pages:
                    sys.exit(f"{workers} workers fetched {[r['pages'] for r in reports]}")
                rates[workers] = pages_per_second(reports)
                split = " + ".join(str(r["pages"]) for r in reports)
                print(
                    f"\n{workers} worker(s) on PostgreSQL, {args.worker_pages} pages: "
                    f"{rates[workers]:.0f} pages/s ({split})"
                )
        print(f"{args.workers} workers vs 1: {rates[args.workers] / rates[1]:.2f}x (target: >= 2x)")


if __name__ == "__main__":
    main()
