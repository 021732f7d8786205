"""web-archiver: submit a URL to the Internet Archive's Save Page Now service.

The classic first skill: one tool (``archive``), three settings (``base_url``,
``token``, ``timeout``) read from ``context.settings``, and the shared HTTP
client ``context.http``. The token is a secret: it arrives as a pydantic
``SecretStr`` and is unwrapped only to build the request header, so it never
reaches the result, the logs or an error message.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from pydantic import BaseModel, Field

from kurt import Tool, ToolContext, ToolResult, register_tool
from kurt.core.progress import ProgressCallback


class ArchiveInput(BaseModel):
    url: str = Field(description="The page to archive (http or https).")


class Archived(BaseModel):
    url: str = Field(description="The page that was submitted.")
    status_code: int = Field(description="The archive service's HTTP status.")
    job_id: str | None = Field(default=None, description="The service's capture job, if any.")
    archive_url: str | None = Field(default=None, description="Where the archived copy lives.")


def secret_value(value: Any) -> str | None:
    """The plain text of a secret setting (``SecretStr``, plain string or unset)."""
    if value is None:
        return None
    reveal = getattr(value, "get_secret_value", None)
    text = reveal() if callable(reveal) else str(value)
    return text or None


@register_tool
class WebArchiverTool(Tool[ArchiveInput, Archived]):
    """Archive one URL and return where the copy lives."""

    name = "archive"
    description = "Archive one URL and return where the copy lives"
    InputModel = ArchiveInput
    OutputModel = Archived

    async def run(
        self,
        params: ArchiveInput,
        context: ToolContext,
        on_progress: ProgressCallback | None = None,
    ) -> ToolResult:
        import httpx

        if not params.url.startswith(("http://", "https://")):
            return ToolResult.failure(f"only http and https URLs can be archived: {params.url}")
        settings = context.settings
        headers = {"Accept": "application/json"}
        token = secret_value(getattr(settings, "token", None))
        if token:
            headers["Authorization"] = f"LOW {token}"
        request = {
            "data": {"url": params.url},
            "headers": headers,
            "timeout": float(settings.timeout),
        }
        try:
            if context.http is not None:
                response = await context.http.post(settings.base_url, **request)
            else:  # a context built by hand, without Kurt's shared client
                async with httpx.AsyncClient(follow_redirects=True) as client:
                    response = await client.post(settings.base_url, **request)
        except httpx.HTTPError as exc:
            # Never str(exc.request): the headers hold the token.
            return ToolResult.failure(
                f"could not reach the archive service at {settings.base_url}: {type(exc).__name__}"
            )
        if response.status_code >= 400:
            return ToolResult.failure(
                f"the archive service refused {params.url}: HTTP {response.status_code}",
                status_code=response.status_code,
            )
        job_id: str | None = None
        if response.headers.get("content-type", "").startswith("application/json"):
            body = response.json()
            if isinstance(body, dict) and isinstance(body.get("job_id"), str):
                job_id = body["job_id"]
        location = response.headers.get("content-location") or response.headers.get("location")
        archive_url = urljoin(str(response.url), location) if location else None
        return ToolResult.ok(
            [
                Archived(
                    url=params.url,
                    status_code=response.status_code,
                    job_id=job_id,
                    archive_url=archive_url,
                )
            ]
        )
