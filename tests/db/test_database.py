"""The embedded database: upserts, failures that keep content, where it lives."""

from __future__ import annotations

from pathlib import Path

from kurt.config.locations import Locations
from kurt.config.model import DatabaseSection, KurtConfig
from kurt.core.engines import FetchResult
from kurt.db import Database, open_database

URL = "https://site.test/page"


def fetched(content: str, title: str = "T") -> FetchResult:
    return FetchResult(url=URL, content=content, title=title, status_code=200)


def test_fetching_again_updates_the_row_in_place(database_url: str) -> None:
    with Database(database_url) as db:
        first = db.save_document(fetched("one", "First"), engine="httpx")
        second = db.save_document(fetched("two", "Second"), engine="trafilatura")
        rows = db.documents()
    assert len(rows) == 1
    row = rows[0]
    assert (row.url, row.status, row.title, row.content, row.engine) == (
        URL,
        "fetched",
        "Second",
        "two",
        "trafilatura",
    )
    assert first != second == row.content_hash
    assert row.fetched_at is not None


def test_a_failed_fetch_keeps_earlier_content(database_url: str) -> None:
    with Database(database_url) as db:
        db.save_document(fetched("kept"), engine="httpx")
        before = db.document(URL)
        db.save_failure(URL, engine="httpx", error="HTTP 503 SERVICE UNAVAILABLE")
        after = db.document(URL)
    assert before is not None
    assert after is not None
    assert (after.status, after.error) == ("failed", "HTTP 503 SERVICE UNAVAILABLE")
    assert after.status_code is None  # no code given: the earlier 200 is not left standing
    assert (after.content, after.title, after.content_hash, after.fetched_at) == (
        before.content,
        before.title,
        before.content_hash,
        before.fetched_at,
    )
    assert after.attempted_at >= before.attempted_at


def test_a_failure_records_its_status_code_beside_the_kept_content(database_url: str) -> None:
    with Database(database_url) as db:
        db.save_document(fetched("kept"), engine="httpx")
        db.save_failure(URL, engine="httpx", error="HTTP 404 NOT FOUND", status_code=404)
        gone = db.document(URL)
        db.save_failure(URL, engine="httpx", error="timed out after 30 s")
        silent = db.document(URL)
        db.save_failure("https://site.test/new", engine="httpx", error="x", status_code=410)
        new = db.document("https://site.test/new")
    assert gone is not None
    assert silent is not None
    assert new is not None
    assert (gone.status, gone.status_code, gone.error, gone.content) == (
        "failed",
        404,
        "HTTP 404 NOT FOUND",
        "kept",
    )
    # No response this time: no code, rather than the last attempt's 404.
    assert (silent.status, silent.status_code, silent.content) == ("failed", None, "kept")
    assert (new.status, new.status_code, new.content) == ("failed", 410, None)


def test_a_failure_first_then_success_clears_the_error(database_url: str) -> None:
    with Database(database_url) as db:
        db.save_failure(URL, engine="httpx", error="timed out")
        failed = db.document(URL)
        db.save_document(fetched("now"), engine="httpx")
        ok = db.document(URL)
    assert failed is not None
    assert ok is not None
    assert (failed.status, failed.content, failed.fetched_at) == ("failed", None, None)
    assert (ok.status, ok.error, ok.content) == ("fetched", None, "now")


def test_rows_survive_reopening_and_long_urls_fit(database_url: str) -> None:
    long_url = "https://site.test/" + "x" * 5000
    with Database(database_url) as db:
        db.save_document(FetchResult(url=long_url, content="c"), engine="file")
        db.save_mapped("https://site.test/", [long_url, URL], engine="crawl")
    with Database(database_url) as db:
        assert [(d.url, d.status) for d in db.documents()] == [
            (long_url, "fetched"),
            (URL, "mapped"),
        ]
        assert db.mapped("https://site.test/") == [long_url, URL]
        assert db.mapped("https://other.test/") == []


def test_the_project_database_lives_in_dot_kurt(tmp_path: Path) -> None:
    locations = Locations(project_root=tmp_path, home=tmp_path / "home")
    db = open_database(locations, KurtConfig())
    assert (db.url, db.persistent) == (f"sqlite:///{tmp_path}/.kurt/kurt.sqlite", True)
    with db:
        db.save_document(fetched("x"), engine="file")
    assert (tmp_path / ".kurt" / "kurt.sqlite").is_file()


def test_a_configured_url_wins_and_no_project_means_memory(tmp_path: Path) -> None:
    other = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    config = KurtConfig(database=DatabaseSection(url=other))
    inside = Locations(project_root=tmp_path, home=tmp_path / "home")
    assert open_database(inside, config).url == other
    outside = open_database(Locations(project_root=None, home=tmp_path / "home"), KurtConfig())
    assert (outside.url, outside.persistent) == ("sqlite://", False)
    with outside:
        outside.save_document(fetched("in memory"), engine="file")
        assert outside.document(URL) is not None  # one shared in-memory connection


def test_a_relative_sqlite_url_is_relative_to_the_project(tmp_path: Path) -> None:
    """configuration.md's `url = "sqlite:///.kurt/kurt.sqlite"` works from any subfolder."""
    root = tmp_path / "proj"
    locations = Locations(project_root=root, home=tmp_path / "home")
    relative = KurtConfig(database=DatabaseSection(url="sqlite:///data/docs.sqlite?timeout=5"))
    db = open_database(locations, relative)
    assert db.url == f"sqlite:///{(root / 'data' / 'docs.sqlite').as_posix()}?timeout=5"
    db.save_mapped("https://example.com/", ["https://example.com/a"], engine="t")
    db.close()
    assert (root / "data" / "docs.sqlite").is_file()
    for kept in ("sqlite:////abs/path.sqlite", "sqlite://", "postgresql://u@h/db"):
        config = KurtConfig(database=DatabaseSection(url=kept))
        assert open_database(locations, config).url == kept
