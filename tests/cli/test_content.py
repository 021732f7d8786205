"""`kurt content list|show`: what the project's database holds, read back."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kurt.core.engines import FetchResult
from kurt.db import Database, Failure

SOURCE = "https://site.test/sitemap.xml"
A, B, C = "https://site.test/a", "https://site.test/b", "https://other.test/c"


@pytest.fixture
def stored(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project whose database holds one URL of each status."""
    monkeypatch.chdir(project)
    (project / ".kurt").mkdir()
    with Database(f"sqlite:///{project / '.kurt' / 'kurt.sqlite'}") as db:
        db.save_mapped(SOURCE, [A, B], engine="sitemap")
        db.save_document(
            FetchResult(url=A, title="Alpha \x1b]0;pwned\x07", content="line one\nline two"),
            engine="httpx",
        )
        db.save_fetches(failed=[Failure(C, "httpx", "HTTP 404 NOT FOUND", 404)])
    return project


def test_list_filters_by_status_and_source(stored: Path, invoke: Callable[..., Any]) -> None:
    every = json.loads(invoke("content", "list", "--json").stdout)
    assert [(r["url"], r["status"]) for r in every] == [
        (A, "fetched"),
        (B, "mapped"),
        (C, "failed"),
    ]
    assert "content" not in every[0]
    failed = json.loads(invoke("content", "list", "--status", "failed", "--json").stdout)
    assert [(r["url"], r["status_code"], r["error"]) for r in failed] == [
        (C, 404, "HTTP 404 NOT FOUND")
    ]
    by_source = json.loads(invoke("content", "list", "--source", SOURCE, "--json").stdout)
    assert [(r["url"], r["mapper"]) for r in by_source] == [(A, "sitemap"), (B, "sitemap")]


def test_list_and_show_never_pass_on_control_characters(
    stored: Path, invoke: Callable[..., Any]
) -> None:
    listed = invoke("content", "list")
    assert listed.exit_code == 0
    assert "\x1b" not in listed.stdout
    assert "\x07" not in listed.stdout
    assert "pwned" in listed.stdout
    assert listed.stderr == "3 URL(s)\n"
    shown = invoke("content", "show", A)
    assert "\x1b" not in shown.stdout
    assert "\x07" not in shown.stdout
    assert shown.stdout.startswith(f"url: {A}\nstatus: fetched\ntitle: Alpha ")
    assert "pwned" in shown.stdout
    assert shown.stdout.endswith("\n\nline one\nline two\n")


def test_show_json_and_raw_give_the_stored_content(
    stored: Path, invoke: Callable[..., Any]
) -> None:
    row = json.loads(invoke("content", "show", A, "--json").stdout)
    assert (row["url"], row["status"], row["content"]) == (A, "fetched", "line one\nline two")
    assert invoke("content", "show", A, "--raw").stdout == "line one\nline two"


def test_raw_to_a_pipe_is_exactly_as_stored_control_characters_included(
    stored: Path, invoke: Callable[..., Any]
) -> None:
    colored = "\x1b[31mred\x1b[0m\tand a bell\x07\n"
    with Database(f"sqlite:///{stored / '.kurt' / 'kurt.sqlite'}") as db:
        db.save_document(FetchResult(url=B, content=colored), engine="httpx")
    assert invoke("content", "show", B, "--raw").stdout == colored
    shown = invoke("content", "show", B).stdout  # not raw: made harmless, as everywhere
    assert "\x1b" not in shown
    assert "\\x1b[31mred" in shown


def test_a_url_not_stored_is_an_error_that_says_how_to_look(
    stored: Path, invoke: Callable[..., Any]
) -> None:
    missing = invoke("content", "show", "https://site.test/nope")
    assert (missing.exit_code, missing.stdout) == (1, "")
    assert missing.stderr == (
        "Error: nothing is stored for https://site.test/nope\n"
        "  hint: see what is: kurt content list; store it: kurt fetch URL\n"
    )
    bad = invoke("content", "list", "--status", "done")
    assert bad.exit_code == 2
    assert "'done' is not one of 'mapped', 'fetched', 'failed'" in bad.stderr


def test_outside_a_project_there_is_nothing_to_list(invoke: Callable[..., Any]) -> None:
    outside = invoke("content", "list")
    assert (outside.exit_code, outside.stdout) == (1, "")
    assert outside.stderr == (
        "Error: there is no Kurt project here, so nothing is stored\n"
        "  hint: run `kurt init` to make one, then `kurt map` or `kurt fetch`\n"
    )


def test_a_piped_listing_at_80_columns_keeps_every_url_whole(
    project: Path, monkeypatch: pytest.MonkeyPatch, invoke: Callable[..., Any]
) -> None:
    # URLs are what a user copies from the listing: shortened to `https:…a`,
    # or broken over lines, they are useless.
    monkeypatch.chdir(project)
    monkeypatch.setenv("COLUMNS", "80")
    (project / ".kurt").mkdir()
    long_urls = [
        f"https://docs.example.test/guides/very/deep/section-{n}/page.html" for n in range(3)
    ]
    with Database(f"sqlite:///{project / '.kurt' / 'kurt.sqlite'}") as db:
        db.save_mapped("https://docs.example.test/sitemap.xml", long_urls, engine="sitemap")
    outcome = invoke("content", "list")
    assert outcome.exit_code == 0
    lines = outcome.stdout.splitlines()
    for url in long_urls:
        assert any(line.strip() == url for line in lines), outcome.stdout
    assert all(len(line) <= 80 or line.strip() in long_urls for line in lines)
    # What every row shares is said once, and empty columns are left out.
    assert lines[0].split() == ["url"]
    assert lines[-1] == "status: mapped  source: https://docs.example.test/sitemap.xml"


def test_an_empty_listing_says_so_and_how_to_store_something(
    stored: Path, invoke: Callable[..., Any]
) -> None:
    none_mapped = invoke("content", "list", "--status", "mapped", "--source", "https://x.test/")
    assert (none_mapped.exit_code, none_mapped.stdout) == (0, "")
    assert none_mapped.stderr == (
        "no stored URL with status mapped found by `kurt map https://x.test/`; "
        "store URLs to fetch with: kurt map SOURCE\n"
    )
    assert (
        json.loads(invoke("content", "list", "--source", "https://x.test/", "--json").stdout) == []
    )
