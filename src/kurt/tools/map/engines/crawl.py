"""The ``crawl`` mapper: a breadth-first crawl of one site.

Starting from the source page it follows ``<a href>`` links on the same host
(scheme and port included), level by level up to ``[map].max_depth`` (the
start page is depth 0), listing at most ``[map].max_urls`` URLs. robots.txt
is respected for Kurt's user agent; include/exclude patterns decide which
URLs are listed and followed. A page that fails is left out of the list and
reported; a page that is not HTML is listed but not followed. A local path is
refused: a crawl needs an http(s) URL.

The work is bounded, not only the output: each URL is visited once; a level
is fetched only as far as there is room left under ``max_urls`` (concurrently,
``[fetch].concurrency`` at a time), so a page with thousands of links does not
make the crawl download them all; the links of a page are collected with
sets, in time linear in their number; and each visited page moves the
progress (``ToolContext.progress``).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from kurt.core.engines import BaseMapper, FetchError, MapResult
from kurt.core.progress import ProgressEvent, report
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
        prefix = f"{origin[0]}://{origin[1]}/"  # the quick same-origin test
        result = MapResult(source=source)
        limit = asyncio.Semaphore(fetch.concurrency)
        disallowed: list[str] = []
        visited = 0
        on_progress = context.progress
        async with client_for(context) as client:
            robots = await _robots(client, urljoin(start, "/robots.txt"), policy)

            async def visit(url: str) -> list[str] | None:
                """The page's links; ``None`` when it failed (and is left out)."""
                nonlocal visited
                async with limit:
                    try:
                        got = await download(client, url, policy, accept=HTML_TYPES)
                    except FetchError as exc:
                        if exc.status_code is not None and exc.status_code < 400:
                            got = None  # it exists (not HTML, or too big): a leaf
                        else:
                            result.errors.append(f"{url}: {exc}")
                            return None
                    finally:
                        visited += 1
                        # A bar of its own beside the map tool's (one source): the pages
                        # visited as they come, of a total nobody knows in advance.
                        event = ProgressEvent(tool="map", stage="crawl", current=visited, item=url)
                        report(on_progress, event)
                return [] if got is None else await asyncio.to_thread(_links, got.body, got.url)

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
                next_level: list[str] = []
                # Fetch only as many pages of the level as may still be listed;
                # a page that fails leaves room for the next one.
                while allowed and len(result.urls) < options.max_urls:
                    room = options.max_urls - len(result.urls)
                    batch, allowed = allowed[:room], allowed[room:]
                    if follow:
                        found = await asyncio.gather(*(visit(url) for url in batch))
                    else:
                        found = [[] for _ in batch]  # the last level is listed, not fetched
                    for url, links in zip(batch, found, strict=True):
                        if links is None:
                            continue
                        if url_wanted(url, options) and len(result.urls) < options.max_urls:
                            result.urls.append(url)
                        for link in links:
                            if link in seen:
                                continue
                            if _same_origin(link, prefix, origin):
                                seen.add(link)
                                if url_wanted(link, options):
                                    next_level.append(link)
                level = next_level
                if not level or len(result.urls) >= options.max_urls:
                    break
        result.metadata.update(
            max_depth=options.max_depth, visited=visited, disallowed_by_robots=disallowed
        )
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
    """Absolute http(s) links of an HTML page, fragments dropped, each once, in page order.

    Linear in the number of links (a dict keeps the order and the membership
    test): a page with 200,000 links takes a second, not minutes.
    """
    import lxml.html

    try:
        tree = lxml.html.document_fromstring(body)
    except Exception:  # lxml raises several kinds on garbage: no links then
        return []
    declared = tree.find(".//base")
    if declared is not None and declared.get("href"):
        base = urljoin(base, declared.get("href", ""))
    parts = urlsplit(base)
    origin = f"{parts.scheme}://{parts.netloc}"
    links: dict[str, None] = {}
    for href in tree.xpath("//a/@href"):
        try:
            absolute = _absolute(base, origin, str(href).strip())
        except ValueError:  # "http://[::1" and the like: not a link to follow
            continue
        if absolute.startswith(("http://", "https://")) and absolute not in links:
            links[absolute] = None
    return list(links)


def _same_origin(link: str, prefix: str, origin: tuple[str, str]) -> bool:
    if link.startswith(prefix):
        return True
    try:
        return urlsplit(link)[:2] == origin
    except ValueError:  # "http://[::1/x": no origin at all
        return False


def _absolute(base: str, origin: str, href: str) -> str:
    """``href`` made absolute against ``base``, without its fragment.

    ``urljoin`` costs microseconds a call, which 200,000 links turn into
    seconds: the two common shapes (an absolute URL, a path from the root)
    are joined by hand when they hold no dot segment to resolve.
    """
    if "/." in href or href.startswith("//"):
        joined = urljoin(base, href)
    elif href.startswith(("http://", "https://")):
        joined = href
    elif href.startswith("/"):
        joined = origin + href
    else:
        joined = urljoin(base, href)
    return joined.partition("#")[0]
