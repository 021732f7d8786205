"""How ``kurt fetch --pending`` workers share the URLs not fetched yet.

A worker claims a batch of ``mapped`` rows: it writes its name and the end of
its lease (``[fetch].lease`` seconds) on them, in one transaction. On
PostgreSQL the rows are picked with ``SELECT ... FOR UPDATE SKIP LOCKED``, so
two workers claiming at the same moment get different rows and neither waits;
on SQLite the claiming transaction holds the write lock (``BEGIN IMMEDIATE``),
so claims happen one after the other. A fetched or failed row is no longer
``mapped``; a row whose lease ran out (its worker died, or was killed) is
claimed again by the next worker that asks.
"""

from __future__ import annotations

import os
import secrets
import socket
from datetime import datetime, timedelta

from sqlalchemy import Connection, or_, select, update

from kurt.db.tables import MAPPED, documents

__all__ = ["claim", "release", "worker_name"]


def worker_name() -> str:
    """A name no other worker has: host, process and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"[:128]


def claim(conn: Connection, worker: str, limit: int, *, lease: float, now: datetime) -> list[str]:
    """Claim up to ``limit`` unclaimed (or expired) ``mapped`` rows, oldest first;
    return their URLs. Run it inside a write transaction."""
    free = or_(documents.c.claimed_until.is_(None), documents.c.claimed_until < now)
    pick = (
        select(documents.c.id, documents.c.url)
        .where(documents.c.status == MAPPED, free)
        .order_by(documents.c.id)
        .limit(limit)
    )
    if conn.dialect.name != "sqlite":  # SQLite has no row locks: its claim holds the write lock
        pick = pick.with_for_update(skip_locked=True)
    rows = conn.execute(pick).all()
    if not rows:
        return []
    until = now + timedelta(seconds=lease)
    ids = [row.id for row in rows]
    conn.execute(
        update(documents)
        .where(documents.c.id.in_(ids))
        .values(claimed_by=worker, claimed_until=until)
    )
    return [row.url for row in rows]


def release(conn: Connection, worker: str) -> int:
    """Clear ``worker``'s claims on rows still ``mapped``; return how many."""
    result = conn.execute(
        update(documents)
        .where(documents.c.claimed_by == worker, documents.c.status == MAPPED)
        .values(claimed_by=None, claimed_until=None)
    )
    return int(result.rowcount or 0)
