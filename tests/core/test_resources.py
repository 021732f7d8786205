"""A run's database and HTTP client are opened when a tool first uses them."""

from __future__ import annotations

import asyncio
import json
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from kurt.core.context import ToolContext
from kurt.core.resources import RunResources


class FakeDatabase:
    def __init__(self) -> None:
        self.closed = False

    def close(self) -> None:
        self.closed = True


def resources(opened: list[str]) -> RunResources:
    def open_db() -> FakeDatabase:
        opened.append("db")
        return FakeDatabase()

    def open_http() -> httpx.AsyncClient:
        opened.append("http")
        return httpx.AsyncClient()

    return RunResources(open_db, open_http)


def test_nothing_is_opened_until_asked_for_and_then_once() -> None:
    opened: list[str] = []
    run = resources(opened)
    context = ToolContext(resources=run)
    assert opened == []
    assert run.opened == []
    assert context.db is context.db
    assert opened == ["db"]
    assert run.opened == ["db"]
    # Another skill's view of the same run shares the same resources.
    assert context.for_skill("other").db is context.db
    assert opened == ["db"]


def test_aclose_closes_only_what_was_opened() -> None:
    opened: list[str] = []
    run = resources(opened)
    context = ToolContext(resources=run)

    async def main() -> tuple[FakeDatabase, httpx.AsyncClient]:
        db, http = context.db, context.http
        assert isinstance(http, httpx.AsyncClient)
        await run.aclose()
        return db, http

    db, http = asyncio.run(main())
    assert db.closed
    assert http.is_closed
    assert run.opened == []
    untouched = resources(opened := [])
    asyncio.run(untouched.aclose())
    assert opened == []


def test_resources_given_directly_win() -> None:
    opened: list[str] = []
    context = ToolContext(db="the-db", resources=resources(opened))
    assert context.db == "the-db"
    assert opened == []
    assert ToolContext().db is None
    assert ToolContext().http is None


SKILL_MD = """\
---
name: probe
description: Says which heavy libraries a run imported.
implements:
  - {type: tool, class: Probe, name: probe}
  - {type: tool, class: Store, name: store}
---
"""

SKILL_PY = """
import sys

from pydantic import BaseModel

from kurt import Tool, ToolResult, register_tool


class Nothing(BaseModel):
    pass


class Found(BaseModel):
    sqlalchemy: bool
    persistent: bool | None = None


@register_tool
class Probe(Tool[Nothing, Found]):
    name = "probe"
    description = "Which heavy libraries are imported."
    InputModel = Nothing
    OutputModel = Found

    async def run(self, params, context, on_progress=None):
        return ToolResult.ok([Found(sqlalchemy="sqlalchemy" in sys.modules)])


@register_tool
class Store(Tool[Nothing, Found]):
    name = "store"
    description = "Uses the project database."
    InputModel = Nothing
    OutputModel = Found

    async def run(self, params, context, on_progress=None):
        context.db.save_mapped("https://example.com/", ["https://example.com/a"], engine="probe")
        found = Found(persistent=context.db.persistent, sqlalchemy="sqlalchemy" in sys.modules)
        return ToolResult.ok([found])
"""


def test_a_tool_that_needs_no_database_never_opens_one(
    project: Path, run_kurt: Callable[..., Any]
) -> None:
    skill = project / "skills" / "probe"
    skill.mkdir()
    (skill / "SKILL.md").write_text(SKILL_MD, "utf-8")
    (skill / "skill.py").write_text(textwrap.dedent(SKILL_PY), "utf-8")

    probe = run_kurt("tool", "run", "probe", "--json", cwd=project)
    assert probe.exit_code == 0, probe.stderr
    assert json.loads(probe.stdout)["data"] == [{"sqlalchemy": False, "persistent": None}]
    assert not (project / ".kurt" / "kurt.sqlite").exists()

    store = run_kurt("tool", "run", "store", "--json", cwd=project)
    assert store.exit_code == 0, store.stderr
    assert json.loads(store.stdout)["data"] == [{"persistent": True, "sqlalchemy": True}]
    assert (project / ".kurt" / "kurt.sqlite").exists()
