"""Insert-or-update of many rows in one statement, in each backend's own words."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table, select

__all__ = ["insert_missing", "upsert"]


def upsert(
    conn: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    keys: Sequence[str],
    update: Sequence[str],
) -> None:
    """Insert each row, or update its ``update`` columns where a row with the
    same ``keys`` exists (every row has the same columns)."""
    if not rows:
        return
    # One row per key (the last given wins): a batched insert may become one
    # multi-row statement, which may not touch the same row twice.
    rows = list({tuple(row[k] for k in keys): row for row in rows}.values())
    dialect = conn.dialect.name
    if dialect in {"sqlite", "postgresql"}:
        stmt = _insert(dialect, table)
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=list(keys), set_={c: stmt.excluded[c] for c in update}
            ),
            list(rows),
        )
        return
    if dialect in {"mysql", "mariadb"}:
        from sqlalchemy.dialects.mysql import insert as mysql_insert

        my_stmt = mysql_insert(table)
        conn.execute(
            my_stmt.on_duplicate_key_update({c: my_stmt.inserted[c] for c in update}), list(rows)
        )
        return
    # Any other backend: look, then update or insert, inside the caller's transaction.
    for row in rows:
        match = [table.c[k] == row[k] for k in keys]
        if conn.execute(select(table.c.id).where(*match)).first() is None:
            conn.execute(table.insert().values(row))
        else:
            conn.execute(table.update().where(*match).values({c: row[c] for c in update}))


def insert_missing(
    conn: Connection, table: Table, rows: Sequence[dict[str, Any]], keys: Sequence[str]
) -> None:
    """Insert the rows whose ``keys`` are not in ``table`` yet; leave the others alone."""
    if not rows:
        return
    dialect = conn.dialect.name
    if dialect in {"sqlite", "postgresql"}:
        stmt = _insert(dialect, table)
        conn.execute(stmt.on_conflict_do_nothing(index_elements=list(keys)), list(rows))
        return
    if dialect in {"mysql", "mariadb"}:
        from sqlalchemy.dialects.mysql import insert as mysql_insert

        conn.execute(mysql_insert(table).prefix_with("IGNORE"), list(rows))
        return
    for row in rows:
        match = [table.c[k] == row[k] for k in keys]
        if conn.execute(select(table.c.id).where(*match)).first() is None:
            conn.execute(table.insert().values(row))


def _insert(dialect: str, table: Table) -> Any:
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table)
    from sqlalchemy.dialects.postgresql import insert as pg_insert

    return pg_insert(table)
