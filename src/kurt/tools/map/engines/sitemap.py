"""The ``sitemap`` mapper: the URLs a site lists in its sitemaps.

The source may be a sitemap (``.xml`` or gzip-compressed ``.xml.gz``), a
``robots.txt``, or a site: then the ``Sitemap:`` lines of its robots.txt are
read, and ``/sitemap.xml`` is tried when there are none. A sitemap index is
followed recursively, within bounds that hold against a site whose indexes
list more indexes without end: each sitemap is read once, indexes nest at most
five deep, and one map reads at most ``[map].max_urls`` + 5 sitemap files
(the rest are reported, not read).

A local file (a path or a ``file://`` URL) is read from disk: a sitemap, a
sitemap index or a robots.txt, gzip-compressed or not. ``<loc>`` URLs are
listed as written; a relative one is resolved against the URL of the sitemap
holding it, as on the web (so against the file's own ``file://`` URI), and the
sitemaps a local index names are read from disk when they are local too.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from kurt.core.engines import BaseMapper, FetchError, MapResult
from kurt.registry import register_mapper
from kurt.tools.http import fetch_options
from kurt.tools.map.local import Reader, check_file
from kurt.tools.map.options import map_options, url_wanted
from kurt.tools.map.safexml import children, gunzip, local_name, parse_xml, text_of
from kurt.tools.paths import canonical, is_local, join

if TYPE_CHECKING:
    from kurt.core.context import ToolContext

_MAX_NESTING = 5
# Servers label sitemaps in many ways; the XML parser is the real check.
_SITEMAP_TYPES = (
    "text/",
    "application/xml",
    "application/gzip",
    "application/x-gzip",
    "application/octet-stream",
    "application/rss+xml",
    "application/x-rss+xml",
    "application/atom+xml",
)


def looks_like_sitemap(source: str) -> bool:
    """Whether ``source`` names a sitemap or robots.txt (rather than a site)."""
    path = urlsplit(source).path.lower()
    return path.endswith((".xml", ".xml.gz", "/robots.txt")) or "sitemap" in path


@register_mapper
class SitemapMapper(BaseMapper):
    """List the URLs of a site's sitemaps (index files followed, gzip read)."""

    name = "sitemap"

    async def map(self, source: str, context: ToolContext) -> MapResult:
        options = map_options(context)
        fetch = fetch_options(context)
        result = MapResult(source=source)
        local = is_local(source)
        start = canonical(source)
        if local:
            check_file(start, self.name)  # a missing file or a folder fails the run
        async with Reader(context, engine=self.name, local=local) as reader:
            if urlsplit(start).path.lower().endswith("/robots.txt"):
                queue = await _robots_sitemaps(reader, start, required=True, result=result)
            elif local or looks_like_sitemap(start):
                queue = [start]  # a local file is a sitemap (never a "site")
            else:
                robots = urljoin(start, "/robots.txt")
                queue = await _robots_sitemaps(reader, robots, required=False, result=result)
                queue = queue or [urljoin(start, "/sitemap.xml")]
            # Every sitemap costs a download: bound their number, not only the URLs.
            budget = options.max_urls + _MAX_NESTING
            pending = deque((url, 0) for url in queue)
            seen: set[str] = set()
            listed: set[str] = set()
            while pending and len(result.urls) < options.max_urls:
                url, depth = pending.popleft()
                if url in seen:
                    continue
                if len(seen) >= budget:
                    result.errors.append(
                        f"{url} and {len(pending)} more sitemap(s) not read: "
                        f"a map reads at most {budget} sitemaps ([map].max_urls + {_MAX_NESTING})"
                    )
                    break
                seen.add(url)
                try:
                    got = await reader.read(url, _SITEMAP_TYPES)
                    root = parse_xml(url, gunzip(url, got.body, fetch.max_bytes))
                except FetchError as exc:
                    result.errors.append(f"{url}: {exc}")
                    continue
                kind = local_name(root)
                if kind == "sitemapindex":
                    if depth >= _MAX_NESTING:
                        result.errors.append(
                            f"{url}: sitemap indexes nested too deep; not followed"
                        )
                        continue
                    for entry in children(root, "sitemap"):
                        loc = text_of(entry, "loc")
                        child = join(url, loc) if loc else None
                        if child is not None and child not in seen:
                            pending.append((child, depth + 1))
                elif kind == "urlset":
                    for entry in children(root, "url"):
                        if len(result.urls) >= options.max_urls:
                            break
                        loc = text_of(entry, "loc")
                        absolute = join(url, loc) if loc else None
                        if absolute is None or absolute in listed:
                            continue
                        if url_wanted(absolute, options):
                            listed.add(absolute)
                            result.urls.append(absolute)
                else:
                    result.errors.append(f"{url}: not a sitemap (root element <{kind}>)")
            result.metadata["sitemaps"] = sorted(seen)
        return result


async def _robots_sitemaps(
    reader: Reader,
    robots_url: str,
    *,
    required: bool,
    result: MapResult,
) -> list[str]:
    """The ``Sitemap:`` URLs of a robots.txt (a missing one is fine unless ``required``)."""
    try:
        got = await reader.read(robots_url, ("text/",))
    except FetchError as exc:
        if required:
            result.errors.append(f"{robots_url}: {exc}")
        return []
    parser = RobotFileParser()
    parser.parse(got.text.splitlines())
    return [urljoin(robots_url, url) for url in parser.site_maps() or []]
