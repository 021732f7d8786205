"""A database made by an earlier Kurt opens with its rows kept (kurt.db.schema)."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from kurt.db import Database

# The first layout of `documents` (before the pipeline): no source, mapper,
# mapped_at or claims; attempted_at required; a failure's status "error".
FIRST_LAYOUT = """
CREATE TABLE documents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    url_key VARCHAR(64) NOT NULL UNIQUE,
    url TEXT NOT NULL,
    status VARCHAR(16) NOT NULL,
    status_code INTEGER,
    title TEXT, author TEXT, date VARCHAR(64), language VARCHAR(32),
    content_type VARCHAR(255), content TEXT, content_hash VARCHAR(64),
    engine VARCHAR(255), error TEXT,
    fetched_at TIMESTAMP, attempted_at TIMESTAMP NOT NULL
)
"""


def test_a_database_of_the_first_layout_is_upgraded_with_its_rows(database_url: str) -> None:
    engine = create_engine(database_url)
    layout = FIRST_LAYOUT
    if engine.dialect.name == "postgresql":
        layout = layout.replace("INTEGER PRIMARY KEY AUTOINCREMENT", "SERIAL PRIMARY KEY")
    with engine.begin() as conn:
        conn.execute(text(layout))
        for key, url, status, content in (
            ("k1", "https://example.com/a", "fetched", "kept text"),
            ("k2", "https://example.com/b", "error", None),
        ):
            conn.execute(
                text(
                    "INSERT INTO documents (url_key, url, status, content, attempted_at) "
                    "VALUES (:k, :u, :s, :c, CURRENT_TIMESTAMP)"
                ),
                {"k": key, "u": url, "s": status, "c": content},
            )
    engine.dispose()

    with Database(database_url) as db:
        rows = db.documents()
        assert [(r.url, r.status, r.content) for r in rows] == [
            ("https://example.com/a", "fetched", "kept text"),
            ("https://example.com/b", "failed", None),
        ]
        db.save_mapped("https://example.com/", ["https://example.com/c"], engine="sitemap")
        assert [r.status for r in db.documents(status="mapped")] == ["mapped"]
    with Database(database_url) as again:  # a second opening changes nothing
        assert len(again.documents()) == 3
