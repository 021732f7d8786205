"""Opening a database: the engine, its SQLite settings, the schema created
once however many processes start together, and write transactions that
take the lock up front.

Two ``kurt fetch`` started at once on a new project both find no tables; both
then create them, and the loser failed with ``table documents already
exists``. The schema is created under a lock the database itself holds:
``BEGIN IMMEDIATE`` on SQLite (one writer at a time; the others wait up to
``busy_timeout``), a transaction-scoped advisory lock on PostgreSQL (whose DDL
is transactional). Inside the lock ``create_all`` looks before it creates, so
the second process finds the tables and creates nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.pool import StaticPool

from kurt.db.tables import FAILED, documents, metadata

__all__ = ["create_schema", "open_engine", "write_transaction"]

#: The advisory lock key Kurt's schema creation takes on PostgreSQL ("kurt" in ASCII).
SCHEMA_LOCK = 0x6B757274


def open_engine(url: str) -> Engine:
    """The SQLAlchemy engine of ``url``, its schema created."""
    if url in {"sqlite://", "sqlite:///:memory:"}:
        # One connection shared by every caller: each new connection to
        # ":memory:" would otherwise be a new, empty database.
        engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    create_schema(engine)
    return engine


def create_schema(engine: Engine) -> None:
    """Create Kurt's tables that are missing, safely beside other processes doing the same."""
    with write_transaction(engine) as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
        _upgrade(conn)
        metadata.create_all(conn, checkfirst=True)


def _upgrade(conn: Connection) -> None:
    """Bring a database made by an earlier Kurt to the current tables, its rows kept.

    The first layout of ``documents`` had no pipeline columns (``source``,
    ``mapper``, ``mapped_at``, the claims), required ``attempted_at`` (a mapped
    URL has none) and called a failure ``error``. SQLite cannot drop a NOT NULL,
    so the table is rebuilt: its rows copied aside, the table created anew, the
    rows copied back, all inside the schema lock's transaction.
    """
    from sqlalchemy import inspect

    inspector = inspect(conn)
    if not inspector.has_table("documents"):
        return
    present = {column["name"] for column in inspector.get_columns("documents")}
    wanted = [column.name for column in documents.columns]
    if set(wanted) <= present:
        return
    # New ids, in the old order: a copied id would leave PostgreSQL's sequence behind.
    kept = [name for name in wanted if name in present and name != "id"]
    # A plain copy first: renaming would keep the old indexes' and constraints'
    # names, which the new table's then clash with.
    conn.execute(text("CREATE TABLE documents_before_upgrade AS SELECT * FROM documents"))
    conn.execute(text("DROP TABLE documents"))
    documents.create(conn)
    columns = ", ".join(f'"{name}"' for name in kept)
    conn.execute(
        text(
            f"INSERT INTO documents ({columns}) "
            f"SELECT {columns} FROM documents_before_upgrade ORDER BY id"
        )
    )
    conn.execute(text("DROP TABLE documents_before_upgrade"))
    conn.execute(text("UPDATE documents SET status = :new WHERE status = 'error'"), {"new": FAILED})


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that writes: committed at the end, rolled back on an error.

    On SQLite it begins with ``BEGIN IMMEDIATE``, taking the write lock before
    reading: a transaction that reads first and writes later cannot get the
    lock once another writer committed (``database is locked`` at once, which
    ``busy_timeout`` does not wait out).
    """
    if engine.dialect.name != "sqlite":
        with engine.begin() as conn:
            yield conn
        return
    with engine.connect() as conn:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.rollback()
            raise
        conn.commit()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # First: every statement after it (the journal mode too, which needs the
    # lock) waits for a concurrent writer instead of failing at once.
    cursor.execute("PRAGMA busy_timeout=30000")
    # WAL lets a reader (another kurt command) read while a fetch writes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
