"""The tables: one row per URL (``documents``) and where each URL was found
(``mapped_urls``).

Rows are keyed by the SHA-256 of their URL (``url_key``), not by the URL
itself: URLs can be thousands of characters long, and MySQL cannot put a
unique index on a long text column. Content columns are ``Text`` (``LONGTEXT``
on MySQL, whose ``TEXT`` stops at 64 KiB).
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects import mysql

metadata = MetaData()

_LongText = Text().with_variant(mysql.LONGTEXT(), "mysql")

#: The values of ``documents.status``.
MAPPED, FETCHED, FAILED = "mapped", "fetched", "failed"
STATUSES = (MAPPED, FETCHED, FAILED)

documents = Table(
    "documents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("url_key", String(64), nullable=False, unique=True),
    Column("url", Text, nullable=False),
    # "mapped" when found and not fetched yet; "fetched" once content was
    # stored; "failed" when the last attempt failed (content from an earlier
    # success, if any, is kept).
    Column("status", String(16), nullable=False),
    Column("status_code", Integer),
    Column("title", Text),
    Column("author", Text),
    Column("date", String(64)),
    Column("language", String(32)),
    Column("content_type", String(255)),
    Column("content", _LongText),
    Column("content_hash", String(64)),
    Column("engine", String(255)),  # the fetcher of the last attempt
    Column("error", Text),
    Column("source", Text),  # the first source that led to the URL
    Column("mapper", String(255)),  # and the mapper that read it
    Column("mapped_at", DateTime(timezone=True)),
    Column("fetched_at", DateTime(timezone=True)),  # last success
    Column("attempted_at", DateTime(timezone=True)),  # last try
    # A `fetch --pending` worker's claim: who holds the URL, and until when.
    Column("claimed_by", String(128)),
    Column("claimed_until", DateTime(timezone=True)),
    Index("ix_documents_status", "status", "id"),
)

mapped_urls = Table(
    "mapped_urls",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source_key", String(64), nullable=False),
    Column("url_key", String(64), nullable=False),
    Column("source", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("engine", String(255)),
    Column("mapped_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("source_key", "url_key", name="uq_mapped_source_url"),
)
