"""page-summary: a tool that asks a language model through ``context.llm``.

``await context.llm.complete(prompt, output_type=PageSummary)`` returns a
``PageSummary`` that pydantic has validated (pydantic-ai asks the model again
when its answer does not fit). The model is the project's ``[llm] model``; the
manifest's ``requires_llm: true`` makes the skill unusable, before this code
runs, while none is configured. In tests, ``kurt.testing.make_context`` gives
an offline model (pydantic-ai's ``TestModel``): no network, no key.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, field_validator

from kurt import ErrorInfo, Tool, ToolContext, ToolResult, register_tool
from kurt.core.progress import ProgressCallback


class SummaryInput(BaseModel):
    urls: list[str] = Field(min_length=1, description="Pages to summarise: URLs or local paths.")

    @field_validator("urls", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value  # `-p urls=page.html`


class PageSummary(BaseModel):
    """What the model is asked for."""

    title: str = Field(description="The page's title, in a few words")
    summary: str = Field(description="One paragraph saying what the page is about")
    key_points: list[str] = Field(description="Up to five short points the page makes")


class Summarized(PageSummary):
    url: str


PROMPT = """Summarise this page for someone deciding whether to read it.

Title: {title}

{text}"""


@register_tool
class PageSummaryTool(Tool[SummaryInput, Summarized]):
    name = "summarize"
    description = "Fetch pages and summarise each with the configured language model"
    InputModel = SummaryInput
    OutputModel = Summarized

    async def run(
        self,
        params: SummaryInput,
        context: ToolContext,
        on_progress: ProgressCallback | None = None,
    ) -> ToolResult:
        if context.llm is None:
            return ToolResult(success=False, errors=[ErrorInfo(message="no context.llm here")])
        fetched = await context.run_tool("fetch", {"urls": params.urls})
        if not fetched.success:
            return ToolResult(success=False, errors=fetched.errors)
        limit = context.settings.max_chars
        summaries = []
        for page in (_plain(item) for item in fetched.data):
            prompt = PROMPT.format(title=page.get("title") or "", text=page["content"][:limit])
            answer = await context.llm.complete(prompt, output_type=PageSummary)
            summaries.append(Summarized(url=page["url"], **answer.model_dump()).model_dump())
        return ToolResult(success=True, data=summaries)


def _plain(item: Any) -> dict[str, Any]:
    return item.model_dump() if isinstance(item, BaseModel) else dict(item)
