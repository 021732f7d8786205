"""tavily: a mapper from a search query to the URLs that answer it.

One request per query: ``POST {base_url}/search`` with ``{"query",
"max_results", "search_depth"}`` and the key as a bearer token. The answer is
``{"query", "results": [{"title", "url", "content", "score"}, ...]}``; the
mapper lists the result URLs in Tavily's order (each once) and keeps each
title and score in the result's metadata. A failure is a :class:`~kurt.FetchError`
naming what the API said; the key is never part of a message.
"""

from __future__ import annotations

from typing import Any

from kurt import BaseMapper, FetchError, MapResult, ToolContext, register_mapper

KEY_VARIABLE = "TAVILY_API_KEY"


def results_of(query: str, answer: Any, status: int) -> MapResult:
    """The MapResult of one search answer, or a FetchError saying what came back."""
    if status >= 400 or not isinstance(answer, dict) or "results" not in answer:
        detail = answer.get("detail") if isinstance(answer, dict) else None
        if isinstance(detail, dict):  # {"detail": {"error": "..."}}
            detail = detail.get("error")
        raise FetchError(
            query, f"Tavily: {detail or f'HTTP {status}, no results'}", status_code=status
        )
    found = [item for item in answer["results"] if isinstance(item, dict) and item.get("url")]
    urls = list(dict.fromkeys(str(item["url"]) for item in found))
    return MapResult(
        source=query,
        urls=urls,
        metadata={
            "query": query,
            "results": [
                {"url": item["url"], "title": item.get("title"), "score": item.get("score")}
                for item in found
            ],
        },
    )


@register_mapper
class TavilyMapper(BaseMapper):
    """Search the web with Tavily and list the result URLs."""

    name = "tavily"
    description = "Search the web with Tavily and list the result URLs"

    async def map(self, source: str, context: ToolContext) -> MapResult:
        import httpx

        settings = context.settings
        secret = getattr(settings, "api_key", None)
        key = secret.get_secret_value() if secret is not None else ""
        if not key:  # before any request: it would only be refused
            raise FetchError(source, f"no Tavily API key: set {KEY_VARIABLE}")
        body = {
            "query": source,
            "max_results": settings.max_results,
            "search_depth": settings.search_depth,
        }
        headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"}
        endpoint = settings.base_url.rstrip("/") + "/search"
        try:
            if context.http is not None:
                response = await context.http.post(endpoint, json=body, headers=headers)
            else:  # a context built by hand, without Kurt's shared client
                async with httpx.AsyncClient() as client:
                    response = await client.post(endpoint, json=body, headers=headers)
        except httpx.HTTPError as exc:
            raise FetchError(source, f"Tavily request failed: {type(exc).__name__}") from None
        try:
            answer = response.json()
        except ValueError:
            answer = None
        return results_of(source, answer, response.status_code)
