"""Kurt's built-in mappers (``sitemap``, ``rss``, ``crawl``, ``folder``), one module
each, and the deprecated ``EngineRegistry`` kept for engines written before
``@register_mapper`` (it routes to ``MAPPERS`` and warns)."""

from __future__ import annotations

from kurt.registry import MAPPERS
from kurt.tools.legacy import LegacyEngineRegistry

__all__ = ["EngineRegistry"]

EngineRegistry = LegacyEngineRegistry(
    MAPPERS,
    where="kurt.tools.map.engines.EngineRegistry",
    decorator="register_mapper",
)
