"""What every built-in mapper reads: ``[map]`` settings and include/exclude patterns.

Patterns are shell-style globs (``fnmatch``: ``*`` also crosses ``/``). For a
URL a pattern may match the whole URL or just its path, so ``/blog/*`` and
``https://example.com/blog/*`` both work; for a folder, the path relative to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from kurt.config.model import MapSection

if TYPE_CHECKING:
    from kurt.core.context import ToolContext

__all__ = ["map_options", "url_wanted", "wanted"]


def map_options(context: ToolContext | None) -> MapSection:
    """Kurt's ``[map]`` settings from ``context.config`` (defaults without one)."""
    section = getattr(getattr(context, "config", None), "map", None)
    return section if isinstance(section, MapSection) else MapSection()


def wanted(candidates: Sequence[str], include: Iterable[str], exclude: Iterable[str]) -> bool:
    """Whether any candidate matches an include pattern (or there are none) and none
    matches an exclude pattern (exclusion wins)."""
    include = list(include)
    if include and not any(fnmatchcase(c, p) for c in candidates for p in include):
        return False
    return not any(fnmatchcase(c, p) for c in candidates for p in exclude)


def url_wanted(url: str, options: MapSection) -> bool:
    """:func:`wanted` for a URL, matching its full text or its path."""
    if not options.include and not options.exclude:
        return True  # the common case, once per link of a page: no parsing
    return wanted((url, urlsplit(url).path or "/"), options.include, options.exclude)
