"""json-api: a fetcher that turns a JSON API response into readable text.

A fetcher receives one URL and returns a :class:`~kurt.FetchResult`. This one
reads its own settings (``title_key``, ``content_key``, ``token``) from
``context.settings`` and downloads with the shared client ``context.http``;
a failure for one URL is a :class:`~kurt.FetchError`, which the ``fetch`` tool
reports for that URL while the rest of the batch goes on.
"""

from __future__ import annotations

import json
from typing import Any

from kurt import BaseFetcher, FetchError, FetchResult, ToolContext, register_fetcher


def pick(document: Any, dotted: str) -> Any:
    """The value at ``dotted`` (``"data.items.0.title"``) in ``document``, or None."""
    value = document
    for part in dotted.split(".") if dotted else ():
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def render(value: Any, indent: int = 0) -> list[str]:
    """JSON as indented ``key: value`` lines, lists as ``-`` items."""
    pad = "  " * indent
    if isinstance(value, dict):
        lines: list[str] = []
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                lines.append(f"{pad}{key}:")
                lines.extend(render(item, indent + 1))
            else:
                lines.append(f"{pad}{key}: {_scalar(item)}")
        return lines
    if isinstance(value, list):
        lines = []
        for item in value:
            if isinstance(item, dict | list) and item:
                lines.append(f"{pad}-")
                lines.extend(render(item, indent + 1))
            else:
                lines.append(f"{pad}- {_scalar(item)}")
        return lines
    return [f"{pad}{_scalar(value)}"]


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value)


@register_fetcher
class JsonApiFetcher(BaseFetcher):
    """Fetch a JSON API URL and turn the response into text."""

    name = "json-api"
    description = "Fetch a JSON API URL and turn the response into text"

    async def fetch(self, url: str, context: ToolContext) -> FetchResult:
        import httpx

        settings = context.settings
        headers = {"Accept": "application/json"}
        token = getattr(settings, "token", None)
        if token is not None and (secret := token.get_secret_value()):
            headers["Authorization"] = f"Bearer {secret}"
        try:
            if context.http is not None:
                response = await context.http.get(url, headers=headers)
            else:  # a context built by hand, without Kurt's shared client
                async with httpx.AsyncClient(follow_redirects=True) as client:
                    response = await client.get(url, headers=headers)
        except httpx.HTTPError as exc:
            raise FetchError(url, f"request failed: {type(exc).__name__}") from None
        if response.status_code >= 400:
            raise FetchError(url, f"HTTP {response.status_code}", status_code=response.status_code)
        try:
            document = response.json()
        except ValueError:
            kind = response.headers.get("content-type", "unknown")
            raise FetchError(
                url,
                f"the response is not JSON (content type {kind})",
                status_code=response.status_code,
            ) from None
        title = pick(document, settings.title_key)
        body = pick(document, settings.content_key) if settings.content_key else document
        content = body if isinstance(body, str) else "\n".join(render(body))
        return FetchResult(
            url=url,
            content=content,
            content_type=response.headers.get("content-type"),
            status_code=response.status_code,
            title=title if isinstance(title, str) else None,
            metadata={"engine": self.name},
        )
