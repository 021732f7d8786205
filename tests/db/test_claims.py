"""Workers sharing the URLs not fetched yet: disjoint claims, leases that run
out, claims given back; on SQLite and PostgreSQL alike."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from kurt.core.engines import FetchResult
from kurt.db import Database, Failure

SOURCE = "https://site.test/sitemap.xml"
URLS = [f"https://site.test/{n}" for n in range(40)]
NOW = datetime(2030, 1, 1, tzinfo=UTC)


def test_workers_claim_disjoint_batches_oldest_first(database_url: str) -> None:
    with Database(database_url) as db:
        db.save_mapped(SOURCE, URLS, engine="sitemap")
        first = db.claim("a", 15, lease=300, now=NOW)
        second = db.claim("b", 15, lease=300, now=NOW)
        third = db.claim("c", 15, lease=300, now=NOW)
        assert (first, second, third) == (URLS[:15], URLS[15:30], URLS[30:])
        assert db.claim("d", 15, lease=300, now=NOW) == []


def test_fetched_and_failed_urls_are_not_pending(database_url: str) -> None:
    with Database(database_url) as db:
        db.save_mapped(SOURCE, URLS[:3], engine="sitemap")
        db.save_document(FetchResult(url=URLS[0], content="x"), engine="httpx")
        db.save_fetches(failed=[Failure(URLS[1], "httpx", "HTTP 404", 404)])
        assert db.claim("a", 10, lease=300, now=NOW) == [URLS[2]]
        assert db.count("mapped") == 1
        row = db.document(URLS[1])
        assert row is not None
        assert (row.status, row.source, row.mapper) == ("failed", SOURCE, "sitemap")


def test_a_dead_workers_urls_are_claimed_again_after_the_lease(database_url: str) -> None:
    with Database(database_url) as db:
        db.save_mapped(SOURCE, URLS[:5], engine="sitemap")
        assert db.claim("dead", 5, lease=300, now=NOW) == URLS[:5]
        # The worker dies holding them: nobody gets them while its lease runs...
        assert db.claim("live", 5, lease=300, now=NOW + timedelta(seconds=299)) == []
        # ...and the next worker to ask after it gets them all.
        assert db.claim("live", 5, lease=300, now=NOW + timedelta(seconds=301)) == URLS[:5]


def test_a_worker_gives_back_what_it_did_not_fetch(database_url: str) -> None:
    with Database(database_url) as db:
        db.save_mapped(SOURCE, URLS[:4], engine="sitemap")
        claimed = db.claim("a", 4, lease=300, now=NOW)
        db.save_document(FetchResult(url=claimed[0], content="x"), engine="httpx")
        assert db.release("a") == 3  # the fetched one is no longer claimed nor pending
        assert db.claim("b", 10, lease=300, now=NOW) == URLS[1:4]


def test_claims_made_at_the_same_moment_never_overlap(database_url: str) -> None:
    """Eight workers claiming small batches in parallel threads, each with its
    own connection: every URL is claimed exactly once."""
    with Database(database_url) as db:
        db.save_mapped(SOURCE, URLS, engine="sitemap")

        def work(worker: str) -> list[str]:
            with Database(database_url) as mine:
                got: list[str] = []
                while batch := mine.claim(worker, 3, lease=300):
                    got.extend(batch)
                return got

        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(work, [f"w{n}" for n in range(8)]))
    claimed = [url for batch in results for url in batch]
    assert sorted(claimed) == sorted(URLS)
