"""The ``httpx`` fetcher: download with the run's shared client, keep the main text.

Fast extraction without metadata beyond the page title; use ``trafilatura``
for author, date and language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kurt.core.engines import BaseFetcher, FetchResult
from kurt.registry import register_fetcher
from kurt.tools.fetch.engines._web import fetch_web

if TYPE_CHECKING:
    from kurt.core.context import ToolContext


@register_fetcher
class HttpxFetcher(BaseFetcher):
    """Download a page over HTTP(S) and keep its main text and title."""

    name = "httpx"

    async def fetch(self, url: str, context: ToolContext) -> FetchResult:
        return await fetch_web(url, context, metadata=False)
