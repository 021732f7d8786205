"""The database behind ``ToolContext.db``.

SQLAlchemy 2 Core over SQLite at ``<project>/.kurt/kurt.sqlite`` by default;
``[database].url`` in kurt.toml points it at PostgreSQL
(``postgresql+psycopg://...``, the ``kurt-skills[postgres]`` extra) or any
SQLAlchemy URL without code changes. See :class:`Database`.
"""

from __future__ import annotations

from kurt.db.store import Database, DocumentRecord, Failure, open_database

__all__ = ["Database", "DocumentRecord", "Failure", "open_database"]
