"""Fixtures of the core tests: the test's own tool registry with the sample
tools ``count`` and ``boom``, and ``run``, which runs a tool by name in it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from kurt.core.context import ToolContext
from kurt.core.execute import execute_tool
from kurt.core.result import ToolResult
from samples import Boom, Count, Registries

Run = Callable[..., ToolResult]


@pytest.fixture
def tools(registries: Registries) -> Any:
    """The test's own tool registry, holding the samples ``count`` and ``boom``."""
    registries.tools.register(Count)
    registries.tools.register(Boom)
    return registries.tools


@pytest.fixture
def run(registries: Registries, tools: Any) -> Run:
    """Run a tool by name, as ``execute_tool`` does, in the test's own registries."""

    def call(
        name: str, params: Any, context: ToolContext | None = None, **kwargs: Any
    ) -> ToolResult:
        return asyncio.run(execute_tool(name, params, context or registries.context(), **kwargs))

    return call
