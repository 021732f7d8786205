"""Kurt: fetch and map web and local content through tools, fetchers and
mappers, extended by skills.

What skill authors need is importable from here. Names are resolved on first
access, so ``import kurt`` (which every ``kurt`` command does) stays cheap.
"""

from __future__ import annotations

from kurt._version import __version__

# Not `from typing import TYPE_CHECKING`: importing typing costs more than the
# whole of `kurt --version` may (bench/startup.py). Type checkers treat any
# name TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from kurt.registry import (
        FETCHERS,
        MAPPERS,
        TOOLS,
        Registry,
        register_fetcher,
        register_mapper,
        register_tool,
    )
    from kurt.tools.base import Tool
    from kurt.tools.context import ToolContext
    from kurt.tools.execute import execute_tool
    from kurt.tools.fetch.base import BaseFetcher, FetchError, FetchResult
    from kurt.tools.map.base import BaseMapper, MapResult
    from kurt.tools.progress import ProgressEvent
    from kurt.tools.result import ErrorInfo, ToolResult

__all__ = [
    "FETCHERS",
    "MAPPERS",
    "TOOLS",
    "BaseFetcher",
    "BaseMapper",
    "ErrorInfo",
    "FetchError",
    "FetchResult",
    "MapResult",
    "ProgressEvent",
    "Registry",
    "Tool",
    "ToolContext",
    "ToolResult",
    "__version__",
    "execute_tool",
    "register_fetcher",
    "register_mapper",
    "register_tool",
]

_HOMES = {
    "FETCHERS": "kurt.registry",
    "MAPPERS": "kurt.registry",
    "TOOLS": "kurt.registry",
    "Registry": "kurt.registry",
    "register_fetcher": "kurt.registry",
    "register_mapper": "kurt.registry",
    "register_tool": "kurt.registry",
    "Tool": "kurt.tools.base",
    "ToolContext": "kurt.tools.context",
    "execute_tool": "kurt.tools.execute",
    "BaseFetcher": "kurt.tools.fetch.base",
    "FetchError": "kurt.tools.fetch.base",
    "FetchResult": "kurt.tools.fetch.base",
    "BaseMapper": "kurt.tools.map.base",
    "MapResult": "kurt.tools.map.base",
    "ProgressEvent": "kurt.tools.progress",
    "ErrorInfo": "kurt.tools.result",
    "ToolResult": "kurt.tools.result",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'kurt' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
