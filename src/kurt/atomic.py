"""Atomic file writes: a crash leaves the old file or the new one, never a mix."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def atomic_write(
    path: Path,
    data: bytes,
    *,
    before_replace: Callable[[Path], None] | None = None,
    durable: bool = True,
) -> None:
    """Write ``data`` to a temporary file beside ``path``, fsync it, then replace.

    ``durable=False`` skips the fsync: for caches, which are rebuilt when a
    power cut leaves them empty or old. The replace is atomic either way.

    ``before_replace`` is called with the temporary file's path once it is
    complete and synced, just before it replaces ``path`` (a place for test
    fault injection: a crash there must leave the old file).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        if before_replace is not None:
            before_replace(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
