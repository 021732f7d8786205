"""The limits every response through a run's client meets, whoever asked for it.

:func:`kurt.tools.http.download` is the careful way for engines to fetch a URL,
but a skill may call ``context.http.get(url)`` itself. :func:`limit_responses`
gives the client :func:`~kurt.tools.http.make_client` builds two event hooks
(httpx's own extension point, which sees the responses of every transport,
proxies included), so that such a request meets the same hard limits (SPEC
section 10) as an engine's:

- one deadline (``[fetch].timeout``, counted from the request) covers the
  whole body, so a server sending one byte a second is cut off
  (:class:`httpx.ReadTimeout`); connecting and the headers have httpx's own
  timeouts;
- the body is decoded here, in bounded pieces (:mod:`kurt.tools.inflate`),
  and stops past ``[fetch].max_bytes`` *decoded* bytes (:class:`BodyTooLarge`):
  a gzip bomb never fills memory. A decoded response carries no
  ``Content-Encoding`` any more, so httpx has nothing left to inflate;
- a coding Kurt cannot bound (``br``, ``zstd``) fails the read
  (:class:`httpx.DecodingError`) instead of being inflated whole.

Every failure is an :class:`httpx.HTTPError`, which skill code already catches.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx

from kurt.tools.inflate import CorruptData, Inflater, TooLarge, UnknownCoding

__all__ = ["BodyTooLarge", "limit_responses"]

_DEADLINE = "kurt.deadline"  # the request's extension holding when its body must be in


class BodyTooLarge(httpx.TransportError):
    """A response body passed ``[fetch].max_bytes`` once decoded."""

    def __init__(self, max_bytes: int, request: httpx.Request) -> None:
        super().__init__(
            f"body larger than the {max_bytes}-byte limit ([fetch].max_bytes)", request=request
        )
        self.max_bytes = max_bytes


Hook = Callable[[Any], Awaitable[None]]


def limit_responses(*, timeout: float, max_bytes: int) -> dict[str, list[Hook]]:
    """The ``event_hooks`` of a client whose every response body is read within
    ``timeout`` seconds of its request and decoded within ``max_bytes``."""

    async def start_clock(request: httpx.Request) -> None:
        request.extensions[_DEADLINE] = asyncio.get_running_loop().time() + timeout

    async def bound_body(response: httpx.Response) -> None:
        request = response.request
        deadline = request.extensions.get(_DEADLINE)
        if deadline is None:
            deadline = asyncio.get_running_loop().time() + timeout
        codings = [c for c in response.headers.get("Content-Encoding", "").split(",") if c.strip()]
        try:
            inflater = Inflater(codings, max_bytes)
        except UnknownCoding as exc:
            message = f"unsupported Content-Encoding '{exc.coding}'"
            response.stream = _Refused(response.stream, message, request)
            return
        if codings:  # decoded below: httpx must not decode it again, nor trust the length
            del response.headers["Content-Encoding"]
            response.headers.pop("Content-Length", None)
        response.stream = _Bounded(response.stream, inflater, request, deadline, timeout)

    return {"request": [start_clock], "response": [bound_body]}


class _Bounded(httpx.AsyncByteStream):
    """A body read before ``deadline`` and decoded by ``inflater`` within its limit."""

    def __init__(
        self,
        raw: Any,
        inflater: Inflater,
        request: httpx.Request,
        deadline: float,
        timeout: float,
    ) -> None:
        self._raw = raw
        self._inflater = inflater
        self._request = request
        self._deadline = deadline
        self._timeout = timeout

    async def __aiter__(self) -> AsyncIterator[bytes]:
        chunks = aiter(self._raw)
        while True:
            try:
                async with asyncio.timeout_at(self._deadline):
                    chunk = await anext(chunks)
            except StopAsyncIteration:
                return
            except TimeoutError:
                message = f"no complete body within {self._timeout:g} s ([fetch].timeout)"
                raise httpx.ReadTimeout(message, request=self._request) from None
            pieces = self._inflater.pieces(chunk)
            while True:  # a piece at a time: a bomb's chunk never inflates whole
                try:
                    piece = next(pieces, None)
                except TooLarge:
                    raise BodyTooLarge(self._inflater.limit, self._request) from None
                except CorruptData as exc:
                    raise httpx.DecodingError(str(exc), request=self._request) from None
                if piece is None:
                    break
                if piece:
                    yield piece

    async def aclose(self) -> None:
        await self._raw.aclose()


class _Refused(httpx.AsyncByteStream):
    """A body that is never read: reading it raises ``DecodingError``."""

    def __init__(self, raw: Any, message: str, request: httpx.Request) -> None:
        self._raw = raw
        self._message = message
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        raise httpx.DecodingError(self._message, request=self._request)
        yield b""  # pragma: no cover  (makes this an async generator)

    async def aclose(self) -> None:
        await self._raw.aclose()
