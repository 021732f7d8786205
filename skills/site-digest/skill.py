"""site-digest: map a source, fetch its pages, and digest each one.

A tool skill that builds on Kurt's own tools instead of re-implementing them:
``context.run_tool("map", ...)`` lists the pages, ``context.run_tool("fetch", ...)``
downloads or reads them (and stores them in the project's database), and the
skill's settings (``context.settings.max_words``, ``context.settings.label``)
shape the digest.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from kurt import Tool, ToolContext, ToolResult, register_tool
from kurt.core.progress import ProgressCallback
from kurt.core.result import ErrorInfo

from .digest import page_name, summarize


class DigestInput(BaseModel):
    source: str = Field(description="A folder, file, sitemap, feed or site URL to digest.")
    limit: int = Field(default=20, ge=1, description="The most pages to digest.")


class PageDigest(BaseModel):
    label: str = Field(description="The skill's `label` setting.")
    page: str = Field(description="The page's path below the source (or its URL path).")
    title: str | None = None
    words: int = Field(description="Words in the page's main text.")
    excerpt: str = Field(description="The first `max_words` words of the page.")


@register_tool
class SiteDigestTool(Tool[DigestInput, PageDigest]):
    """Digest every page a source leads to (map, then fetch, then summarise)."""

    name = "site-digest"
    description = "Digest every page a source leads to (map, then fetch, then summarise)"
    InputModel = DigestInput
    OutputModel = PageDigest

    async def run(
        self,
        params: DigestInput,
        context: ToolContext,
        on_progress: ProgressCallback | None = None,
    ) -> ToolResult:
        mapped = await context.run_tool("map", {"source": params.source})
        urls = [item["url"] for item in mapped.data][: params.limit]
        source = mapped.data[0]["source"] if mapped.data else params.source
        if not urls:
            return ToolResult(
                success=False,
                errors=[*mapped.errors, ErrorInfo(message=f"no pages found in {params.source}")],
            )
        fetched = await context.run_tool("fetch", {"urls": urls}, on_progress)
        max_words = context.settings.max_words
        label = context.settings.label
        digests = []
        for page in fetched.data:
            words, excerpt = summarize(page.get("content") or "", max_words, page.get("title"))
            digests.append(
                PageDigest(
                    label=label,
                    page=page_name(page["url"], source),
                    title=page.get("title"),
                    words=words,
                    excerpt=excerpt,
                )
            )
        return ToolResult.ok(digests, errors=[*mapped.errors, *fetched.errors], pages=len(digests))
