"""Code written for the old EngineRegistry keeps working, with a warning."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kurt.registry import FETCHERS, MAPPERS
from samples import EchoFetcher, ListMapper


def test_a_legacy_fetcher_registration_reaches_every_caller(
    invoke: Callable[..., Any], project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kurt.tools.fetch.engines import EngineRegistry

    with pytest.warns(DeprecationWarning, match="use @register_fetcher|decorate the class") as seen:
        EngineRegistry.register("legacy-echo", EchoFetcher)
    assert seen[0].filename == __file__  # the warning points at the caller's line
    assert "kurt.tools.fetch.engines.EngineRegistry is deprecated" in str(seen[0].message)

    assert FETCHERS.get("legacy-echo") is EchoFetcher
    assert FETCHERS.entry("legacy-echo").module == EchoFetcher.__module__

    monkeypatch.chdir(project)
    listed = invoke("tool", "list", "--json")
    assert listed.exit_code == 0, listed.stderr
    rows = {(row["kind"], row["name"]) for row in json.loads(listed.stdout)}
    assert ("fetcher", "legacy-echo") in rows
    assert ("fetcher", "trafilatura") in rows  # the built-ins are all there too

    fetched = invoke("fetch", "http://anything.test/x", "--engine", "legacy-echo", "--json")
    assert fetched.exit_code == 0, fetched.stderr
    item = json.loads(fetched.stdout)["data"][0]
    assert (item["engine"], item["content"]) == ("legacy-echo", "echo of http://anything.test/x")


def test_the_old_lookups_answer_from_the_registry() -> None:
    from kurt.tools.fetch.engines import EngineRegistry

    with pytest.warns(DeprecationWarning, match="@register_fetcher"):
        EngineRegistry.register("legacy-echo")(EchoFetcher)  # the decorator form
    with pytest.warns(DeprecationWarning, match=r"FETCHERS\.get\(name\)"):
        assert EngineRegistry.get("legacy-echo") is EchoFetcher
    with pytest.warns(DeprecationWarning, match=r"FETCHERS\.names\(\)"):
        assert {"legacy-echo", "httpx", "file"} <= set(EngineRegistry.list_engines())
    with pytest.warns(DeprecationWarning, match="in FETCHERS"):
        assert EngineRegistry.is_available("legacy-echo") is True
    with pytest.warns(DeprecationWarning, match="is_available"):
        assert EngineRegistry.is_available("nope") is False


def test_the_map_registry_routes_to_mappers(
    invoke: Callable[..., Any], project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kurt.tools.map.engines import EngineRegistry

    with pytest.warns(DeprecationWarning, match="@register_mapper"):
        EngineRegistry.register("commas", ListMapper)
    assert MAPPERS.get("commas") is ListMapper
    monkeypatch.chdir(project)
    mapped = invoke("map", "http://a.test/1,http://a.test/2", "--engine", "commas", "--json")
    assert mapped.exit_code == 0, mapped.stderr
    assert [i["url"] for i in json.loads(mapped.stdout)["data"]] == [
        "http://a.test/1",
        "http://a.test/2",
    ]


def test_legacy_errors_are_the_registry_errors() -> None:
    from kurt.errors import UnknownNameError
    from kurt.tools.fetch.engines import EngineRegistry

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with pytest.raises(UnknownNameError, match="Did you mean 'httpx'"):
            EngineRegistry.get("httpz")
        with pytest.raises(TypeError, match="must be a class deriving from"):
            EngineRegistry.register("bad", ListMapper)


LEGACY_SCRIPT = """
import warnings
warnings.simplefilter("ignore", DeprecationWarning)
from kurt.tools.fetch.engines import EngineRegistry as Fetchers
from kurt.tools.map.engines import EngineRegistry as Mappers
print(Fetchers.is_available("httpx"), Fetchers.get("file").__name__)
print(sorted(Fetchers.list_engines()), sorted(Mappers.list_engines()))
"""


def test_a_plain_legacy_script_finds_kurts_own_engines(tmp_path: Path) -> None:
    """No Runtime, no CLI: old code asked the table for Kurt's engines straight away."""
    done = subprocess.run(
        [sys.executable, "-c", LEGACY_SCRIPT],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines() == [
        "True FileFetcher",
        "['file', 'httpx', 'trafilatura'] ['crawl', 'folder', 'rss', 'sitemap']",
    ]
