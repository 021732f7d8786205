"""Local sources: telling a path from a URL, and naming a file by one URI.

A local file is stored and reported as its absolute ``file://`` URI, so that
``kurt fetch docs/a.md`` from two folders records one document, not two.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

__all__ = ["canonical", "is_local", "to_path"]


def is_local(source: str) -> bool:
    """Whether ``source`` names a local path (``file://`` URL or a plain path)."""
    return source.startswith("file:") or "://" not in source


def to_path(source: str) -> Path:
    """The path a local ``source`` names (``~`` expanded, not resolved)."""
    if source.startswith("file:"):
        parts = urlsplit(source)
        if parts.netloc not in {"", "localhost"}:
            return Path(f"//{parts.netloc}{url2pathname(unquote(parts.path))}")
        return Path(url2pathname(unquote(parts.path)))
    return Path(source).expanduser()


def canonical(source: str, *, keep_missing: bool = True) -> str:
    """The absolute ``file://`` URI for a ``file:`` URL or a path that exists;
    ``source`` itself otherwise: a URL, or a word a skill's own engine
    understands (``urn:isbn:1``, ``python/cpython``), passed on as typed.
    With ``keep_missing=False`` a missing path gets its URI too (it is a file
    that is not there, to be reported and stored under one name)."""
    if not is_local(source):
        return source
    path = to_path(source)
    if keep_missing and not source.startswith("file:") and not path.exists():
        return source
    return path.resolve().as_uri()
