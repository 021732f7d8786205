"""Local sources for mappers: sitemaps and feeds read from disk, and which is which.

``kurt map www/sitemap.xml`` reads the file itself, not the web. The map tool
hands mappers a local source as its absolute ``file://`` URI; :class:`Reader`
then serves ``file:`` URLs from disk (with the same byte limit as a
download) and every other URL over HTTP. A ``file:`` URL is read only when the
source itself was local: a sitemap on the web may not make Kurt read local
files. :func:`sniff` tells a sitemap from a feed by the root element of the
file, so that ``kurt map`` without ``--engine`` picks the right mapper.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kurt.core.engines import FetchError
from kurt.tools.http import Download, DownloadPolicy, client_for, download, fetch_options
from kurt.tools.localfile import read_head, read_source
from kurt.tools.paths import is_local, to_path

if TYPE_CHECKING:
    import httpx

    from kurt.core.context import ToolContext

__all__ = ["Reader", "check_file", "read_file", "require_web", "sniff"]

# The root element comes after at most an XML declaration, comments and a doctype.
_SNIFF_BYTES = 65_536
_COMMENT = re.compile(rb"<!--.*?-->", re.DOTALL)
_FIRST_TAG = re.compile(rb"<(?![?!/])([^\s/>]+)")
_KINDS = {"urlset": "sitemap", "sitemapindex": "sitemap", "rss": "rss", "RDF": "rss", "feed": "rss"}


def check_file(source: str, engine: str) -> Path:
    """The path of a local ``source``; ``FetchError`` unless it is a file."""
    path = to_path(source)
    if path.is_dir():
        raise FetchError(
            source,
            f"'{path}' is a folder; the {engine} engine reads a file "
            f"(list a folder's files with the folder engine)",
        )
    if not path.exists():
        raise FetchError(source, f"no such file or folder: {path}")
    return path


def read_file(source: str, max_bytes: int, engine: str) -> bytes:
    """The bytes of a local regular file, refused past ``max_bytes`` ([fetch].max_bytes)."""
    return read_source(source, check_file(source, engine), max_bytes)


class Reader:
    """Reads a mapper's documents: ``file:`` URLs from disk, the others over HTTP.

    Use it as ``async with Reader(context, engine="sitemap", local=...) as reader``.
    ``local`` says the source itself was a local file: only then may ``file:``
    URLs be read. The HTTP client (the run's shared one, or one of its own) is
    opened on the first web URL, so mapping a local file never starts one.
    """

    def __init__(self, context: ToolContext | None, *, engine: str, local: bool) -> None:
        self.context = context
        self.engine = engine
        self.local = local
        self.policy = DownloadPolicy.from_options(fetch_options(context))
        self._stack = contextlib.AsyncExitStack()
        self._client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> Reader:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self._stack.aclose()

    async def read(self, url: str, accept: Sequence[str]) -> Download:
        """``url``'s body; ``FetchError`` when it cannot be had."""
        if not url.startswith("file:"):
            if self._client is None:
                self._client = await self._stack.enter_async_context(client_for(self.context))
            return await download(self._client, url, self.policy, accept=accept)
        if not self.local:
            raise FetchError(url, "a local file named by a web source is not read")
        body = await asyncio.to_thread(read_file, url, self.policy.max_bytes, self.engine)
        # A file has no status or declared type; 200 says "read in full".
        return Download(url=url, status_code=200, content_type=None, charset=None, body=body)


def sniff(source: str) -> str | None:
    """``"sitemap"`` or ``"rss"`` from a local file's root element; ``None`` when unsure.

    Only the head of the file is looked at (inflated when gzip), by a pattern,
    not a parser: no entity is ever expanded here. The mapper parses the whole
    file safely later.
    """
    try:
        head = read_head(to_path(source), _SNIFF_BYTES)
    except OSError:  # a FIFO or a device too: not a sitemap, and never waited on
        return None
    if head.startswith(b"\x1f\x8b"):
        try:
            head = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS).decompress(head, _SNIFF_BYTES)
        except zlib.error:
            return None
    found = _FIRST_TAG.search(_COMMENT.sub(b"", head))
    if found is None:
        return None
    name = found.group(1).decode("utf-8", errors="replace").rpartition(":")[2]
    return _KINDS.get(name)


def require_web(source: str, engine: str) -> None:
    """``FetchError`` when ``source`` is a local path: ``engine`` needs an http(s) URL."""
    if is_local(source):
        raise FetchError(
            source,
            f"the {engine} engine needs an http(s) URL, not a local path: {to_path(source)} "
            "(local sitemaps and feeds: the sitemap or rss engine; folders: the folder engine)",
        )
