"""Sources: telling a path from a URL, naming a file by one URI, and what may
lead where.

A local file is stored and reported as its absolute ``file://`` URI, so that
``kurt fetch docs/a.md`` from two folders records one document, not two.

A source on the web leads only to http(s) URLs on the web: a sitemap, feed or
page listing ``file:///etc/passwd`` must not make Kurt read local files
(:func:`leads_to`). Only a local source leads to local paths. A source typed
by the user is checked first (:func:`check_source`): a malformed URL, or a
scheme-less name that is no path but looks like a host, is a usage error.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import url2pathname

from kurt.errors import UsageError

__all__ = [
    "InvalidSourceError",
    "canonical",
    "check_source",
    "is_local",
    "is_web",
    "join",
    "leads_to",
    "to_path",
    "web_problem",
]

_WEB_SCHEMES = frozenset({"http", "https"})
# "www.example.com", "example.com:8080/docs", "localhost:8000": a host, maybe a port.
_HOST_LIKE = re.compile(
    r"^(?:localhost|(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63})(?::\d{1,5})?(?:/|$)",
    re.IGNORECASE,
)
# A scheme-less name ending so is a file name, even when it reads as a host (notes.md).
_FILE_SUFFIXES = frozenset(
    {"md", "markdown", "txt", "html", "htm", "xml", "gz", "rss", "atom", "json", "csv", "pdf"}
)
_NOT_IN_HOSTS = frozenset('<>"{}|\\^`%')


class InvalidSourceError(UsageError):
    """A URL or path typed by the user that cannot name anything."""


def is_local(source: str) -> bool:
    """Whether ``source`` names a local path (``file://`` URL or a plain path)."""
    return source.startswith("file:") or "://" not in source


def to_path(source: str) -> Path:
    """The path a local ``source`` names (``~`` expanded, not resolved)."""
    if source.startswith("file:"):
        parts = urlsplit(source)
        if parts.netloc not in {"", "localhost"}:
            return Path(f"//{parts.netloc}{url2pathname(unquote(parts.path))}")
        return Path(url2pathname(unquote(parts.path)))
    return Path(source).expanduser()


def canonical(source: str, *, keep_missing: bool = True) -> str:
    """The absolute ``file://`` URI for a ``file:`` URL or a path that exists;
    ``source`` itself otherwise: a URL, or a word a skill's own engine
    understands (``urn:isbn:1``, ``python/cpython``), passed on as typed.
    With ``keep_missing=False`` a missing path gets its URI too (it is a file
    that is not there, to be reported and stored under one name)."""
    if not is_local(source):
        return source
    path = to_path(source)
    if keep_missing and not source.startswith("file:") and not path.exists():
        return source
    return path.resolve().as_uri()


def is_web(url: str) -> bool:
    """Whether ``url`` is an http(s) URL with a host."""
    return web_problem(url) is None


def web_problem(url: str) -> str | None:
    """Why ``url`` is not a usable http(s) URL, or ``None`` when it is."""
    try:
        parts = urlsplit(url)
        port = parts.port  # raises for "80a" or 99999
    except ValueError as exc:
        return str(exc)
    if parts.scheme.lower() not in _WEB_SCHEMES:
        return f"'{parts.scheme}:' is not http or https" if parts.scheme else "no scheme"
    if not parts.hostname:
        return "no host"
    if port == 0:
        return "port 0"
    if any(ord(char) < 32 or ord(char) == 127 for char in url):
        return "control characters"
    if any(char.isspace() or char in _NOT_IN_HOSTS for char in parts.hostname):
        return f"'{parts.hostname}' is not a host name"
    return None


def leads_to(source: str, url: str) -> bool:
    """Whether a mapper may list ``url`` for ``source``.

    A source on the web leads only to http(s) URLs on the web; a local path or
    ``file:`` URL comes only from a local source. Other words (``urn:isbn:1``,
    a skill's own scheme) are the business of the skill that listed them.
    """
    if is_web(source):
        return is_web(url)
    if url.startswith(("http:", "https:")):
        return is_web(url)
    if is_local(url) or url.lower().startswith("file:"):
        return is_local(source)
    return True


def join(base: str, link: str) -> str | None:
    """``link`` resolved against ``base``; ``None`` for a link too broken to resolve."""
    try:
        return urljoin(base, link)
    except ValueError:  # "http://[::1" and the like
        return None


def check_source(source: str, *, guess: bool = True) -> None:
    """:class:`InvalidSourceError` for a source typed by the user that names nothing.

    An http(s) URL must be well formed (host, port). With ``guess``, a name
    without a scheme that is no existing path but reads as a host
    (``www.example.com``) gets a did-you-mean with ``https://``.
    """
    lowered = source.lower()
    if lowered.startswith(("http:", "https:")):
        problem = web_problem(source)
        if problem is not None:
            raise InvalidSourceError(
                f"invalid URL '{source}': {problem}",
                hint="a URL reads scheme://host[:port]/path, "
                "with a port from 1 to 65535 (https://example.com:8080/docs)",
            )
        return
    if not guess or "://" in source or lowered.startswith("file:") or to_path(source).exists():
        return
    if _HOST_LIKE.match(source) and _suffix(source) not in _FILE_SUFFIXES:
        raise InvalidSourceError(
            f"no such file or folder: '{source}'. Did you mean 'https://{source}'?",
            hint="a URL needs its scheme: http:// or https://",
        )


def _suffix(source: str) -> str:
    last = source.rstrip("/").rpartition("/")[2]
    return last.rpartition(".")[2].lower() if "/" not in source.rstrip("/") else ""
