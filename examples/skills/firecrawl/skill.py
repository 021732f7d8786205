"""firecrawl: a fetcher that scrapes pages through Firecrawl's JSON API.

One request per URL: ``POST {base_url}/v1/scrape`` with ``{"url", "formats":
["markdown"], "onlyMainContent"}`` and the key as a bearer token. The answer is
``{"success": true, "data": {"markdown", "metadata": {"title", "statusCode",
...}}}``, or ``{"success": false, "error"}`` with an HTTP error status. Each
failure is a :class:`~kurt.FetchError` for that URL; the key is never part of
a message.
"""

from __future__ import annotations

from typing import Any

from kurt import BaseFetcher, FetchError, FetchResult, ToolContext, register_fetcher

KEY_VARIABLE = "FIRECRAWL_API_KEY"


def api_key(context: ToolContext, url: str) -> str:
    """The API key from the settings, or a FetchError naming the variable (before
    any request: a call without a key would only be refused, and cost a round trip)."""
    secret = getattr(context.settings, "api_key", None)
    key = secret.get_secret_value() if secret is not None else ""
    if not key:
        raise FetchError(url, f"no Firecrawl API key: set {KEY_VARIABLE}")
    return str(key)


def scraped(url: str, answer: Any, status: int) -> FetchResult:
    """The FetchResult of one scrape answer, or a FetchError saying what came back."""
    if not isinstance(answer, dict) or not answer.get("success"):
        error = answer.get("error") if isinstance(answer, dict) else None
        raise FetchError(url, f"Firecrawl: {error or 'the scrape failed'}", status_code=status)
    data = answer.get("data") or {}
    metadata = data.get("metadata") or {}
    return FetchResult(
        url=url,
        content=data.get("markdown") or "",
        content_type="text/markdown",
        status_code=metadata.get("statusCode"),
        title=metadata.get("title"),
        language=metadata.get("language"),
        metadata={"engine": "firecrawl", "source_url": metadata.get("sourceURL")},
    )


@register_fetcher
class FirecrawlFetcher(BaseFetcher):
    """Scrape a page through Firecrawl and keep its Markdown."""

    name = "firecrawl"
    description = "Scrape a page through Firecrawl and keep its Markdown"

    async def fetch(self, url: str, context: ToolContext) -> FetchResult:
        import httpx

        settings = context.settings
        key = api_key(context, url)
        endpoint = settings.base_url.rstrip("/") + "/v1/scrape"
        body = {"url": url, "formats": ["markdown"], "onlyMainContent": settings.only_main_content}
        headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"}
        try:
            if context.http is not None:
                response = await context.http.post(
                    endpoint, json=body, headers=headers, timeout=settings.timeout
                )
            else:  # a context built by hand, without Kurt's shared client
                async with httpx.AsyncClient(timeout=settings.timeout) as client:
                    response = await client.post(endpoint, json=body, headers=headers)
        except httpx.HTTPError as exc:
            raise FetchError(url, f"Firecrawl request failed: {type(exc).__name__}") from None
        try:
            answer = response.json()
        except ValueError:
            raise FetchError(
                url,
                f"Firecrawl answered HTTP {response.status_code}, not JSON",
                status_code=response.status_code,
            ) from None
        return scraped(url, answer, response.status_code)
