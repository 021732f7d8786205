"""The Python API skill authors import from ``kurt`` (SPEC section 7)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
    from kurt.core.engines import BaseFetcher
    from kurt.core.tool import Tool
    from kurt.registry import FETCHERS, MAPPERS, TOOLS, Registry, register_tool

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


def test_builtins_resolve_in_a_plain_script(tmp_path: Path) -> None:
    """``from kurt import FETCHERS; FETCHERS.get("httpx")`` works without a Runtime,
    while ``import kurt`` alone imports none of the engines."""
    script = (
        "import sys\n"
        "from kurt import FETCHERS, MAPPERS, TOOLS\n"
        "assert 'kurt.tools.fetch.engines.httpx' not in sys.modules\n"
        "print('httpx' in FETCHERS, FETCHERS.get('file').__name__, TOOLS.get('map').__name__)\n"
        "print(MAPPERS.names())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "True FileFetcher MapTool",
        "['crawl', 'folder', 'rss', 'sitemap']",
    ]
