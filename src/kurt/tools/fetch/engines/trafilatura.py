"""The ``trafilatura`` fetcher: main text plus title, author, date and language.

The page is downloaded with Kurt's shared httpx client (trafilatura's own
downloader refuses loopback and private addresses, and would bypass Kurt's
timeouts, retries and size limit); trafilatura does the extraction only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kurt.core.engines import BaseFetcher, FetchResult
from kurt.registry import register_fetcher
from kurt.tools.fetch.engines._web import fetch_web

if TYPE_CHECKING:
    from kurt.core.context import ToolContext


@register_fetcher
class TrafilaturaFetcher(BaseFetcher):
    """Download a page and extract its main text with title, author, date and language."""

    name = "trafilatura"

    async def fetch(self, url: str, context: ToolContext) -> FetchResult:
        return await fetch_web(url, context, metadata=True)
