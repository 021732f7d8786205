"""The Python API skill authors import from ``kurt`` (SPEC section 7)."""

from __future__ import annotations

import subprocess
import sys

import pytest

import kurt

SPEC_NAMES = [
    "Registry",
    "Tool",
    "ToolContext",
    "ToolResult",
    "BaseFetcher",
    "BaseMapper",
    "FetchResult",
    "MapResult",
    "register_tool",
    "register_fetcher",
    "register_mapper",
    "TOOLS",
    "FETCHERS",
    "MAPPERS",
]
HEAVY = ["pydantic", "pydantic_settings", "httpx", "rich", "yaml", "attrs", "attr", "sqlalchemy"]
WATCHED = [*HEAVY, "click"]


def test_every_spec_name_imports_from_kurt() -> None:
    from kurt import (  # noqa: F401 (importing is the test)
        FETCHERS,
        MAPPERS,
        TOOLS,
        BaseFetcher,
        BaseMapper,
        FetchResult,
        MapResult,
        Registry,
        Tool,
        ToolContext,
        ToolResult,
        register_fetcher,
        register_mapper,
        register_tool,
    )

    assert set(SPEC_NAMES) <= set(kurt.__all__)
    assert set(SPEC_NAMES) <= set(dir(kurt))


def test_names_are_the_real_objects() -> None:
    from kurt.registry import FETCHERS, MAPPERS, TOOLS, Registry, register_tool
    from kurt.tools.base import Tool
    from kurt.tools.fetch.base import BaseFetcher

    assert (kurt.TOOLS, kurt.FETCHERS, kurt.MAPPERS) == (TOOLS, FETCHERS, MAPPERS)
    assert kurt.Registry is Registry
    assert kurt.Tool is Tool
    assert kurt.BaseFetcher is BaseFetcher
    assert kurt.register_tool == register_tool
    assert isinstance(kurt.TOOLS, kurt.Registry)


@pytest.mark.parametrize("name", sorted(set(kurt.__all__)))
def test_everything_exported_resolves(name: str) -> None:
    assert getattr(kurt, name) is not None


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="module 'kurt' has no attribute 'Tol'"):
        kurt.Tol  # type: ignore[attr-defined]  # noqa: B018


def test_import_kurt_stays_light() -> None:
    probe = f"import sys, kurt; print([m for m in {WATCHED} if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"


def test_using_a_name_loads_only_what_it_needs() -> None:
    probe = (
        "import sys, kurt; kurt.ToolResult; "
        f"print(sorted(m for m in {WATCHED} if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout == "['pydantic']\n"
