"""Turning a downloaded document into text and metadata.

HTML goes through trafilatura's extraction (main text without navigation and
boilerplate; with ``metadata=True`` also title, author, date and language).
Markdown and plain text are kept as they are, with a title taken from the
first heading. Extraction is CPU work, run where it is called: in a worker
thread it would only wait for the GIL and delay the event loop (measured in
``bench/fetch.py``: a third more CPU per page, and fewer pages a second).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

import attrs

__all__ = ["Extracted", "extract", "kind_of"]

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
_HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
_MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd"})
# A page's date is read from its markup (meta tags, <time>, JSON-LD, the URL),
# never guessed from dates its prose mentions: htmldate's "extensive search"
# scans the whole text with regular expressions, which took 40% of the
# extraction time and finds a date the page talks about as often as its own.
_DATE_FROM_MARKUP = {"extensive_search": False, "original_date": True}


@attrs.frozen
class Extracted:
    """Text and what is known about it."""

    text: str
    title: str | None = None
    author: str | None = None
    date: str | None = None
    language: str | None = None


def kind_of(content_type: str | None, name: str = "") -> str:
    """``"html"``, ``"markdown"`` or ``"text"`` from a content type or a file name."""
    suffix = PurePosixPath(name).suffix.lower()
    if content_type in {"text/html", "application/xhtml+xml"} or suffix in _HTML_SUFFIXES:
        return "html"
    if content_type in {"text/markdown", "text/x-markdown"} or suffix in _MARKDOWN_SUFFIXES:
        return "markdown"
    return "text"


def extract(
    document: bytes | str, kind: str, *, url: str | None = None, metadata: bool
) -> Extracted:
    """Extract text (and, for HTML with ``metadata``, its metadata) from ``document``."""
    if kind == "html":
        return _extract_html(document, url=url, metadata=metadata)
    text = document.decode("utf-8", errors="replace") if isinstance(document, bytes) else document
    heading = _HEADING.search(text) if kind == "markdown" else None
    return Extracted(text=text, title=heading.group(1) if heading else None)


def _extract_html(document: bytes | str, *, url: str | None, metadata: bool) -> Extracted:
    import lxml.html
    import trafilatura  # imported here: it takes a while, and only fetching needs it

    if not document.strip():
        return Extracted(text="")
    try:
        tree = lxml.html.document_fromstring(document)
    except Exception:  # lxml raises several kinds on garbage; an empty result is the answer
        return Extracted(text="")
    declared_title = (tree.findtext(".//title") or "").strip() or None
    language = (tree.get("lang") or "").strip() or None
    # trafilatura gets the raw document: it prunes the tree it works on.
    found = trafilatura.bare_extraction(
        document,
        url=url,
        with_metadata=metadata,
        fast=not metadata,
        include_comments=False,
        date_extraction_params=_DATE_FROM_MARKUP,
    )
    if found is None:  # too little to extract (a tiny page): fall back to all its text
        body = tree.find(".//body")
        text = " ".join((body if body is not None else tree).text_content().split())
        return Extracted(text=text, title=declared_title, language=language)
    fields = found if isinstance(found, dict) else found.as_dict()
    text = str(fields.get("text") or "")
    if not metadata:
        return Extracted(text=text, title=declared_title or _str(fields.get("title")))
    return Extracted(
        text=text,
        title=_str(fields.get("title")) or declared_title,
        author=_str(fields.get("author")),
        date=_str(fields.get("date")),
        language=_str(fields.get("language")) or language,
    )


def _str(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
