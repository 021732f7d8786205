"""`kurt fetch` and `kurt map` end to end, in real subprocesses."""

from __future__ import annotations

import functools
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from kurt.db import Database
from kurt.testing import KurtProject

from .conftest import Hostile, drip, send

FAST = {"KURT_FETCH__RETRIES": "0", "KURT_FETCH__TIMEOUT": "5"}


def page(title: str) -> str:
    return f"<html><head><title>{title}</title></head><body><p>About {title}.</p></body></html>"


@pytest.mark.slow  # kurt processes against a local server
def test_fetch_stores_pages_and_reports_failures_per_url(
    run_kurt: Callable[..., Any], project: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/ok").respond_with_data(page("Okay"), content_type="text/html")
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    ok, gone = httpserver.url_for("/ok"), httpserver.url_for("/gone")

    done = run_kurt("fetch", ok, gone, "--json", cwd=project, env=FAST)

    assert done.exit_code == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["success"] is True
    assert [(i["url"], i["engine"], i["title"]) for i in result["data"]] == [
        (ok, "trafilatura", "Okay")
    ]
    assert result["errors"] == [
        {
            "message": "HTTP 404 NOT FOUND",
            "item": gone,
            "type": "FetchError",
            "status_code": 404,
            "engine": "trafilatura",
        }
    ]
    assert result["metadata"]["stored"] is True
    with Database(f"sqlite:///{project / '.kurt' / 'kurt.sqlite'}") as db:
        stored = sorted((d.url, d.status) for d in db.documents())
    assert stored == [(gone, "failed"), (ok, "fetched")]
    assert "Traceback" not in done.stderr


def test_fetch_that_fails_entirely_prints_json_and_exits_1(
    run_kurt: Callable[..., Any], project: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    done = run_kurt("fetch", httpserver.url_for("/gone"), "--json", cwd=project, env=FAST)
    assert done.exit_code == 1
    result = json.loads(done.stdout)
    assert (result["success"], result["data"]) == (False, [])
    assert result["errors"][0]["message"] == "HTTP 404 NOT FOUND"
    assert "Traceback" not in done.stderr


def test_fetch_human_output_names_each_failure(
    run_kurt: Callable[..., Any], project: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    gone = httpserver.url_for("/gone")
    done = run_kurt("fetch", gone, cwd=project, env=FAST)
    assert done.exit_code == 1
    assert f"error: {gone}: HTTP 404 NOT FOUND\n" in done.stderr
    assert "0 item(s), 1 error(s), failed in " in done.stderr


def test_a_fetch_that_fails_in_part_says_how_much_failed(
    run_kurt: Callable[..., Any], project: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/page").respond_with_data("<p>fine</p>", content_type="text/html")
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    urls = [httpserver.url_for(path) for path in ("/page", "/gone", "/gone2")]
    done = run_kurt("fetch", *urls, cwd=project, env=FAST)
    assert done.exit_code == 0  # something was fetched
    summary = done.stderr.splitlines()[-1]
    assert summary.startswith("1 item(s), 2 error(s), 2 of 3 URLs failed in "), done.stderr


@pytest.mark.slow  # kurt processes in turn
def test_an_unknown_engine_is_a_usage_error_with_a_suggestion(
    run_kurt: Callable[..., Any], project: Path
) -> None:
    done = run_kurt("fetch", "https://example.com", "--engine", "htpx", cwd=project)
    assert (done.exit_code, done.stdout) == (2, "")
    assert done.stderr == "Error: Unknown fetcher 'htpx'. Did you mean 'httpx'?\n"
    done = run_kurt("map", "docs", "--engine", "folders", "--json", cwd=project)
    assert (done.exit_code, done.stdout) == (2, "")
    assert done.stderr == "Error: Unknown mapper 'folders'. Did you mean 'folder'?\n"


@pytest.mark.slow  # kurt processes in turn
def test_map_a_folder_then_fetch_what_it_found(run_kurt: Callable[..., Any], project: Path) -> None:
    docs = project / "docs"
    (docs / "guide").mkdir(parents=True)
    (docs / "index.md").write_text("# Home\n\nWelcome.\n", encoding="utf-8")
    (docs / "guide" / "setup.html").write_text(page("Setup"), encoding="utf-8")
    (docs / "notes.txt").write_text("notes", encoding="utf-8")

    mapped = run_kurt("map", "docs", "--exclude", "*.txt", "--json", cwd=project)
    assert mapped.exit_code == 0, mapped.stderr
    urls = [item["url"] for item in json.loads(mapped.stdout)["data"]]
    # A folder's own files first, then its subfolders, each sorted by name.
    assert urls == [(docs / "index.md").as_uri(), (docs / "guide" / "setup.html").as_uri()]

    fetched = run_kurt("fetch", *urls, "--json", cwd=project)
    assert fetched.exit_code == 0, fetched.stderr
    titles = [(i["engine"], i["title"]) for i in json.loads(fetched.stdout)["data"]]
    assert titles == [("file", "Home"), ("file", "Setup")]
    with Database(f"sqlite:///{project / '.kurt' / 'kurt.sqlite'}") as db:
        assert db.mapped() == urls
        assert sorted(d.url for d in db.documents()) == sorted(urls)


@pytest.mark.slow  # kurt processes against a local server
def test_map_a_sitemap_over_http(
    run_kurt: Callable[..., Any], project: Path, httpserver: HTTPServer
) -> None:
    body = (
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>/a</loc></url><url><loc>/b</loc></url></urlset>"
    )
    httpserver.expect_request("/sitemap.xml").respond_with_data(body, content_type="text/xml")
    done = run_kurt(
        "map",
        httpserver.url_for("/sitemap.xml"),
        "--max-urls",
        "1",
        "--json",
        cwd=project,
        env=FAST,
    )
    assert done.exit_code == 0, done.stderr
    result = json.loads(done.stdout)
    assert [i["url"] for i in result["data"]] == [httpserver.url_for("/a")]
    assert result["metadata"]["engine"] == "sitemap"


def test_map_options_are_validated_by_the_cli(run_kurt: Callable[..., Any], project: Path) -> None:
    done = run_kurt("map", "docs", "--depth", "-1", cwd=project)
    assert done.exit_code == 2
    assert "Invalid value for '--depth': -1 is not in the range x>=0." in done.stderr


def test_outside_a_project_nothing_is_stored(run_kurt: Callable[..., Any], tmp_path: Path) -> None:
    work = tmp_path / "loose"
    work.mkdir()
    (work / "a.md").write_text("# A\n", encoding="utf-8")
    done = run_kurt("fetch", "a.md", "--json", cwd=work)
    assert done.exit_code == 0, done.stderr
    assert json.loads(done.stdout)["metadata"]["stored"] is False
    assert not (work / ".kurt").exists()


@pytest.mark.slow  # kurt processes in turn
def test_tool_run_gives_the_same_result_shape(run_kurt: Callable[..., Any], project: Path) -> None:
    (project / "a.md").write_text("# A\n", encoding="utf-8")
    via_tool = run_kurt("tool", "run", "fetch", "-p", "urls=a.md", "--json", cwd=project)
    via_fetch = run_kurt("fetch", "a.md", "--json", cwd=project)
    assert via_tool.exit_code == via_fetch.exit_code == 0
    tool_result, fetch_result = json.loads(via_tool.stdout), json.loads(via_fetch.stdout)
    assert tool_result["data"] == fetch_result["data"]
    assert set(tool_result["metadata"]) == set(fetch_result["metadata"])


@pytest.mark.slow  # kurt processes against a local server
def test_map_failure_names_the_url_once(
    run_kurt: Callable[..., Any], project: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/sitemap.xml").respond_with_data("no", status=404)
    url = httpserver.url_for("/sitemap.xml")
    done = run_kurt("map", url, cwd=project, env=FAST)
    assert (done.exit_code, done.stdout) == (1, "")
    assert re.fullmatch(
        rf"error: {re.escape(url)}: HTTP 404 NOT FOUND\n"
        r"0 item\(s\), 1 error\(s\), failed in \d+ ms\n",
        done.stderr,
    )


# --- the hard limits as a user meets them (SPEC section 10) ---------------------------

REPO = Path(__file__).resolve().parents[2]
CANARY = "canary-5e1f-local-secret"


@pytest.fixture
def plain_server(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """Python's own ``http.server`` serving a folder: real servers' content types
    (``application/x-rss+xml`` for ``.rss``)."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(QuietFiles, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.mark.slow  # kurt processes against a local server
def test_a_feed_on_the_web_never_makes_the_demo_skill_read_local_files(
    kurt_project: KurtProject, plain_server: tuple[Path, str], tmp_path: Path
) -> None:
    """The README's map -> fetch job, fed a feed that lists a local file."""
    secret = tmp_path / "secret.md"
    secret.write_text(f"# {CANARY}\n", encoding="utf-8")
    root, base = plain_server
    (root / "post.html").write_text(page("Post"), encoding="utf-8")
    items = "".join(
        f"<item><link>{link}</link></item>"
        for link in (f"{base}/post.html", secret.as_uri(), "file:///etc/passwd")
    )
    (root / "feed.rss").write_text(f"<rss><channel>{items}</channel></rss>", encoding="utf-8")
    kurt_project.add_skill(REPO / "skills" / "site-digest")

    done = kurt_project.kurt(
        "tool", "run", "site-digest", "-p", f"source={base}/feed.rss", "--json", env=FAST
    )

    assert done.exit_code == 0, done.stderr
    result = json.loads(done.stdout)
    assert [item["title"] for item in result["data"]] == ["Post"]
    assert result["errors"][0]["message"].startswith(
        f"dropped 2 URL(s): {secret.as_uri()}, file:///etc/passwd "
    )
    assert CANARY not in done.stdout + done.stderr
    database = kurt_project.root / ".kurt" / "kurt.sqlite"
    assert CANARY.encode() not in database.read_bytes()
    assert b"/etc/passwd" not in database.read_bytes().replace(b"file:///etc/passwd", b"")


@pytest.mark.slow  # a kurt process against a server that drips
def test_a_server_dripping_bytes_is_cut_off_at_the_deadline(
    run_kurt: Callable[..., Any], project: Path, hostile: Hostile
) -> None:
    (project / "kurt.toml").write_text(
        "[fetch]\ntimeout = 1\nretries = 1\nbackoff = 0\n", encoding="utf-8"
    )
    url = hostile.route("/drip", drip(every=0.2, most=400))  # 80 s if waited for
    started = time.monotonic()
    done = run_kurt("fetch", url, cwd=project)
    assert done.exit_code == 1
    assert f"error: {url}: timed out after 2 tries of 1 s\n" in done.stderr
    # Generous: two tries of 1 s and a start-up, on a machine that may be busy.
    assert time.monotonic() - started < 60


@pytest.mark.slow  # a kurt process against a hostile server
def test_a_gzip_bomb_and_a_redirect_to_a_file_fail_their_urls_and_the_rest_is_stored(
    run_kurt: Callable[..., Any], project: Path, hostile: Hostile, bomb_url: str
) -> None:
    (project / "kurt.toml").write_text(
        "[fetch]\nmax_bytes = 1000000\nretries = 0\n", encoding="utf-8"
    )
    secret = project.parent / "secret.txt"
    secret.write_text("canary-7f3a", encoding="utf-8")
    bomb = bomb_url
    away = hostile.route(
        "/away",
        lambda handler: send(handler, b"", status=302, headers={"Location": secret.as_uri()}),
    )
    fine = hostile.route("/fine", lambda handler: send(handler, page("Fine").encode()))

    done = run_kurt("fetch", bomb, away, fine, cwd=project)

    assert done.exit_code == 0, done.stderr  # one URL was fetched
    assert (
        f"error: {bomb}: body larger than the 1000000-byte limit ([fetch].max_bytes)\n"
        in done.stderr
    )
    assert (
        f"error: {away}: redirected to '{secret.as_uri()}'; only http(s) redirects are followed\n"
        in done.stderr
    )
    assert "2 of 3 URLs failed" in done.stderr
    assert "Traceback" not in done.stderr
    database = project / ".kurt" / "kurt.sqlite"
    with Database(f"sqlite:///{database}") as db:
        stored = {d.url: d.status for d in db.documents()}
    assert stored == {bomb: "failed", away: "failed", fine: "fetched"}
    assert b"canary-7f3a" not in database.read_bytes()


RAW_GET = {
    "SKILL.md": (
        "---\nname: raw-get\ndescription: Fetch with context.http itself.\n"
        "implements:\n  - type: fetcher\n    name: raw-get\n    class: RawGet\n---\n"
    ),
    "skill.py": (
        "import httpx\n"
        "from kurt import BaseFetcher, FetchError, FetchResult, register_fetcher\n\n"
        "@register_fetcher\n"
        "class RawGet(BaseFetcher):\n"
        "    name = 'raw-get'\n\n"
        "    async def fetch(self, url, context):\n"
        "        try:\n"
        "            response = await context.http.get(url)\n"
        "        except httpx.HTTPError as exc:\n"
        "            raise FetchError(url, str(exc)) from None\n"
        "        return FetchResult(url=url, content=response.text)\n"
    ),
}


@pytest.mark.slow  # a kurt process against a hostile server
def test_a_skill_using_context_http_itself_meets_the_same_limits(
    run_kurt: Callable[..., Any], project: Path, hostile: Hostile, bomb_url: str
) -> None:
    (project / "kurt.toml").write_text(
        "[fetch]\nmax_bytes = 1000000\ntimeout = 1\n", encoding="utf-8"
    )
    for name, text in RAW_GET.items():
        (project / "skills" / "raw-get").mkdir(parents=True, exist_ok=True)
        (project / "skills" / "raw-get" / name).write_text(text, encoding="utf-8")
    bomb = bomb_url
    slow = hostile.route("/drip", drip(every=0.2, most=400))  # 80 s if waited for
    started = time.monotonic()

    done = run_kurt("fetch", bomb, slow, "--engine", "raw-get", cwd=project)

    assert done.exit_code == 1, done.stderr
    assert (
        f"error: {bomb}: body larger than the 1000000-byte limit ([fetch].max_bytes)\n"
        in done.stderr
    )
    assert f"error: {slow}: no complete body within 1 s ([fetch].timeout)\n" in done.stderr
    assert time.monotonic() - started < 60  # generous: a start-up and a 1 s deadline


@pytest.mark.slow  # kurt processes
@pytest.mark.timeout(120)  # /dev/zero or a FIFO read the usual way never returns
def test_devices_and_fifos_named_directly_are_refused(
    run_kurt: Callable[..., Any], project: Path
) -> None:
    os.mkfifo(project / "pipe.md")
    done = run_kurt("fetch", "/dev/zero", "pipe.md", cwd=project)
    assert done.exit_code == 1
    assert "error: '/dev/zero' is a device; only regular files are read\n" in done.stderr
    assert f"'{project / 'pipe.md'}' is a named pipe (FIFO); only regular files are read" in (
        done.stderr
    )


@pytest.mark.slow  # kurt processes
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("fetch", "https://example.com:99999/a"),
            "Error: invalid URL 'https://example.com:99999/a': Port out of range 0-65535\n",
        ),
        (
            ("map", "www.example.com"),
            "Error: no such file or folder: 'www.example.com'. "
            "Did you mean 'https://www.example.com'?\n",
        ),
    ],
)
def test_sources_typed_wrongly_are_usage_errors_naming_them(
    run_kurt: Callable[..., Any], project: Path, args: tuple[str, ...], message: str
) -> None:
    done = run_kurt(*args, cwd=project)
    assert (done.exit_code, done.stdout) == (2, "")
    assert done.stderr.startswith(message)
    assert "Traceback" not in done.stderr
