"""Where a fetch takes its URLs from, and how it stores what it got.

:class:`GivenUrls` hands out the URLs of the command line; :class:`PendingUrls`
claims the stored URLs not fetched yet from the database, a small batch at a
time, so that several ``kurt fetch --pending`` workers sharing a database each
take their own (:mod:`kurt.db.claims`). :class:`Writer` stores outcomes in
batches, one transaction each, instead of one commit per page.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Any

from kurt.core.engines import FetchResult

__all__ = ["WRITE_BATCH", "GivenUrls", "PendingUrls", "Writer"]

#: Outcomes stored per transaction.
WRITE_BATCH = 64


class GivenUrls:
    """The URLs a command named, each handed out once."""

    def __init__(self, urls: Iterable[str]) -> None:
        self._queue = deque(urls)

    def next(self) -> str | None:
        return self._queue.popleft() if self._queue else None

    def done(self) -> None:
        """Nothing to give back."""


class PendingUrls:
    """URLs claimed from ``db`` for ``worker``, ``batch`` at a time, at most
    ``limit`` in all, none of ``skip`` (fetched already by this command);
    :meth:`done` gives back the claims left unused."""

    def __init__(
        self,
        db: Any,
        worker: str,
        *,
        batch: int,
        lease: float,
        limit: int | None,
        skip: Iterable[str] = (),
    ) -> None:
        self._db = db
        self._worker = worker
        self._batch = batch
        self._lease = lease
        self._left = limit
        self._queue: deque[str] = deque()
        self._seen: set[str] = set(skip)  # nothing is fetched twice in one command
        self._exhausted = False

    def next(self) -> str | None:
        while not self._queue and not self._exhausted:
            self._refill()
        return self._queue.popleft() if self._queue else None

    def _refill(self) -> None:
        size = self._batch if self._left is None else min(self._batch, self._left)
        claimed = self._db.claim(self._worker, size, lease=self._lease) if size > 0 else []
        if not claimed:
            self._exhausted = True
            return
        fresh = [url for url in claimed if url not in self._seen]
        self._seen.update(fresh)
        self._queue.extend(fresh)
        if self._left is not None:
            self._left -= len(claimed)

    def done(self) -> None:
        self._queue.clear()
        self._db.release(self._worker)


class Writer:
    """Outcomes waiting to be stored; written ``WRITE_BATCH`` at a time."""

    def __init__(self, db: Any) -> None:
        self._db = db
        self._fetched: list[tuple[FetchResult, str]] = []
        self._failed: list[Any] = []

    def fetched(self, result: FetchResult, engine: str) -> None:
        self._fetched.append((result, engine))
        self._maybe_flush()

    def failed(self, url: str, engine: str, error: str, status_code: int | None) -> None:
        from kurt.db import Failure

        self._failed.append(Failure(url, engine, error, status_code))
        self._maybe_flush()

    def _maybe_flush(self) -> None:
        if len(self._fetched) + len(self._failed) >= WRITE_BATCH:
            self.flush()

    def flush(self) -> None:
        if self._fetched or self._failed:
            fetched, failed = self._fetched, self._failed
            self._fetched, self._failed = [], []
            self._db.save_fetches(fetched, failed)
