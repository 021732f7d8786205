"""The fetch tool: many URLs at once, engine choice, storage, progress."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from kurt.core.execute import execute_tool
from kurt.core.progress import ProgressEvent
from kurt.core.result import ToolResult
from kurt.db import Database
from kurt.errors import ToolInputError, UnknownNameError


@pytest.fixture
def db() -> Iterator[Database]:
    with Database.in_memory() as database:
        yield database


def run_fetch(arun: Callable[..., Any], params: dict[str, Any], **kwargs: Any) -> ToolResult:
    events: list[ProgressEvent] = kwargs.pop("events", [])
    result: ToolResult = arun(
        lambda context: execute_tool("fetch", params, context, events.append), **kwargs
    )
    return result


def page(text: str) -> str:
    return f"<html><head><title>{text}</title></head><body><p>{text} body.</p></body></html>"


def test_many_urls_with_some_failing_keeps_the_good_ones(
    httpserver: HTTPServer, arun: Callable[..., Any], db: Database
) -> None:
    good = [httpserver.url_for(f"/ok/{n}") for n in range(12)]
    for n in range(12):
        httpserver.expect_request(f"/ok/{n}").respond_with_data(
            page(f"P{n}"), content_type="text/html"
        )
    httpserver.expect_request("/missing").respond_with_data("no", status=404)
    bad = [httpserver.url_for("/missing"), "http://127.0.0.1:9/closed"]
    events: list[ProgressEvent] = []
    urls = [*good[:6], bad[0], *good[6:], bad[1]]

    result = run_fetch(arun, {"urls": urls, "engine": "httpx"}, db=db, events=events)

    assert result.success is True
    assert [item["url"] for item in result.data] == good  # input order, failures left out
    assert [item["title"] for item in result.data] == [f"P{n}" for n in range(12)]
    assert [(e.item, e.type, e.status_code) for e in result.errors] == [  # type: ignore[attr-defined]
        (bad[0], "FetchError", 404),
        (bad[1], "FetchError", None),
    ]
    assert result.errors[0].message == "HTTP 404 NOT FOUND"
    assert (result.metadata["fetched"], result.metadata["failed"]) == (12, 2)
    assert result.metadata["stored"] is False  # in-memory database
    assert sorted(d.url for d in db.documents() if d.status == "fetched") == sorted(good)
    assert db.document(bad[0]).error == "HTTP 404 NOT FOUND"  # type: ignore[union-attr]
    final = [e for e in events if e.current == len(urls)]
    assert len(final) == 1
    assert sorted(e.item for e in events if e.item) == sorted(urls)
    assert {e.item for e in events if e.failed} == set(bad)


def test_every_url_failing_fails_the_run(httpserver: HTTPServer, arun: Callable[..., Any]) -> None:
    httpserver.expect_request("/missing").respond_with_data("no", status=404)
    result = run_fetch(arun, {"urls": [httpserver.url_for("/missing")]})
    assert result.success is False
    assert result.errors[0].item == httpserver.url_for("/missing")


def test_a_timeout_is_a_per_url_error(httpserver: HTTPServer, arun: Callable[..., Any]) -> None:
    def slow(request: Request) -> Response:
        time.sleep(1.2)
        return Response("late", content_type="text/plain")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    httpserver.expect_request("/fast").respond_with_data("quick", content_type="text/plain")
    urls = [httpserver.url_for("/slow"), httpserver.url_for("/fast")]
    result = run_fetch(arun, {"urls": urls}, fetch={"timeout": 0.4})
    assert result.success is True
    assert [item["content"] for item in result.data] == ["quick"]
    assert [(e.item, e.message) for e in result.errors] == [(urls[0], "timed out after 0.4 s")]


def test_a_failure_stores_its_status_code_and_keeps_earlier_content(
    httpserver: HTTPServer, arun: Callable[..., Any], db: Database
) -> None:
    url = httpserver.url_for("/page")
    httpserver.expect_oneshot_request("/page").respond_with_data(
        page("Once"), content_type="text/html"
    )
    httpserver.expect_request("/page").respond_with_data("gone", status=404)
    first = run_fetch(arun, {"urls": [url], "engine": "httpx"}, db=db)
    before = db.document(url)
    again = run_fetch(arun, {"urls": [url], "engine": "httpx"}, db=db)
    after = db.document(url)
    assert (first.success, again.success) == (True, False)
    assert before is not None
    assert after is not None
    assert (before.status, before.status_code) == ("fetched", 200)
    assert (after.status, after.status_code, after.error) == ("failed", 404, "HTTP 404 NOT FOUND")
    assert (after.content, after.title, after.fetched_at) == (
        before.content,
        before.title,
        before.fetched_at,
    )


def test_a_failure_without_a_response_stores_no_status_code(
    arun: Callable[..., Any], db: Database
) -> None:
    url = "http://127.0.0.1:9/closed"  # nothing listens on the discard port
    result = run_fetch(arun, {"urls": [url], "engine": "httpx"}, db=db)
    stored = db.document(url)
    assert result.errors[0].status_code is None  # type: ignore[attr-defined]
    assert stored is not None
    assert (stored.status, stored.status_code) == ("failed", None)
    assert stored.error is not None
    assert stored.error.startswith("could not connect: ")


def test_fetches_run_at_most_concurrency_at_once(
    httpserver: HTTPServer, arun: Callable[..., Any]
) -> None:
    lock = threading.Lock()
    active = [0]
    peak = [0]

    def counted(request: Request) -> Response:
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.15)
        with lock:
            active[0] -= 1
        return Response("x", content_type="text/plain")

    httpserver.expect_request("/c").respond_with_handler(counted)
    urls = [httpserver.url_for("/c") + f"?n={n}" for n in range(9)]
    result = run_fetch(arun, {"urls": urls}, fetch={"concurrency": 3})
    assert len(result.data) == 9
    assert 1 < peak[0] <= 3


def test_local_paths_use_the_file_engine_and_are_stored_by_uri(
    tmp_path: Path, arun: Callable[..., Any], db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.md").write_text("# A\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    uri = (tmp_path / "a.md").resolve().as_uri()
    result = run_fetch(arun, {"urls": ["a.md", uri]}, db=db)  # the same file twice
    assert [(item["url"], item["engine"], item["title"]) for item in result.data] == [
        (uri, "file", "A")
    ]
    assert result.metadata["engines"] == ["file"]
    stored = db.document(uri)
    assert stored is not None
    assert (stored.content, stored.engine, stored.content_hash) == (
        "# A\n",
        "file",
        result.data[0]["content_hash"],
    )


def test_the_configured_engine_is_the_default_for_urls(
    httpserver: HTTPServer, arun: Callable[..., Any]
) -> None:
    httpserver.expect_request("/p").respond_with_data(page("Cfg"), content_type="text/html")
    result = run_fetch(arun, {"urls": [httpserver.url_for("/p")]}, fetch={"engine": "httpx"})
    assert result.data[0]["engine"] == "httpx"
    result = run_fetch(arun, {"urls": [httpserver.url_for("/p")]})
    assert result.data[0]["engine"] == "trafilatura"


def test_an_unknown_engine_is_a_usage_error_with_a_suggestion(arun: Callable[..., Any]) -> None:
    with pytest.raises(UnknownNameError) as caught:
        run_fetch(arun, {"urls": ["http://127.0.0.1:9/"], "engine": "htpx"})
    assert str(caught.value) == "Unknown fetcher 'htpx'. Did you mean 'httpx'?"
    assert caught.value.exit_code == 2


def test_one_url_may_be_given_as_a_string_but_none_is_refused(arun: Callable[..., Any]) -> None:
    result = run_fetch(arun, {"urls": "http://127.0.0.1:9/"})
    assert result.errors[0].item == "http://127.0.0.1:9/"
    with pytest.raises(
        ToolInputError, match="field 'urls': give at least one URL, or set 'pending'"
    ):
        run_fetch(arun, {"urls": []})
    with pytest.raises(
        ToolInputError, match="field 'limit': 'limit' counts stored URLs: it needs 'pending'"
    ):
        run_fetch(arun, {"urls": ["http://127.0.0.1:9/"], "limit": 3})
