"""The ``crawl`` mapper: a breadth-first crawl of one site.

Starting from the source page it follows ``<a href>`` links on the same host
(scheme and port included), level by level up to ``[map].max_depth`` (the
start page is depth 0), listing at most ``[map].max_urls`` URLs. robots.txt
is respected for Kurt's user agent; include/exclude patterns decide which
URLs are listed and followed. Pages of one level are fetched concurrently
(``[fetch].concurrency`` at a time). A page that fails is left out of the list
and reported; a page that is not HTML is listed but not followed. A local
path is refused: a crawl needs an http(s) URL.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from kurt.core.engines import BaseMapper, FetchError, MapResult
from kurt.registry import register_mapper
from kurt.tools.http import HTML_TYPES, DownloadPolicy, client_for, download, fetch_options
from kurt.tools.map.local import require_web
from kurt.tools.map.options import map_options, url_wanted

if TYPE_CHECKING:
    from kurt.core.context import ToolContext


@register_mapper
class CrawlMapper(BaseMapper):
    """Crawl one site breadth-first (same host, depth and URL limits, robots.txt)."""

    name = "crawl"

    async def map(self, source: str, context: ToolContext) -> MapResult:
        require_web(source, self.name)  # a local file has no links to follow
        options = map_options(context)
        fetch = fetch_options(context)
        policy = DownloadPolicy.from_options(fetch)
        start = urldefrag(source).url
        origin = urlsplit(start)[:2]
        result = MapResult(source=source)
        limit = asyncio.Semaphore(fetch.concurrency)
        disallowed: list[str] = []
        async with client_for(context) as client:
            robots = await _robots(client, urljoin(start, "/robots.txt"), policy)

            async def visit(url: str) -> list[str] | None:
                """The page's links; ``None`` when it failed (and is left out)."""
                async with limit:
                    try:
                        got = await download(client, url, policy, accept=HTML_TYPES)
                    except FetchError as exc:
                        if exc.status_code is not None and exc.status_code < 400:
                            return []  # it exists (not HTML, or too big): a leaf
                        result.errors.append(f"{url}: {exc}")
                        return None
                return await asyncio.to_thread(_links, got.body, got.url)

            seen = {start}
            level = [start]
            for depth in range(options.max_depth + 1):
                allowed = []
                for url in level:
                    if robots.can_fetch(fetch.user_agent, url):
                        allowed.append(url)
                    else:
                        disallowed.append(url)
                follow = depth < options.max_depth
                found = await asyncio.gather(*(visit(url) for url in allowed)) if follow else None
                next_level: list[str] = []
                for index, url in enumerate(allowed):
                    links = found[index] if found is not None else []
                    if links is None:
                        continue
                    if url_wanted(url, options) and len(result.urls) < options.max_urls:
                        result.urls.append(url)
                    for link in links:
                        if link not in seen and urlsplit(link)[:2] == origin:
                            seen.add(link)
                            if url_wanted(link, options):
                                next_level.append(link)
                level = next_level
                if not level or len(result.urls) >= options.max_urls:
                    break
        result.metadata.update(max_depth=options.max_depth, disallowed_by_robots=disallowed)
        return result


async def _robots(client: httpx.AsyncClient, url: str, policy: DownloadPolicy) -> RobotFileParser:
    """The site's robots.txt rules; a missing or unreadable file allows everything."""
    parser = RobotFileParser(url)
    try:
        got = await download(client, url, policy, accept=("text/",))
    except FetchError:
        parser.parse([])
        return parser
    parser.parse(got.text.splitlines())
    return parser


def _links(body: bytes, base: str) -> list[str]:
    """Absolute http(s) links of an HTML page, fragments dropped, in page order."""
    import lxml.html

    try:
        tree = lxml.html.document_fromstring(body)
    except Exception:  # lxml raises several kinds on garbage: no links then
        return []
    declared = tree.find(".//base")
    if declared is not None and declared.get("href"):
        base = urljoin(base, declared.get("href", ""))
    links: list[str] = []
    for href in tree.xpath("//a/@href"):
        absolute = urldefrag(urljoin(base, str(href).strip())).url
        if absolute.startswith(("http://", "https://")) and absolute not in links:
            links.append(absolute)
    return links
