"""ToolContext: a skill's own settings, for_skill, run_tool, the registries it
looks names up in (SPEC sections 1 and 7)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import BaseModel

from kurt.core.context import ToolContext
from kurt.core.execute import execute_tool
from kurt.core.result import ToolResult
from kurt.core.tool import Tool
from kurt.errors import ToolInputError, UnknownNameError
from kurt.registry import TOOLS, attributed_to
from samples import Count, Empty, Registries

Run = Callable[..., ToolResult]


class Seen(BaseModel):
    skill: str | None
    settings: dict[str, Any]


class Peek(Tool[Empty, Seen]):
    """Report the skill and settings the tool was given."""

    name = "peek"
    InputModel = Empty
    OutputModel = Seen

    async def run(self, params: Empty, context: ToolContext, on_progress: Any = None) -> ToolResult:
        return ToolResult.ok([Seen(skill=context.skill, settings=vars(context.settings))])


def settings_by_skill(skill: str | None) -> SimpleNamespace:
    return SimpleNamespace(owner=skill or "kurt")


def test_a_tool_gets_its_own_skills_settings_only(
    run: Run, tools: Any, registries: Registries
) -> None:
    with attributed_to("peeker"):
        tools.register(Peek)
    context = registries.context(
        settings=SimpleNamespace(owner="caller"), settings_for=settings_by_skill
    )
    result = run("peek", {}, context)
    assert result.data == [{"skill": "peeker", "settings": {"owner": "peeker"}}]
    assert result.metadata["skill"] == "peeker"


def test_for_skill_swaps_settings_and_keeps_the_rest() -> None:
    # Made without registries, a context looks names up in the global ones.
    base = ToolContext(db="the-db", llm="the-llm", settings_for=settings_by_skill)
    derived = base.for_skill("web-archiver")
    assert (derived.skill, derived.settings.owner) == ("web-archiver", "web-archiver")
    assert (derived.db, derived.llm, derived.tools) == ("the-db", "the-llm", TOOLS)
    assert base.skill is None  # frozen: the original is untouched
    assert derived.for_skill("web-archiver") is derived
    assert derived.for_skill(None).settings.owner == "kurt"


def test_without_a_settings_factory_settings_are_empty() -> None:
    context = ToolContext().for_skill("anything")
    assert vars(context.settings) == {}


def test_run_tool_reaches_another_tool_with_its_own_settings(
    run: Run, tools: Any, registries: Registries
) -> None:
    with attributed_to("peeker"):
        tools.register(Peek)

    class Relay(Tool[Empty, Seen]):
        name = "relay"
        InputModel = Empty
        OutputModel = Seen

        async def run(
            self, params: Empty, context: ToolContext, on_progress: Any = None
        ) -> ToolResult:
            inner = await context.run_tool("peek")
            return ToolResult.ok(
                [*inner.data, Seen(skill=context.skill, settings=vars(context.settings))]
            )

    with attributed_to("relayer"):
        tools.register(Relay)
    result = run("relay", {}, registries.context(settings_for=settings_by_skill))
    assert result.data == [
        {"skill": "peeker", "settings": {"owner": "peeker"}},
        {"skill": "relayer", "settings": {"owner": "relayer"}},
    ]


def test_run_tool_validates_input_like_execute_tool(tools: Any, registries: Registries) -> None:
    context = registries.context()
    with pytest.raises(ToolInputError, match="field 'n'"):
        asyncio.run(context.run_tool("count", {"n": "x"}))
    result = asyncio.run(context.run_tool("count", {"n": 1}))
    assert result.data == [{"index": 0, "label": "item"}]


def test_a_context_looks_names_up_in_the_registries_it_is_given(tools: Any) -> None:
    other = Registries()
    other.tools.register(name="only-here")(Count)
    context = other.context()
    assert asyncio.run(execute_tool("only-here", {"n": 1}, context)).success is True
    with pytest.raises(UnknownNameError):
        asyncio.run(execute_tool("count", {"n": 1}, context))
