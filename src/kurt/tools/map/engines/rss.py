"""The ``rss`` mapper: the entry links of an RSS (0.9x, 1.0, 2.0) or Atom feed.

The feed may be a URL or a local file (a path or a ``file://`` URL), read from
disk with the same byte limit and safe parsing. Links are listed as written; a
relative one is resolved against the feed's own URL (for a file, its
``file://`` URI).
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

from kurt.core.engines import BaseMapper, MapResult
from kurt.registry import register_mapper
from kurt.tools.http import fetch_options
from kurt.tools.map.local import Reader, check_file
from kurt.tools.map.options import map_options, url_wanted
from kurt.tools.map.safexml import children, gunzip, local_name, parse_xml, text_of
from kurt.tools.paths import canonical, is_local, join

if TYPE_CHECKING:
    from kurt.core.context import ToolContext

_FEED_TYPES = (
    "text/",
    "application/xml",
    "application/rss+xml",
    "application/x-rss+xml",  # what Python's http.server sends for .rss
    "application/atom+xml",
    "application/rdf+xml",
    "application/feed+xml",
    "application/gzip",
    "application/octet-stream",
)
_FEED_WORDS = ("rss", "atom", "feed")


def looks_like_feed(source: str) -> bool:
    """Whether ``source``'s path names a feed (``/feed``, ``rss.xml``, ``x.atom``, ...)."""
    last = urlsplit(source).path.lower().rstrip("/").rpartition("/")[2]
    return any(word in last for word in _FEED_WORDS)


@register_mapper
class RssMapper(BaseMapper):
    """List the entry links of an RSS or Atom feed."""

    name = "rss"

    async def map(self, source: str, context: ToolContext) -> MapResult:
        options = map_options(context)
        fetch = fetch_options(context)
        local = is_local(source)
        start = canonical(source)
        if local:
            check_file(start, self.name)
        async with Reader(context, engine=self.name, local=local) as reader:
            got = await reader.read(start, _FEED_TYPES)
        root = parse_xml(got.url, gunzip(got.url, got.body, fetch.max_bytes))
        kind = local_name(root)
        if kind == "feed":
            links = [_atom_link(entry) for entry in children(root, "entry")]
        elif kind in {"rss", "RDF"}:
            # RSS 2.0 nests items in <channel>; RSS 1.0 (RDF) puts them beside it.
            holders = [root, *children(root, "channel")]
            links = [_rss_link(item) for holder in holders for item in children(holder, "item")]
        else:
            return MapResult(source=source, errors=[f"not an RSS or Atom feed (root <{kind}>)"])
        result = MapResult(source=source, metadata={"format": "atom" if kind == "feed" else "rss"})
        listed: set[str] = set()
        for link in links:
            if len(result.urls) >= options.max_urls:
                break
            absolute = join(got.url, link) if link else None
            if absolute is not None and absolute not in listed and url_wanted(absolute, options):
                listed.add(absolute)
                result.urls.append(absolute)
        return result


def _rss_link(item: Element) -> str | None:
    link = text_of(item, "link")
    if link:
        return link
    # <guid> is a permalink unless it says otherwise.
    for guid in children(item, "guid"):
        if guid.get("isPermaLink", "true").lower() == "true" and (guid.text or "").strip():
            return (guid.text or "").strip()
    return None


def _atom_link(entry: Element) -> str | None:
    links = children(entry, "link")
    for link in links:
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link.get("href")
    return links[0].get("href") if links and links[0].get("href") else None
