"""Decompression that stops at a byte limit, however the data was packed.

A body's ``Content-Encoding`` may stack codings (``gzip, gzip``): a few
kilobytes on the wire can inflate to gigabytes. httpx decodes each chunk in
one go, so a limit checked on its output comes too late. :class:`Inflater`
decodes as the bytes arrive, in pieces of at most :data:`PIECE` bytes per
coding, and raises :class:`TooLarge` as soon as the decoded total passes the
limit: memory stays flat, whatever the ratio.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence

__all__ = ["CODINGS", "PIECE", "CorruptData", "Inflater", "TooLarge", "UnknownCoding", "inflate"]

#: Content codings Kurt decodes (and so asks for in ``Accept-Encoding``).
CODINGS = ("gzip", "deflate")
#: The most output one coding produces per step.
PIECE = 65_536

_ALIASES = {"x-gzip": "gzip"}


class TooLarge(Exception):
    """The decoded data passed the limit."""


class CorruptData(Exception):
    """The data is not what its coding says."""


class UnknownCoding(Exception):
    """A coding Kurt does not decode (``br``, ``compress``, ...)."""

    def __init__(self, coding: str) -> None:
        super().__init__(coding)
        self.coding = coding


class _Layer:
    """One coding: a zlib stream (gzip or deflate), decoded piece by piece."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self._stream: zlib._Decompress | None = None
        self._head = b""  # deflate's first byte, kept until the second tells its wrapping

    def _open(self, data: bytes) -> zlib._Decompress:
        if self.coding == "gzip":
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        # "deflate" is meant to be zlib-wrapped; many servers send it raw.
        wrapped = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
        return zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)

    def pieces(self, data: bytes) -> Iterator[bytes]:
        if self._stream is None and self.coding == "deflate":
            data, self._head = self._head + data, b""
            if len(data) < 2:  # a chunk of one byte cannot say which deflate it is
                self._head = data
                return
        while data:
            if self._stream is None:
                self._stream = self._open(data)
            stream = self._stream
            try:
                out = stream.decompress(data, PIECE)
                yield out
                # A full piece may leave output pending even with no input left.
                while stream.unconsumed_tail or len(out) == PIECE:
                    out = stream.decompress(stream.unconsumed_tail, PIECE)
                    yield out
            except zlib.error as exc:
                raise CorruptData(f"corrupt {self.coding} data: {exc}") from None
            # Another gzip member may follow the first (``cat a.gz b.gz``).
            data = stream.unused_data if stream.eof and self.coding == "gzip" else b""
            if data:
                self._stream = None


class Inflater:
    """Decodes ``codings`` (in the order they were applied) as data arrives.

    ``feed`` returns the decoded bytes of each chunk (``pieces`` yields them a
    piece at a time); both raise :class:`TooLarge` once more than ``limit``
    bytes came out in total.
    """

    def __init__(self, codings: Sequence[str], limit: int) -> None:
        self.limit = limit
        self.size = 0
        names = [_ALIASES.get(c, c) for c in (c.strip().lower() for c in codings) if c]
        for name in names:
            if name not in CODINGS and name != "identity":
                raise UnknownCoding(name)
        # The last coding applied is the first to undo.
        self._layers = [_Layer(name) for name in reversed(names) if name != "identity"]

    def feed(self, data: bytes) -> bytes:
        """The decoded bytes of ``data``, at once."""
        return b"".join(self.pieces(data))

    def pieces(self, data: bytes) -> Iterator[bytes]:
        """The decoded bytes of ``data`` as they come, at most :data:`PIECE` each:
        a caller passing them on never holds more than a piece."""
        return self._through(0, data)

    def _through(self, index: int, data: bytes) -> Iterator[bytes]:
        if index == len(self._layers):
            self.size += len(data)
            if self.size > self.limit:
                raise TooLarge(self.size)
            yield data
            return
        for piece in self._layers[index].pieces(data):
            yield from self._through(index + 1, piece)


def inflate(data: bytes, codings: Sequence[str], limit: int) -> bytes:
    """``data`` decoded in one call, with the same limit as :class:`Inflater`."""
    return Inflater(codings, limit).feed(data)
