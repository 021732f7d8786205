"""The embedded database behind ``ToolContext.db``.

SQLAlchemy 2 Core over SQLite at ``<project>/.kurt/kurt.sqlite`` by default;
``[database].url`` in kurt.toml points it at any SQLAlchemy URL (PostgreSQL,
a MySQL-protocol server) without code changes. See :class:`Database`.
"""

from __future__ import annotations

from kurt.db.store import Database, DocumentRecord, open_database

__all__ = ["Database", "DocumentRecord", "open_database"]
