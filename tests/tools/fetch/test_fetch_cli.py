"""`kurt fetch` end to end: what a failed fetch leaves in the project database."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from kurt.db import Database

FAST = {"KURT_FETCH__RETRIES": "0", "KURT_FETCH__TIMEOUT": "5"}


def stored(project: Path, url: str) -> tuple[str, int | None, str | None, str | None]:
    with Database(f"sqlite:///{project / '.kurt' / 'kurt.sqlite'}") as db:
        row = db.document(url)
    assert row is not None
    return row.status, row.status_code, row.error, row.content


@pytest.mark.slow  # kurt processes against a local server
def test_a_404_is_stored_with_its_status_code(
    run_kurt: Callable[..., Any], project: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/nope.html").respond_with_data("no", status=404)
    url = httpserver.url_for("/nope.html")
    done = run_kurt("fetch", url, "--json", cwd=project, env=FAST)
    assert done.exit_code == 1
    assert json.loads(done.stdout)["errors"][0]["status_code"] == 404
    assert stored(project, url) == ("failed", 404, "HTTP 404 NOT FOUND", None)
    assert "Traceback" not in done.stderr


@pytest.mark.slow  # kurt processes against a local server
def test_a_page_that_is_now_gone_keeps_its_content_and_reads_404(
    run_kurt: Callable[..., Any], project: Path, httpserver: HTTPServer
) -> None:
    body = "<html><head><title>Here</title></head><body><p>Still here.</p></body></html>"
    httpserver.expect_oneshot_request("/page.html").respond_with_data(
        body, content_type="text/html"
    )
    httpserver.expect_request("/page.html").respond_with_data("gone", status=404)
    url = httpserver.url_for("/page.html")
    assert run_kurt("fetch", url, cwd=project, env=FAST).exit_code == 0
    status, code, error, content = stored(project, url)
    assert (status, code, error) == ("fetched", 200, None)
    assert content is not None
    assert "Still here." in content

    done = run_kurt("fetch", url, cwd=project, env=FAST)
    assert done.exit_code == 1
    assert f"error: {url}: HTTP 404 NOT FOUND\n" in done.stderr
    assert stored(project, url) == ("failed", 404, "HTTP 404 NOT FOUND", content)


def test_a_missing_local_file_is_stored_under_its_uri_and_named_once(
    run_kurt: Callable[..., Any], project: Path
) -> None:
    done = run_kurt("fetch", "nosuch.html", cwd=project)
    assert done.exit_code == 1
    missing = project / "nosuch.html"
    assert done.stderr.startswith(f"error: no such file: {missing}\n")
    status, _, error, _ = stored(project, missing.as_uri())
    assert (status, error) == ("failed", f"no such file: {missing}")


NOTHING_STORED = (
    "note: nothing was stored: there is no Kurt project here (run `kurt init` to make one, "
    "then fetch or map again to keep the results)\n"
)


def notes(tmp_path: Path) -> list[Path]:
    files = [tmp_path / "one.md", tmp_path / "two.md"]
    for file in files:
        file.write_text(f"# {file.stem.title()}\n\ntext\n", encoding="utf-8")
    return files


def test_dash_reads_urls_from_stdin_one_a_line(
    project: Path,
    tmp_path: Path,
    invoke: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    one, two = notes(tmp_path)
    monkeypatch.chdir(project)
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{one}\n\n  # a comment\n{two}\n{one}\n"))
    done = invoke("fetch", "-", "--json")
    assert done.exit_code == 0, done.stderr
    items = json.loads(done.stdout)["data"]
    assert [(i["url"], i["title"]) for i in items] == [(one.as_uri(), "One"), (two.as_uri(), "Two")]
    assert stored(project, one.as_uri())[0] == "fetched"
    monkeypatch.setattr("sys.stdin", io.StringIO("\n# nothing\n"))
    empty = invoke("fetch", "-")
    assert (empty.exit_code, empty.stdout) == (2, "")
    assert empty.stderr.startswith("Error: nothing to fetch: no URL on standard input\n")


def test_outside_a_project_fetch_prints_results_and_says_nothing_was_stored(
    tmp_path: Path, invoke: Callable[..., Any]
) -> None:
    one, _ = notes(tmp_path)
    done = invoke("fetch", str(one), "--json")
    assert done.exit_code == 0
    result = json.loads(done.stdout)
    assert (result["data"][0]["title"], result["metadata"]["stored"]) == ("One", False)
    assert done.stderr == NOTHING_STORED
    pending = invoke("fetch", "--pending")
    assert pending.exit_code == 1
    assert "there is no project here" in pending.stderr
    assert "hint: run `kurt init` to make one" in pending.stderr
    usage = invoke("fetch", "--limit", "3")
    assert (usage.exit_code, usage.stderr) == (
        2,
        "Error: --limit counts stored URLs: it needs --pending\n",
    )


def test_pending_with_nothing_waiting_says_so_and_how_to_store_more(
    project: Path, tmp_path: Path, invoke: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    done = invoke("fetch", "--pending")
    assert (done.exit_code, done.stdout) == (0, "")
    assert done.stderr.endswith(
        "note: no stored URL was waiting to be fetched (see them: kurt content list); "
        "store more with: kurt map SOURCE\n"
    )
    one, _ = notes(tmp_path)
    named = invoke("fetch", str(one), "--pending")  # something was asked for by name
    assert named.exit_code == 0
    assert "note:" not in named.stderr
