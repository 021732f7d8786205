"""opml: a mapper that lists the feeds of an OPML subscription list.

A mapper receives one source and returns a :class:`~kurt.MapResult` holding
URLs. This one reads a local file or downloads a remote one with the shared
client ``context.http``, parses it with ``defusedxml`` (hostile XML is
refused, not expanded), and uses its settings ``attribute`` and ``folder``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse

from kurt import BaseMapper, MapResult, ToolContext, register_mapper

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element


class OpmlError(Exception):
    """The source could not be read or is not OPML."""


def feed_urls(root: Element, attribute: str, folder: str) -> list[str]:
    """Every ``attribute`` of the outlines under ``<body>`` (only inside the
    outline titled ``folder`` when given), in document order, without repeats."""
    body = root.find("body")
    if root.tag != "opml" or body is None:
        raise OpmlError("not an OPML document (expected <opml> with a <body>)")
    scopes = [body]
    if folder:
        scopes = [
            outline
            for outline in body.iter("outline")
            if folder in (outline.get("text"), outline.get("title"))
        ]
        if not scopes:
            raise OpmlError(f"no folder titled {folder!r} in this OPML file")
    urls: list[str] = []
    for scope in scopes:
        for outline in scope.iter("outline"):
            url = (outline.get(attribute) or "").strip()
            if url and url not in urls:
                urls.append(url)
    return urls


async def read_source(source: str, context: ToolContext) -> bytes:
    """The bytes of a local path, a ``file://`` URL or an ``http(s)://`` URL."""
    parsed = urlparse(source)
    if parsed.scheme in ("http", "https"):
        import httpx

        try:
            if context.http is not None:
                response = await context.http.get(source)
            else:  # a context built by hand, without Kurt's shared client
                async with httpx.AsyncClient(follow_redirects=True) as client:
                    response = await client.get(source)
        except httpx.HTTPError as exc:
            raise OpmlError(f"request failed: {type(exc).__name__}") from None
        if response.status_code >= 400:
            raise OpmlError(f"HTTP {response.status_code}")
        return response.content
    path = Path(unquote(parsed.path)) if parsed.scheme == "file" else Path(source)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise OpmlError(f"cannot read {path}: {exc.strerror or exc}") from None


@register_mapper
class OpmlMapper(BaseMapper):
    """List the feeds (or sites) of an OPML file, local or remote."""

    name = "opml"
    description = "List the feeds (or sites) of an OPML file, local or remote"

    async def map(self, source: str, context: ToolContext) -> MapResult:
        from defusedxml import DefusedXmlException
        from defusedxml.ElementTree import ParseError, fromstring

        settings = context.settings
        try:
            raw = await read_source(source, context)
            try:
                root = fromstring(raw)
            except (ParseError, DefusedXmlException) as exc:
                raise OpmlError(f"not valid XML: {exc}") from None
            urls = feed_urls(root, settings.attribute, settings.folder)
        except OpmlError as exc:
            return MapResult(source=source, errors=[f"{source}: {exc}"])
        return MapResult(source=source, urls=urls, metadata={"engine": self.name})
