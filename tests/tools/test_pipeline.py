"""The pipeline end to end: map stores URLs, fetch --pending fetches each once,
workers share a database, nothing secret is stored; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from kurt.db import Database

FAST = {"KURT_FETCH__RETRIES": "0", "KURT_FETCH__TIMEOUT": "10"}


def page(title: str) -> str:
    return f"<html><head><title>{title}</title></head><body><p>About {title}.</p></body></html>"


def sitemap(urls: list[str]) -> str:
    entries = "".join(f"<url><loc>{url}</loc></url>" for url in urls)
    return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'


def serve_pages(httpserver: HTTPServer, count: int, *, delay: float = 0.0) -> list[str]:
    """``count`` HTML pages at /p0, /p1...; each answer waits ``delay`` seconds."""

    def answer(request: Request) -> Response:
        time.sleep(delay)
        return Response(page(request.path), content_type="text/html")

    paths = [f"/p{n}" for n in range(count)]
    for path in paths:
        httpserver.expect_request(path).respond_with_handler(answer)
    return [httpserver.url_for(path) for path in paths]


def requests_for(httpserver: HTTPServer, path: str) -> int:
    return sum(1 for request, _ in httpserver.log if request.path == path)


def start_kurt(*args: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "kurt", *args],
        cwd=cwd,
        env={**os.environ, **FAST},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def project_on(make_project: Callable[..., Path], database_url: str) -> Path:
    return make_project(toml=f'[database]\nurl = "{database_url}"\n')


@pytest.mark.slow  # kurt processes against a local server
def test_map_stores_every_url_and_fetch_pending_fetches_each_once(
    run_kurt: Callable[..., Any],
    invoke: Callable[..., Any],
    make_project: Callable[..., Path],
    httpserver: HTTPServer,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pages = serve_pages(httpserver, 4)
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    urls = [*pages, httpserver.url_for("/gone")]
    httpserver.expect_request("/sitemap.xml").respond_with_data(
        sitemap(urls), content_type="application/xml"
    )
    source = httpserver.url_for("/sitemap.xml")
    project = project_on(make_project, database_url)

    monkeypatch.chdir(project)
    for name, value in FAST.items():
        monkeypatch.setenv(name, value)
    mapped = invoke("map", source, "--json")
    assert mapped.exit_code == 0, mapped.stderr
    assert [(i["url"], i["status"]) for i in json.loads(mapped.stdout)["data"]] == [
        (url, "mapped") for url in urls
    ]
    listed = invoke("content", "list", "--status", "mapped", "--json")
    assert [(r["url"], r["source"], r["mapper"]) for r in json.loads(listed.stdout)] == [
        (url, source, "sitemap") for url in urls
    ]

    first = run_kurt("fetch", "--pending", "--limit", "2", "--json", cwd=project, env=FAST)
    rest = invoke("fetch", "--pending", "--json")

    assert (first.exit_code, rest.exit_code) == (0, 0), first.stderr + rest.stderr
    got_first, got_rest = json.loads(first.stdout), json.loads(rest.stdout)
    assert [i["url"] for i in got_first["data"]] == urls[:2]  # oldest first
    assert [i["url"] for i in got_rest["data"]] == urls[2:4]
    assert [e["item"] for e in got_rest["errors"]] == [urls[4]]
    assert all(i["content"] == "" for i in got_rest["data"])  # stored, not carried
    for path in ["/p0", "/p1", "/p2", "/p3", "/gone"]:
        assert requests_for(httpserver, path) == 1, path

    nothing_left = invoke("fetch", "--pending", "--json")
    assert (nothing_left.exit_code, json.loads(nothing_left.stdout)["data"]) == (0, [])
    statuses = json.loads(invoke("content", "list", "--json").stdout)
    assert [r["status"] for r in statuses] == ["fetched"] * 4 + ["failed"]
    shown = invoke("content", "show", urls[0])
    assert shown.exit_code == 0
    assert "status: fetched\n" in shown.stdout
    assert "mapper: sitemap\n" in shown.stdout
    assert shown.stdout.endswith("\n\nAbout /p0.\n")
    assert invoke("content", "show", urls[0], "--raw").stdout == "About /p0."
    refetch = invoke("fetch", urls[0], "--json")  # again: the same row, updated
    assert refetch.exit_code == 0
    with Database(database_url) as db:
        assert db.count() == 5


@pytest.mark.slow  # several kurt processes at once
def test_workers_sharing_a_database_fetch_every_url_exactly_once(
    make_project: Callable[..., Path], httpserver: HTTPServer, database_url: str
) -> None:
    urls = serve_pages(httpserver, 24, delay=0.05)
    project = project_on(make_project, database_url)
    with Database(database_url) as db:
        db.save_mapped("https://site.test/sitemap.xml", urls, engine="sitemap")
        db.claim("a-worker-that-died", 3, lease=0.001)  # its lease has run out already

    workers = [start_kurt("fetch", "--pending", "--json", cwd=project) for _ in range(3)]
    outcomes = [worker.communicate(timeout=120) for worker in workers]

    assert [worker.returncode for worker in workers] == [0, 0, 0], [e for _, e in outcomes]
    fetched = [item["url"] for out, _ in outcomes for item in json.loads(out)["data"]]
    assert sorted(fetched) == sorted(urls)  # the dead worker's three included, none twice
    assert all(requests_for(httpserver, f"/p{n}") == 1 for n in range(24))
    with Database(database_url) as db:
        assert db.count("fetched") == 24


@pytest.mark.slow  # several kurt processes at once
def test_first_fetches_started_together_on_a_new_project_all_succeed(
    make_project: Callable[..., Path], database_url: str
) -> None:
    """Each creates the schema, if nobody did yet: none fails for having lost the race."""
    project = project_on(make_project, database_url)
    files = []
    for n in range(3):
        files.append(project / f"note{n}.md")
        files[-1].write_text(f"# Note {n}\n", encoding="utf-8")

    workers = [start_kurt("fetch", str(file), cwd=project) for file in files]
    outcomes = [worker.communicate(timeout=120) for worker in workers]

    assert [worker.returncode for worker in workers] == [0] * 3, [e for _, e in outcomes]
    with Database(database_url) as db:
        assert sorted(d.title for d in db.documents()) == [f"Note {n}" for n in range(3)]


LEAKY_SKILL = """\
---
name: leaky
description: A careless fetcher that handles a token, headers and cookies.
implements:
  - type: fetcher
    class: Leaky
    name: leaky
settings:
  token:
    type: str
    secret: true
    env: LEAKY_TOKEN
---
"""

LEAKY_CODE = """\
from kurt import BaseFetcher, FetchError, FetchResult, register_fetcher


@register_fetcher
class Leaky(BaseFetcher):
    name = "leaky"

    async def fetch(self, url, context):
        token = context.settings.token.get_secret_value()
        headers = {"Authorization": f"Bearer {token}", "Cookie": f"session={token}"}
        response = await context.http.get(url, headers=headers)
        if response.status_code != 200:
            raise FetchError(url, f"refused with {headers}")
        return FetchResult(
            url=url,
            title=f"for {token}",
            content=response.text,
            metadata={"request": headers, "response": dict(response.headers)},
        )
"""


@pytest.mark.slow  # a kurt process against a local server
def test_no_secret_reaches_the_database(
    run_kurt: Callable[..., Any], make_project: Callable[..., Path], httpserver: HTTPServer
) -> None:
    """The database file's bytes hold neither the secret setting (sent in a
    header and a cookie, echoed by the server, quoted in an error) nor the
    cookie the server set."""
    token = "CANARY-token-5f1d2c9e"
    cookie = "CANARY-cookie-77aa10"

    def echo(request: Request) -> Response:
        body = f"seen: {request.headers.get('Authorization')} {request.headers.get('Cookie')}"
        response = Response(body, content_type="text/plain")
        response.set_cookie("server", cookie)
        return response

    httpserver.expect_request("/echo").respond_with_handler(echo)
    httpserver.expect_request("/refused").respond_with_data("no", status=403)
    project = make_project()
    skill = project / "skills" / "leaky"
    skill.mkdir()
    (skill / "SKILL.md").write_text(LEAKY_SKILL, encoding="utf-8")
    (skill / "skill.py").write_text(textwrap.dedent(LEAKY_CODE), encoding="utf-8")
    urls = [httpserver.url_for("/echo"), httpserver.url_for("/refused")]

    done = run_kurt(
        "fetch", *urls, "--engine", "leaky", cwd=project, env={**FAST, "LEAKY_TOKEN": token}
    )

    assert done.exit_code == 0, done.stderr
    stored = b"".join(path.read_bytes() for path in (project / ".kurt").iterdir())
    assert b"seen: Bearer ***" in stored  # the page was stored, masked
    assert token.encode() not in stored
    assert cookie.encode() not in stored
    assert token not in done.stdout + done.stderr
