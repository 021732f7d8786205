"""Kurt's built-in fetchers (``httpx``, ``trafilatura``, ``file``), one module each,
and the deprecated ``EngineRegistry`` kept for engines written before
``@register_fetcher`` (it routes to ``FETCHERS`` and warns)."""

from __future__ import annotations

from kurt.registry import FETCHERS
from kurt.tools.legacy import LegacyEngineRegistry

__all__ = ["EngineRegistry"]

EngineRegistry = LegacyEngineRegistry(
    FETCHERS,
    where="kurt.tools.fetch.engines.EngineRegistry",
    decorator="register_fetcher",
)
