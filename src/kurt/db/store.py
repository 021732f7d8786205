"""The :class:`Database`: one row per URL, from mapped to fetched (or failed).

``kurt map`` adds a row per URL it finds (status ``mapped``, with its source
and mapper); a fetch turns it into ``fetched`` (content, hash, metadata) or
``failed`` (the error, the HTTP status of the attempt). Fetching a URL again
updates its row in place (an upsert); a failed fetch never touches content
stored by an earlier success. Writes take batches, one transaction each: a
fetch of thousands of pages commits every few dozen, not every page.

Calls are synchronous and short; the tools make them between downloads.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any

import attrs
from sqlalchemy import Engine, func, select

from kurt.db import claims
from kurt.db.schema import open_engine, write_transaction
from kurt.db.tables import FAILED, FETCHED, MAPPED, documents, mapped_urls
from kurt.db.upsert import insert_missing, upsert
from kurt.redaction import redact

if TYPE_CHECKING:
    from kurt.config.locations import Locations
    from kurt.config.model import KurtConfig
    from kurt.core.engines import FetchResult

__all__ = [
    "DATABASE_FILE",
    "Database",
    "DocumentRecord",
    "Failure",
    "content_hash",
    "open_database",
    "url_key",
]

DATABASE_FILE = "kurt.sqlite"


def url_key(url: str) -> str:
    """The fixed-length key a URL is stored under (SHA-256, hex)."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


def content_hash(content: str) -> str:
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


@attrs.frozen
class DocumentRecord:
    """One row of ``documents``, as read back (``content`` is ``None`` when
    not asked for: see :meth:`Database.documents`)."""

    url: str
    status: str
    status_code: int | None
    title: str | None
    author: str | None
    date: str | None
    language: str | None
    content_type: str | None
    content: str | None
    content_hash: str | None
    engine: str | None
    error: str | None
    source: str | None
    mapper: str | None
    mapped_at: datetime | None
    fetched_at: datetime | None
    attempted_at: datetime | None


@attrs.frozen
class Failure:
    """A failed fetch to record: ``status_code`` is the HTTP status of the
    attempt, ``None`` when there was no response (a timeout, a local file)."""

    url: str
    engine: str
    error: str
    status_code: int | None = None


def open_database(locations: Locations, config: KurtConfig) -> Database:
    """The project's database: ``[database].url``, else ``.kurt/kurt.sqlite``.

    Outside a project there is nowhere to keep data: an in-memory SQLite stands
    in (``persistent`` is false, and tools say ``stored: false``).
    """
    if config.database.url:
        return Database(_relative_to_project(config.database.url, locations))
    if locations.data_dir is not None:
        locations.data_dir.mkdir(parents=True, exist_ok=True)
        return Database(f"sqlite:///{(locations.data_dir / DATABASE_FILE).as_posix()}")
    return Database.in_memory()


def _relative_to_project(url: str, locations: Locations) -> str:
    """A SQLite URL with a relative path (``sqlite:///.kurt/kurt.sqlite``) means
    relative to the project, like every other path in kurt.toml, not to the
    folder a command happens to run from. Other URLs are left as written."""
    prefix = "sqlite:///"
    root = locations.project_root
    if root is None or not url.startswith(prefix):
        return url
    path = url[len(prefix) :].split("?", 1)[0]
    if not path or path.startswith("/") or path.startswith(":memory:") or os.path.isabs(path):
        return url
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)  # as for the default .kurt/
    return prefix + target.as_posix() + url[len(prefix) + len(path) :]


class Database:
    """SQLAlchemy Core access to Kurt's tables; the engine is created on first use."""

    def __init__(self, url: str, *, persistent: bool = True) -> None:
        self.url = url
        self.persistent = persistent
        self._engine: Engine | None = None

    @classmethod
    def in_memory(cls) -> Database:
        return cls("sqlite://", persistent=False)

    def __repr__(self) -> str:
        return f"<Database {self.url}>"

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = open_engine(self.url)
        return self._engine

    def close(self) -> None:
        """Release every connection (the object may be used again: it reconnects)."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def __enter__(self) -> Database:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- fetches --------------------------------------------------------------

    def save_document(self, result: FetchResult, *, engine: str) -> str:
        """Store a successful fetch (replacing the URL's earlier row); return the content hash."""
        return self.save_fetches([(result, engine)])[0]

    def save_failure(
        self, url: str, *, engine: str, error: str, status_code: int | None = None
    ) -> None:
        """Record a failed fetch; content from an earlier success stays as it was.

        ``status_code`` replaces the code of an earlier success, so that
        ``status``, ``status_code`` and ``error`` always describe the same,
        last attempt.
        """
        self.save_fetches(failed=[Failure(url, engine, error, status_code)])

    def save_fetches(
        self,
        fetched: Sequence[tuple[FetchResult, str]] = (),
        failed: Sequence[Failure] = (),
    ) -> list[str]:
        """Store a batch of outcomes in one transaction: ``fetched`` as
        ``(result, engine)`` pairs, ``failed`` as :class:`Failure`; return the
        content hashes of ``fetched``, in order. Each row's claim is released.

        No secret is stored: every secret the run resolved (:mod:`kurt.redaction`)
        is masked in the text, metadata and error of each row, even when a
        page or a fetcher's message carries one back.
        """
        now = datetime.now(UTC)
        fetched = [(_redacted(result), engine) for result, engine in fetched]
        digests = [content_hash(result.content) for result, _ in fetched]
        done = [
            {
                "url_key": url_key(result.url),
                "url": result.url,
                "status": FETCHED,
                "status_code": result.status_code,
                "title": result.title,
                "author": result.author,
                "date": result.date,
                "language": result.language,
                "content_type": result.content_type,
                "content": result.content,
                "content_hash": digest,
                "engine": engine,
                "error": None,
                "fetched_at": now,
                "attempted_at": now,
                "claimed_by": None,
                "claimed_until": None,
            }
            for (result, engine), digest in zip(fetched, digests, strict=True)
        ]
        bad = [
            {
                "url_key": url_key(failure.url),
                "url": failure.url,
                "status": FAILED,
                "status_code": failure.status_code,
                "engine": failure.engine,
                "error": redact(failure.error),
                "attempted_at": now,
                "claimed_by": None,
                "claimed_until": None,
            }
            for failure in failed
        ]
        with write_transaction(self.engine) as conn:
            if done:
                upsert(conn, documents, done, ("url_key",), [k for k in done[0] if k != "url_key"])
            if bad:
                kept = ("url_key", "url")  # content, hash, title... of an earlier success stay
                upsert(conn, documents, bad, ("url_key",), [k for k in bad[0] if k not in kept])
        return digests

    # -- mapping --------------------------------------------------------------

    def save_mapped(self, source: str, urls: Iterable[str], *, engine: str) -> int:
        """Record that ``source`` leads to ``urls`` (each a ``mapped`` row
        unless the URL is stored already); return how many were given."""
        now = datetime.now(UTC)
        source_key = url_key(source)
        links: list[dict[str, Any]] = []
        rows: list[dict[str, Any]] = []
        for url in urls:
            key = url_key(url)
            links.append(
                {
                    "source_key": source_key,
                    "url_key": key,
                    "source": source,
                    "url": url,
                    "engine": engine,
                    "mapped_at": now,
                }
            )
            rows.append(
                {
                    "url_key": key,
                    "url": url,
                    "status": MAPPED,
                    "source": source,
                    "mapper": engine,
                    "mapped_at": now,
                }
            )
        with write_transaction(self.engine) as conn:
            upsert(conn, mapped_urls, links, ("source_key", "url_key"), ["engine", "mapped_at"])
            insert_missing(conn, documents, rows, ("url_key",))
        return len(links)

    def mapped(self, source: str | None = None) -> list[str]:
        """URLs mapped from ``source`` (or from any source), in the order first found."""
        query = select(mapped_urls.c.url).order_by(mapped_urls.c.id)
        if source is not None:
            query = query.where(mapped_urls.c.source_key == url_key(source))
        with self.engine.connect() as conn:
            return list(conn.execute(query).scalars())

    # -- reading --------------------------------------------------------------

    def document(self, url: str) -> DocumentRecord | None:
        """The stored row of ``url``, if any."""
        query = select(documents).where(documents.c.url_key == url_key(url))
        with self.engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        return _record(row) if row is not None else None

    def documents(
        self, *, status: str | None = None, source: str | None = None, content: bool = True
    ) -> list[DocumentRecord]:
        """Stored rows in the order first stored: those of ``status``, those
        ``source`` led to (by any map of it); without ``content`` (a listing)
        the text is not read."""
        columns = [c for c in documents.c if content or c.name != "content"]
        query = select(*columns).order_by(documents.c.id)
        if status is not None:
            query = query.where(documents.c.status == status)
        if source is not None:
            found = select(mapped_urls.c.url_key).where(mapped_urls.c.source_key == url_key(source))
            query = query.where(documents.c.url_key.in_(found))
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [_record(row) for row in rows]

    def count(self, status: str | None = None) -> int:
        """How many URLs are stored (with ``status``)."""
        query = select(func.count()).select_from(documents)
        if status is not None:
            query = query.where(documents.c.status == status)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    # -- workers --------------------------------------------------------------

    def claim(
        self, worker: str, limit: int, *, lease: float, now: datetime | None = None
    ) -> list[str]:
        """Claim up to ``limit`` URLs not fetched yet for ``worker`` for ``lease``
        seconds, and return them; see :mod:`kurt.db.claims`."""
        with write_transaction(self.engine) as conn:
            return claims.claim(conn, worker, limit, lease=lease, now=now or datetime.now(UTC))

    def release(self, worker: str) -> int:
        """Give back the URLs ``worker`` claimed and did not fetch; return how many."""
        with write_transaction(self.engine) as conn:
            return claims.release(conn, worker)


def _redacted(result: FetchResult) -> FetchResult:
    """``result`` with every remembered secret masked in what is stored of it."""
    fields = ("content", "title", "author", "date", "language", "content_type")
    changes = {}
    for name in fields:
        value = getattr(result, name)
        if isinstance(value, str) and (masked := redact(value)) != value:
            changes[name] = masked
    return result.model_copy(update=changes) if changes else result


def _record(row: Any) -> DocumentRecord:
    fields = attrs.fields_dict(DocumentRecord)
    return DocumentRecord(**{name: row.get(name) for name in fields})
