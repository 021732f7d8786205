"""The ``file`` fetcher: local paths and ``file://`` URLs (HTML, Markdown, text).

HTML files go through the same extraction as web pages (main text, title,
author, date, language); Markdown and text are kept as written, titled by their
first heading. Only regular files are read (a FIFO, a device such as
``/dev/zero`` or a link to one is refused without blocking), and never past
``[fetch].max_bytes``, whatever the file's size says. Binary files are refused.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from kurt.core.engines import BaseFetcher, FetchError, FetchResult
from kurt.registry import register_fetcher
from kurt.tools.fetch.extract import extract, kind_of
from kurt.tools.http import fetch_options
from kurt.tools.localfile import read_source
from kurt.tools.paths import to_path

if TYPE_CHECKING:
    from kurt.core.context import ToolContext

_CONTENT_TYPES = {"html": "text/html", "markdown": "text/markdown", "text": "text/plain"}


@register_fetcher
class FileFetcher(BaseFetcher):
    """Read a local HTML, Markdown or text file (a path or a file:// URL)."""

    name = "file"

    async def fetch(self, url: str, context: ToolContext) -> FetchResult:
        path = to_path(url)
        max_bytes = fetch_options(context).max_bytes
        body = await asyncio.to_thread(_read, url, path, max_bytes)
        kind = kind_of(None, path.name)
        found = extract(body, kind, url=url, metadata=True)
        return FetchResult(
            url=url,
            content=found.text,
            content_type=_CONTENT_TYPES[kind],
            title=found.title,
            author=found.author,
            date=found.date,
            language=found.language,
            metadata={"path": str(path.resolve())},
        )


def _read(url: str, path: Path, max_bytes: int) -> bytes:
    if path.is_dir():
        raise FetchError(url, f"'{path}' is a folder; list its files with: kurt map {path}")
    body = read_source(url, path, max_bytes)
    if b"\x00" in body[:8192]:  # text never holds NUL bytes; binaries nearly always do
        raise FetchError(url, f"'{path.name}' is a binary file, not HTML, Markdown or text")
    return body
