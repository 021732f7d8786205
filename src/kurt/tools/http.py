"""HTTP for Kurt's engines: one shared client per run, and a careful ``download``.

:func:`make_client` builds the ``httpx.AsyncClient`` a run shares (the Runtime
opens one in ``ToolContext.http``): timeouts, redirects, a Kurt ``User-Agent``
and connection limits come from ``[fetch]`` in kurt.toml, and every response
it gets has its body read within ``[fetch].timeout`` and decoded within
``[fetch].max_bytes`` (:mod:`kurt.tools.response_limits`), also when a skill
uses the client itself.

:func:`download` fetches one URL the way every engine should, within hard
limits that hold against a hostile server (SPEC section 10):

- one deadline per try (``[fetch].timeout``) covers connecting, every read
  and the whole body, so a server dripping one byte a second is cut off;
- transient failures (connection errors, timeouts, 429 and 5xx) are retried
  with exponential backoff, and the message counts the tries;
- the body limit (``[fetch].max_bytes``) applies to the *decoded* body as it
  arrives (:mod:`kurt.tools.inflate`), so a gzip bomb stops at the limit;
- redirects are followed by hand, at most ``max_redirects``, and only to
  ``http(s)`` URLs: never to ``file:``;
- a content type the caller cannot use is refused before its body is read.

Every per-URL failure becomes :class:`FetchError`, so that a batch reports it
and goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from email.message import Message
from typing import TYPE_CHECKING

import attrs
import httpx

from kurt.config.model import FetchSection
from kurt.core.engines import FetchError
from kurt.tools.inflate import CODINGS, CorruptData, Inflater, TooLarge, UnknownCoding
from kurt.tools.paths import join, web_problem
from kurt.tools.response_limits import BodyTooLarge, limit_responses

if TYPE_CHECKING:
    from kurt.core.context import ToolContext

__all__ = [
    "HTML_TYPES",
    "TEXT_TYPES",
    "Download",
    "DownloadPolicy",
    "client_for",
    "download",
    "fetch_options",
    "make_client",
]

# Content types engines accept; a prefix ending in "/" matches a whole family.
HTML_TYPES = ("text/html", "application/xhtml+xml")
TEXT_TYPES = (
    "text/",
    "application/xhtml+xml",
    "application/xml",
    "application/json",
    "application/rss+xml",
    "application/x-rss+xml",
    "application/atom+xml",
)

# 429 asks us to slow down; these 5xx usually mean "try again shortly".
_TRANSIENT_STATUS = frozenset({429, 500, 502, 503, 504})
_MAX_DELAY = 10.0
_ACCEPT_ENCODING = ", ".join(CODINGS)


def fetch_options(context: ToolContext | None) -> FetchSection:
    """Kurt's ``[fetch]`` settings from ``context.config`` (defaults without one)."""
    section = getattr(getattr(context, "config", None), "fetch", None)
    return section if isinstance(section, FetchSection) else FetchSection()


def make_client(
    options: FetchSection | None = None, *, keep_alive: bool = True
) -> httpx.AsyncClient:
    """The client a run shares: close it (``async with`` or ``aclose``) when done.

    ``keep_alive=False`` keeps no idle connection: a kept one belongs to the
    event loop that opened it, and a test's client may serve several loops.
    """
    options = options or FetchSection()
    return httpx.AsyncClient(
        follow_redirects=True,
        max_redirects=10,
        # Connecting should be quick even when a slow page may take its full time.
        timeout=httpx.Timeout(options.timeout, connect=min(options.timeout, 10.0)),
        # Only the codings Kurt decodes within the limit (not br or zstd).
        headers={"User-Agent": options.user_agent, "Accept-Encoding": _ACCEPT_ENCODING},
        event_hooks=limit_responses(timeout=options.timeout, max_bytes=options.max_bytes),
        limits=httpx.Limits(
            max_connections=max(2 * options.concurrency, 10),
            max_keepalive_connections=options.concurrency if keep_alive else 0,
        ),
    )


@contextlib.asynccontextmanager
async def client_for(context: ToolContext | None) -> AsyncIterator[httpx.AsyncClient]:
    """The run's shared client, or (without one) a client of its own, closed afterwards."""
    shared = getattr(context, "http", None)
    if isinstance(shared, httpx.AsyncClient):
        yield shared
        return
    async with make_client(fetch_options(context)) as client:
        yield client


@attrs.frozen
class DownloadPolicy:
    """How hard :func:`download` tries, and how much it accepts."""

    timeout: float = 30.0
    retries: int = 2
    backoff: float = 0.5
    max_bytes: int = 10_000_000
    max_redirects: int = 10

    @classmethod
    def from_options(cls, options: FetchSection) -> DownloadPolicy:
        return cls(
            timeout=options.timeout,
            retries=options.retries,
            backoff=options.backoff,
            max_bytes=options.max_bytes,
        )


@attrs.frozen
class Download:
    """A successful download: the final URL (after redirects) and its body."""

    url: str
    status_code: int
    content_type: str | None
    charset: str | None
    body: bytes

    @property
    def text(self) -> str:
        """The body decoded with its declared charset (UTF-8 when none)."""
        try:
            return self.body.decode(self.charset or "utf-8", errors="replace")
        except LookupError:  # an unknown charset name in the header
            return self.body.decode("utf-8", errors="replace")


async def download(
    client: httpx.AsyncClient,
    url: str,
    policy: DownloadPolicy | None = None,
    *,
    accept: Sequence[str] | None = None,
) -> Download:
    """GET ``url``; raise :class:`FetchError` for anything that makes it unusable.

    ``accept`` lists content types (or ``"family/"`` prefixes) the caller can
    use; a response without a content type is let through to be sniffed.
    """
    policy = policy or DownloadPolicy()
    tries = 0
    while True:
        tries += 1
        try:
            async with asyncio.timeout(policy.timeout):
                return await _attempt(client, url, policy, accept)
        except TimeoutError:
            transient = _Transient("timed out", timed_out=True)
        except _Transient as caught:
            transient = caught
        if tries > policy.retries:
            raise FetchError(url, _gave_up(transient, tries, policy), status_code=transient.status)
        delay = transient.retry_after
        if delay is None:
            delay = policy.backoff * 2 ** (tries - 1)
        await asyncio.sleep(min(delay, _MAX_DELAY))


def _gave_up(transient: _Transient, tries: int, policy: DownloadPolicy) -> str:
    """The message of the last failure, with the tries counted."""
    if transient.timed_out:
        if tries == 1:
            return f"timed out after {policy.timeout:g} s"
        return f"timed out after {tries} tries of {policy.timeout:g} s"
    return transient.message if tries == 1 else f"{transient.message} (after {tries} tries)"


class _Transient(Exception):
    """A failure worth another try."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        timed_out: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.retry_after = retry_after
        self.timed_out = timed_out


async def _attempt(
    client: httpx.AsyncClient, url: str, policy: DownloadPolicy, accept: Sequence[str] | None
) -> Download:
    """One try: follow redirects by hand (http(s) only), then read the body."""
    target = url
    for _ in range(policy.max_redirects + 1):
        response = await _send(client, url, target, policy)
        try:
            if not response.is_redirect:
                return await _read(response, url, policy, accept)
            target = _redirect_target(response, url)
        finally:
            await response.aclose()
    raise FetchError(url, f"too many redirects (more than {policy.max_redirects})")


async def _send(
    client: httpx.AsyncClient, url: str, target: str, policy: DownloadPolicy
) -> httpx.Response:
    try:
        # Only the codings Kurt decodes within the limit (also with a client of another maker).
        request = client.build_request(
            "GET", target, headers={"Accept-Encoding": _ACCEPT_ENCODING}, timeout=policy.timeout
        )
        return await client.send(request, stream=True, follow_redirects=False)
    except httpx.TimeoutException:
        raise _Transient("timed out", timed_out=True) from None
    except httpx.UnsupportedProtocol as exc:
        raise FetchError(url, f"unsupported URL: {exc}") from None
    except httpx.TransportError as exc:
        raise _Transient(f"could not connect: {exc or type(exc).__name__}") from None
    except httpx.InvalidURL as exc:
        raise FetchError(url, f"invalid URL: {exc}") from None


def _redirect_target(response: httpx.Response, url: str) -> str:
    """Where a redirect leads; ``FetchError`` unless it is an http(s) URL."""
    location = str(response.headers.get("Location") or "").strip()
    if not location:
        raise FetchError(url, f"{_status_text(response)} without a Location")
    target = join(str(response.url), location)
    if target is None or web_problem(target) is not None:
        raise FetchError(
            url, f"redirected to {target or location!r}; only http(s) redirects are followed"
        )
    return target


async def _read(
    response: httpx.Response, url: str, policy: DownloadPolicy, accept: Sequence[str] | None
) -> Download:
    status = response.status_code
    if status in _TRANSIENT_STATUS:
        raise _Transient(
            _status_text(response),
            status=status,
            retry_after=_retry_after(response.headers.get("Retry-After")),
        )
    if status >= 400:
        raise FetchError(url, _status_text(response), status_code=status)
    media_type, charset = _parse_content_type(response.headers.get("Content-Type"))
    if accept is not None and media_type is not None and not _accepted(media_type, accept):
        raise FetchError(url, f"unsupported content type '{media_type}'", status_code=status)
    body = await _read_limited(response, url, policy.max_bytes)
    return Download(
        url=str(response.url),
        status_code=status,
        content_type=media_type,
        charset=charset,
        body=body,
    )


async def _read_limited(response: httpx.Response, url: str, max_bytes: int) -> bytes:
    """The decoded body, read and decoded chunk by chunk, never past ``max_bytes``."""
    status = response.status_code
    too_big = f"body larger than the {max_bytes}-byte limit ([fetch].max_bytes)"
    declared = response.headers.get("Content-Length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(url, too_big, status_code=status)
    codings = response.headers.get("Content-Encoding", "").split(",")
    try:
        inflater = Inflater(codings, max_bytes)
    except UnknownCoding as exc:
        raise FetchError(
            url, f"unsupported Content-Encoding '{exc.coding}'", status_code=status
        ) from None
    chunks: list[bytes] = []
    try:
        # Raw: httpx would inflate a chunk at once. make_client's hook has decoded
        # it already (no Content-Encoding is left); another client's, we decode here.
        async for raw in response.aiter_raw():
            chunks.append(inflater.feed(raw))
    except TooLarge:  # stop reading: never hold more than the limit
        raise FetchError(url, too_big, status_code=status) from None
    except BodyTooLarge as exc:  # the client's own limit ([fetch].max_bytes), lower than ours
        raise FetchError(url, str(exc), status_code=status) from None
    except (CorruptData, httpx.DecodingError) as exc:  # decoded by us, or by the client's hook
        raise FetchError(url, str(exc), status_code=status) from None
    except httpx.TimeoutException:
        raise _Transient("timed out", timed_out=True) from None
    except httpx.TransportError as exc:
        raise _Transient(f"connection lost: {exc or type(exc).__name__}") from None
    return b"".join(chunks)


def _status_text(response: httpx.Response) -> str:
    return f"HTTP {response.status_code} {response.reason_phrase}".rstrip()


def _retry_after(value: str | None) -> float | None:
    # Only the seconds form; an HTTP date falls back to our own backoff.
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        return None


def _parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    if not value:
        return None, None
    message = Message()
    message["Content-Type"] = value
    charset = message.get_param("charset")
    return message.get_content_type().lower(), charset if isinstance(charset, str) else None


def _accepted(media_type: str, accept: Sequence[str]) -> bool:
    return any(
        media_type.startswith(allowed) if allowed.endswith("/") else media_type == allowed
        for allowed in accept
    )
