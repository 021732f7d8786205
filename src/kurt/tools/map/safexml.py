"""Reading sitemaps and feeds safely: size-limited gunzip and defused XML.

Sitemaps and feeds come from anywhere, so the parser refuses entity
declarations and external references (the "billion laughs" and XXE attacks)
through ``defusedxml``, and a gzip body is inflated only up to the byte limit.
"""

from __future__ import annotations

import zlib
from xml.etree.ElementTree import Element

import defusedxml.ElementTree
from defusedxml import DefusedXmlException

from kurt.core.engines import FetchError

__all__ = ["children", "gunzip", "local_name", "parse_xml", "text_of"]

_GZIP_MAGIC = b"\x1f\x8b"


def gunzip(url: str, body: bytes, max_bytes: int) -> bytes:
    """``body`` inflated when it is gzip data (else as is), never past ``max_bytes``."""
    if not body.startswith(_GZIP_MAGIC):
        return body
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, max_bytes + 1)
    except zlib.error as exc:
        raise FetchError(url, f"corrupt gzip data: {exc}") from None
    if len(data) > max_bytes:
        raise FetchError(url, f"unzipped body larger than the {max_bytes}-byte limit")
    return data


def parse_xml(url: str, body: bytes) -> Element:
    """The root element of ``body``; ``FetchError`` for malformed or hostile XML."""
    try:
        return defusedxml.ElementTree.fromstring(body)
    except DefusedXmlException as exc:
        raise FetchError(
            url, f"refused XML with entity declarations or external references ({exc})"
        ) from None
    except defusedxml.ElementTree.ParseError as exc:
        raise FetchError(url, f"not well-formed XML: {exc}") from None


def local_name(element: Element) -> str:
    """The tag without its namespace: ``{http://...}loc`` -> ``loc``."""
    return element.tag.rpartition("}")[2] if isinstance(element.tag, str) else ""


def children(element: Element, name: str) -> list[Element]:
    """Direct children whose local name is ``name``, whatever their namespace."""
    return [child for child in element if local_name(child) == name]


def text_of(element: Element, name: str) -> str | None:
    """The stripped text of the first child named ``name``, if any."""
    for child in children(element, name):
        text = (child.text or "").strip()
        if text:
            return text
    return None
