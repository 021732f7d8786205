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

    from kurt.core.context import ToolContext
    from kurt.core.engines import BaseFetcher, BaseMapper, FetchError, FetchResult, MapResult
    from kurt.core.execute import execute_tool
    from kurt.core.progress import ProgressCallback, ProgressEvent
    from kurt.core.result import ErrorInfo, ToolResult
    from kurt.core.tool import Tool
    from kurt.errors import KurtError, SkillError
    from kurt.registry import (
        FETCHERS,
        MAPPERS,
        TOOLS,
        Registry,
        register_fetcher,
        register_mapper,
        register_tool,
    )
    from kurt.runtime import load_skills

__all__ = [
    "FETCHERS",
    "MAPPERS",
    "TOOLS",
    "BaseFetcher",
    "BaseMapper",
    "ErrorInfo",
    "FetchError",
    "FetchResult",
    "KurtError",
    "MapResult",
    "ProgressCallback",
    "ProgressEvent",
    "Registry",
    "SkillError",
    "Tool",
    "ToolContext",
    "ToolResult",
    "__version__",
    "execute_tool",
    "load_skills",
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
    "Tool": "kurt.core.tool",
    "ToolContext": "kurt.core.context",
    "execute_tool": "kurt.core.execute",
    "BaseFetcher": "kurt.core.engines",
    "FetchError": "kurt.core.engines",
    "FetchResult": "kurt.core.engines",
    "BaseMapper": "kurt.core.engines",
    "MapResult": "kurt.core.engines",
    "ProgressCallback": "kurt.core.progress",
    "ProgressEvent": "kurt.core.progress",
    "KurtError": "kurt.errors",
    "SkillError": "kurt.errors",
    "load_skills": "kurt.runtime",
    "ErrorInfo": "kurt.core.result",
    "ToolResult": "kurt.core.result",
}

_USES_REGISTRIES = frozenset({"ToolContext", "execute_tool"})


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'kurt' has no attribute {name!r}")
    import importlib

    if name in _USES_REGISTRIES:  # a ToolContext made from here uses them by default
        importlib.import_module("kurt.registry")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
