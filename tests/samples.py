"""The sample tools, fetchers and mappers Kurt's tests register, and the fresh
registries they register them in.

Import it as ``samples`` (``tests/`` is on ``sys.path``: its conftest sits in
a folder without ``__init__.py``). None of these classes registers itself: a
test registers the ones it needs, into the registries of its ``registries``
fixture (see tests/conftest.py) or, when the code under test goes through the
global decorators (the CLI, skill loading), into the global ones.

Keep each sample's behaviour fixed: tests assert its exact output and messages.
A test that needs a tool that differs (a plain ``def run``, a missing model, a
run that returns the wrong type) writes that one next to the test, so the
difference is in sight.
"""

from __future__ import annotations

from typing import Any

import attrs
from pydantic import BaseModel, Field

from kurt.core.context import ToolContext
from kurt.core.engines import BaseFetcher, BaseMapper, FetchResult, MapResult
from kurt.core.progress import ProgressCallback, ProgressEvent, report
from kurt.core.result import ToolResult
from kurt.core.tool import Tool
from kurt.registry import Registry

# -- tools ----------------------------------------------------------------------------


class Text(BaseModel):
    text: str = ""


class Echo(Tool[Text, Text]):
    """Echo the text back."""

    name = "echo"
    InputModel = Text
    OutputModel = Text

    async def run(self, params: Text, context: ToolContext, on_progress: Any = None) -> ToolResult:
        return ToolResult.ok([params])


class GreetIn(BaseModel):
    """Fields of every sort ``kurt tool info`` shows: described, required, a
    default, a constraint, a list."""

    name: str = Field(description="Who to greet.")
    times: int = Field(default=1, ge=1, description="How many greetings.")
    tags: list[str] = Field(default_factory=list)


class Greeting(BaseModel):
    greeting: str
    tags: list[str]


class Greet(Tool[GreetIn, Greeting]):
    """Greet someone politely."""

    name = "greet"
    InputModel = GreetIn
    OutputModel = Greeting

    async def run(
        self, params: GreetIn, context: ToolContext, on_progress: Any = None
    ) -> ToolResult:
        item = Greeting(greeting=f"Hello, {params.name}!", tags=params.tags)
        return ToolResult.ok([item] * params.times)


class Crash(Tool[GreetIn, Greeting]):
    """Always fails."""

    name = "crash"
    InputModel = GreetIn
    OutputModel = Greeting

    async def run(
        self, params: GreetIn, context: ToolContext, on_progress: Any = None
    ) -> ToolResult:
        raise ConnectionError(f"cannot reach {params.name}")


class CountIn(BaseModel):
    n: int = Field(ge=0)
    label: str = "item"


class CountOut(BaseModel):
    index: int
    label: str


class Count(Tool[CountIn, CountOut]):
    """Count from 0 to n - 1, reporting progress."""

    name = "count"
    InputModel = CountIn
    OutputModel = CountOut

    async def run(
        self, params: CountIn, context: ToolContext, on_progress: ProgressCallback | None = None
    ) -> ToolResult:
        items = []
        for index in range(params.n):
            items.append(CountOut(index=index, label=params.label))
            report(on_progress, ProgressEvent(tool=self.name, stage="count", current=index + 1))
        return ToolResult.ok(items, substeps=[{"name": "count", "duration_ms": 0.0}])


class Empty(BaseModel):
    pass


class Boom(Tool[Empty, Empty]):
    """Take nothing and raise; subclass it for a tool that fails another way."""

    name = "boom"
    InputModel = Empty
    OutputModel = Empty

    async def run(self, params: Empty, context: ToolContext, on_progress: Any = None) -> ToolResult:
        raise ValueError("the disk is on fire")


# -- engines ----------------------------------------------------------------------------


class EchoFetcher(BaseFetcher):
    """Return the URL as the content.

    Nothing is fetched: tests of the registry and the CLI need an engine, not a network.
    """

    name = "echo"

    async def fetch(self, url: str, context: ToolContext) -> FetchResult:
        return FetchResult(url=url, content=f"echo of {url}", title="Echo")


class ListMapper(BaseMapper):
    """Map a comma-separated source to its parts.

    Nothing is read: the source is the list.
    """

    name = "commas"

    async def map(self, source: str, context: ToolContext) -> MapResult:
        return MapResult(source=source, urls=source.split(","))


# -- fresh registries --------------------------------------------------------------------


@attrs.frozen
class Registries:
    """Three registries of a test's own, knowing Kurt's own names and nothing else
    (what the ``registries`` fixture gives)."""

    tools: Registry[Tool[Any, Any]] = attrs.field(factory=lambda: Registry("tool", Tool))
    fetchers: Registry[BaseFetcher] = attrs.field(factory=lambda: Registry("fetcher", BaseFetcher))
    mappers: Registry[BaseMapper] = attrs.field(factory=lambda: Registry("mapper", BaseMapper))

    def context(self, **fields: Any) -> ToolContext:
        """A ToolContext that looks names up in these registries, not the global ones."""
        return ToolContext(tools=self.tools, fetchers=self.fetchers, mappers=self.mappers, **fields)
