"""The :class:`Database`: where fetched documents and mapped URLs are kept.

Calls are synchronous and short (one statement and commit each); the tools
make them between downloads. Fetching a URL again updates its row in place
(an upsert); a failed fetch records the error, its HTTP status code and the
time of the attempt but never touches content stored by an earlier success.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any

import attrs
from sqlalchemy import Connection, Engine, Table, create_engine, event, select
from sqlalchemy.pool import StaticPool

from kurt.db.tables import documents, mapped_urls, metadata

if TYPE_CHECKING:
    from kurt.config.locations import Locations
    from kurt.config.model import KurtConfig
    from kurt.core.engines import FetchResult

__all__ = ["DATABASE_FILE", "Database", "DocumentRecord", "open_database", "url_key"]

DATABASE_FILE = "kurt.sqlite"


def url_key(url: str) -> str:
    """The fixed-length key a URL is stored under (SHA-256, hex)."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


def content_hash(content: str) -> str:
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


@attrs.frozen
class DocumentRecord:
    """One row of ``documents``, as read back."""

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
    fetched_at: datetime | None
    attempted_at: datetime


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
            self._engine = _create(self.url)
            metadata.create_all(self._engine)
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

    # -- documents ------------------------------------------------------------

    def save_document(self, result: FetchResult, *, engine: str) -> str:
        """Store a successful fetch (replacing the URL's earlier row); return the content hash."""
        now = datetime.now(UTC)
        digest = content_hash(result.content)
        row = {
            "url_key": url_key(result.url),
            "url": result.url,
            "status": "fetched",
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
        }
        with self.engine.begin() as conn:
            _upsert(conn, documents, row, ("url_key",), [k for k in row if k != "url_key"])
        return digest

    def save_failure(
        self, url: str, *, engine: str, error: str, status_code: int | None = None
    ) -> None:
        """Record a failed fetch; content from an earlier success stays as it was.

        ``status_code`` is the HTTP status of the failed attempt (``None`` when
        there was no response: a timeout, a refused connection, a local file).
        It replaces the code of an earlier success, so that ``status``,
        ``status_code`` and ``error`` always describe the same, last attempt.
        """
        row = {
            "url_key": url_key(url),
            "url": url,
            "status": "error",
            "status_code": status_code,
            "engine": engine,
            "error": error,
            "attempted_at": datetime.now(UTC),
        }
        update = ["status", "status_code", "error", "attempted_at"]
        with self.engine.begin() as conn:
            _upsert(conn, documents, row, ("url_key",), update)

    def document(self, url: str) -> DocumentRecord | None:
        """The stored row of ``url``, if any."""
        query = select(documents).where(documents.c.url_key == url_key(url))
        with self.engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        return _record(row) if row is not None else None

    def documents(self) -> list[DocumentRecord]:
        """Every stored document, in the order first stored."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(documents).order_by(documents.c.id)).mappings().all()
        return [_record(row) for row in rows]

    # -- mapped URLs ----------------------------------------------------------

    def save_mapped(self, source: str, urls: Iterable[str], *, engine: str) -> int:
        """Record that ``source`` leads to ``urls``; return how many were given."""
        now = datetime.now(UTC)
        source_key = url_key(source)
        count = 0
        with self.engine.begin() as conn:
            for url in urls:
                row = {
                    "source_key": source_key,
                    "url_key": url_key(url),
                    "source": source,
                    "url": url,
                    "engine": engine,
                    "mapped_at": now,
                }
                _upsert(conn, mapped_urls, row, ("source_key", "url_key"), ["engine", "mapped_at"])
                count += 1
        return count

    def mapped(self, source: str | None = None) -> list[str]:
        """URLs mapped from ``source`` (or from any source), in the order first found."""
        query = select(mapped_urls.c.url).order_by(mapped_urls.c.id)
        if source is not None:
            query = query.where(mapped_urls.c.source_key == url_key(source))
        with self.engine.connect() as conn:
            return list(conn.execute(query).scalars())


def _create(url: str) -> Engine:
    if url in {"sqlite://", "sqlite:///:memory:"}:
        # One connection shared by every caller: each new connection to
        # ":memory:" would otherwise be a new, empty database.
        return create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets a reader (another kurt command) read while a fetch writes;
    # busy_timeout waits for a concurrent writer instead of failing at once.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _upsert(
    conn: Connection,
    table: Table,
    row: dict[str, Any],
    keys: Sequence[str],
    update: Sequence[str],
) -> None:
    """Insert ``row``, or update ``update`` columns of the row with the same ``keys``."""
    dialect = conn.dialect.name
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        lite = sqlite_insert(table).values(row)
        excluded = {c: lite.excluded[c] for c in update}
        conn.execute(lite.on_conflict_do_update(index_elements=list(keys), set_=excluded))
        return
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        pg = pg_insert(table).values(row)
        excluded = {c: pg.excluded[c] for c in update}
        conn.execute(pg.on_conflict_do_update(index_elements=list(keys), set_=excluded))
        return
    if dialect in {"mysql", "mariadb"}:
        from sqlalchemy.dialects.mysql import insert as mysql_insert

        my_stmt = mysql_insert(table).values(row)
        conn.execute(my_stmt.on_duplicate_key_update({c: my_stmt.inserted[c] for c in update}))
        return
    # Any other backend: look, then update or insert, inside the caller's transaction.
    match = [table.c[k] == row[k] for k in keys]
    if conn.execute(select(table.c.id).where(*match)).first() is None:
        conn.execute(table.insert().values(row))
    else:
        conn.execute(table.update().where(*match).values({c: row[c] for c in update}))


def _record(row: Any) -> DocumentRecord:
    fields = attrs.fields_dict(DocumentRecord)
    return DocumentRecord(**{name: row[name] for name in fields})
