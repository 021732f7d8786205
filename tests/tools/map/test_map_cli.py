"""`kurt map` on local sitemap and feed files, in real subprocesses."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kurt.db import Database

SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://example.com/</loc></url>
  <url><loc>https://example.com/docs/start</loc></url>
</urlset>
"""
FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>
  <item><title>One</title><link>https://example.com/news/one</link></item>
</channel></rss>
"""


def www(project: Path) -> Path:
    folder = project / "www"
    folder.mkdir()
    (folder / "sitemap.xml").write_text(SITEMAP, encoding="utf-8")
    (folder / "feed.xml").write_text(FEED, encoding="utf-8")
    return folder


@pytest.mark.slow  # kurt processes in turn
def test_a_local_sitemap_is_mapped_and_stored(run_kurt: Callable[..., Any], project: Path) -> None:
    uri = (www(project) / "sitemap.xml").as_uri()
    done = run_kurt("map", "www/sitemap.xml", "--json", cwd=project)
    assert done.exit_code == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["success"] is True
    assert result["data"] == [
        {"url": "https://example.com/", "source": uri, "engine": "sitemap", "status": "mapped"},
        {
            "url": "https://example.com/docs/start",
            "source": uri,
            "engine": "sitemap",
            "status": "mapped",
        },
    ]
    assert (result["metadata"]["engine"], result["metadata"]["stored"]) == ("sitemap", True)
    with Database(f"sqlite:///{project / '.kurt' / 'kurt.sqlite'}") as db:
        assert db.mapped(uri) == ["https://example.com/", "https://example.com/docs/start"]
    assert "Traceback" not in done.stderr


@pytest.mark.slow  # seven kurt processes
def test_named_engines_read_local_files(run_kurt: Callable[..., Any], project: Path) -> None:
    www(project)
    done = run_kurt("map", "www/sitemap.xml", "--engine", "sitemap", "--json", cwd=project)
    assert done.exit_code == 0, done.stderr
    assert [item["url"] for item in json.loads(done.stdout)["data"]] == [
        "https://example.com/",
        "https://example.com/docs/start",
    ]
    done = run_kurt("map", "www/feed.xml", "--engine", "rss", "--json", cwd=project)
    assert done.exit_code == 0, done.stderr
    assert [item["url"] for item in json.loads(done.stdout)["data"]] == [
        "https://example.com/news/one"
    ]
    done = run_kurt("map", "www/feed.xml", "--json", cwd=project)  # told by its root element
    assert json.loads(done.stdout)["metadata"]["engine"] == "rss"


def test_a_missing_local_path_is_a_clear_error(run_kurt: Callable[..., Any], project: Path) -> None:
    """A path that does not exist stays as typed (it may be a word a skill's own
    mapper understands); the built-in engines say it names nothing."""
    done = run_kurt("map", "www/nope.xml", cwd=project)
    assert done.exit_code == 1
    assert done.stderr.startswith("error: no such file or folder: www/nope.xml\n")
    done = run_kurt("map", "www/nope.xml", "--engine", "sitemap", "--json", cwd=project)
    assert done.exit_code == 1
    assert json.loads(done.stdout)["errors"] == [
        {
            "message": "no such file or folder: www/nope.xml",
            "item": "www/nope.xml",
            "type": "FetchError",
            "engine": "sitemap",
        }
    ]
    assert "Traceback" not in done.stderr


def test_a_crawl_of_a_local_file_says_it_needs_a_url(
    run_kurt: Callable[..., Any], project: Path
) -> None:
    path = www(project) / "sitemap.xml"
    done = run_kurt("map", "www/sitemap.xml", "--engine", "crawl", cwd=project)
    assert done.exit_code == 1
    assert (
        "error: the crawl engine needs an http(s) URL, not a local path: "
        f"{path} (local sitemaps and feeds: the sitemap or rss engine; "
        "folders: the folder engine)\n"
    ) in done.stderr
    assert "httpx" not in done.stderr
    assert "protocol" not in done.stderr


def test_map_fetch_fetches_every_url_found_and_stores_them(
    project: Path, invoke: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = project / "notes"
    folder.mkdir()
    (folder / "a.md").write_text("# A\n", encoding="utf-8")
    (folder / "b.md").write_text("# B\n", encoding="utf-8")
    monkeypatch.chdir(project)
    done = invoke("map", "notes", "--fetch", "--json")
    assert done.exit_code == 0, done.stderr
    result = json.loads(done.stdout)
    a, b = (folder / "a.md").as_uri(), (folder / "b.md").as_uri()
    assert [(i["url"], i["status"]) for i in result["data"]] == [(a, "fetched"), (b, "fetched")]
    assert (result["metadata"]["fetched"], result["metadata"]["failed"]) == (2, 0)
    with Database(f"sqlite:///{project / '.kurt' / 'kurt.sqlite'}") as db:
        rows = [(d.url, d.status, d.title, d.mapper) for d in db.documents()]
    assert rows == [(a, "fetched", "A", "folder"), (b, "fetched", "B", "folder")]


def test_outside_a_project_map_prints_urls_and_says_nothing_was_stored(
    tmp_path: Path, invoke: Callable[..., Any]
) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.md").write_text("# A\n", encoding="utf-8")
    done = invoke("map", str(folder), "--json")
    assert done.exit_code == 0
    assert [i["url"] for i in json.loads(done.stdout)["data"]] == [(folder / "a.md").as_uri()]
    assert done.stderr.endswith(
        "note: nothing was stored: there is no Kurt project here (run `kurt init` to make "
        "one, then fetch or map again to keep the results)\n"
    )
