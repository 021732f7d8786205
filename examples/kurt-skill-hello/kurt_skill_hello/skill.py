"""The ``hello`` tool: one input, one setting, one line of output."""

from __future__ import annotations

from pydantic import BaseModel, Field

from kurt import Tool, ToolContext, ToolResult, register_tool
from kurt.core.progress import ProgressCallback


class HelloInput(BaseModel):
    name: str = Field(default="world", description="Who to greet.")


class Greeting(BaseModel):
    message: str


@register_tool
class HelloTool(Tool[HelloInput, Greeting]):
    """Say hello to someone."""

    name = "hello"
    description = "Say hello to someone"
    InputModel = HelloInput
    OutputModel = Greeting

    async def run(
        self,
        params: HelloInput,
        context: ToolContext,
        on_progress: ProgressCallback | None = None,
    ) -> ToolResult:
        greeting = getattr(context.settings, "greeting", "Hello")
        return ToolResult.ok([Greeting(message=f"{greeting}, {params.name}!")])
