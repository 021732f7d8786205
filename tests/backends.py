"""The database backends the tests run on: SQLite always, PostgreSQL when
``KURT_TEST_POSTGRES_URL`` names a server (``.ci/run`` starts one and sets it).

Each PostgreSQL test gets a database of its own, created empty and dropped
afterwards, so tests (and xdist workers) never see each other's rows and a
test of schema creation really starts from nothing.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

POSTGRES_ENV = "KURT_TEST_POSTGRES_URL"
# Read once, at import: the autouse kurt_home fixture removes KURT_* variables.
POSTGRES_URL = os.environ.get(POSTGRES_ENV, "")
BACKENDS = ("sqlite", "postgresql")


def report_header() -> str:
    """The line pytest prints at the top of a run: which backends run."""
    if not POSTGRES_URL:
        return (
            "database backends: sqlite only; the postgresql tests are SKIPPED "
            f"(set {POSTGRES_ENV}=postgresql+psycopg://user:pass@host/db to run them)"
        )
    from sqlalchemy.engine import make_url

    return f"database backends: sqlite, postgresql ({make_url(POSTGRES_URL)!r})"


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """A new, empty database on the server of ``KURT_TEST_POSTGRES_URL``;
    yields its SQLAlchemy URL and drops it afterwards."""
    import psycopg
    from sqlalchemy.engine import make_url

    server = make_url(POSTGRES_URL)
    name = f"kurt_test_{secrets.token_hex(6)}"
    admin = server.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
