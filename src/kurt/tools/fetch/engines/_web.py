"""What the ``httpx`` and ``trafilatura`` fetchers share: download with the
run's client, then extract text (with or without metadata)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kurt.core.engines import FetchResult
from kurt.tools.fetch.extract import extract, kind_of
from kurt.tools.http import TEXT_TYPES, DownloadPolicy, client_for, download, fetch_options

if TYPE_CHECKING:
    from kurt.core.context import ToolContext


async def fetch_web(url: str, context: ToolContext, *, metadata: bool) -> FetchResult:
    """Download ``url`` (text types only) and extract its text."""
    options = fetch_options(context)
    async with client_for(context) as client:
        got = await download(client, url, DownloadPolicy.from_options(options), accept=TEXT_TYPES)
    kind = kind_of(got.content_type, got.url)
    # HTML goes in as bytes: the extractor finds its encoding (meta charset included).
    document = got.body if kind == "html" else got.text
    found = extract(document, kind, url=got.url, metadata=metadata)
    return FetchResult(
        url=url,
        content=found.text,
        content_type=got.content_type,
        status_code=got.status_code,
        title=found.title,
        author=found.author,
        date=found.date,
        language=found.language,
        metadata={"final_url": got.url} if got.url != url else {},
    )
