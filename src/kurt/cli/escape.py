"""Text Kurt did not write is shown, never obeyed by the terminal.

A manifest's description, a setting's default, a fetched page's title, a
skill's exception message: any of them may hold an escape sequence (OSC 52
sets the clipboard, OSC 0 the window title, CSI clears the screen), a
carriage return that hides what came before, or a bidirectional override
that shows text in another order than it is. Every command prints through
:func:`escaped_streams`, which the root command puts around ``sys.stdout``
and ``sys.stderr`` for the whole run (``kurt.cli.app``): whatever is written
there (click.echo, print, tracebacks, logging, a skill printing while it
runs) has each such character replaced by a visible escape, so no command
can forget to do it.

- C0 controls but line feed and tab: ``\\x1b``. They never occur raw in
  JSON (``json.dumps`` escapes them itself).
- DEL, C1 controls, bidirectional overrides and isolates, lone surrogates:
  ``\\u009b``. That spelling is also a JSON escape of the same character,
  so a ``--json`` document passing through stays valid and means the same.

Rich draws its own styles and cursor moves with escape sequences: it writes
to :func:`raw` of the stream instead, and only ``kurt.cli.output`` and
``kurt.cli.progress`` do that, with every cell passed as ``rich.text.Text``
made from escaped text (never a markup string). Standard library only.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import re
import sys
from collections.abc import Iterator
from typing import Any, BinaryIO, TextIO

_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_UNSAFE_IN_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _spelled(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x20 else f"\\u{code:04x}"


def escape(text: str) -> str:
    """``text`` with every character a terminal would obey spelled out
    (``\\x1b``, ``\\u202e``); line feeds and tabs are kept."""
    if _UNSAFE.search(text) is None:  # nearly always: no copy made
        return text
    return _UNSAFE.sub(_spelled, text)


def escape_line(text: str) -> str:
    """:func:`escape` for text shown on one line (a table cell, a field):
    line feeds and tabs become spaces too."""
    if _UNSAFE_IN_LINE.search(text) is None:
        return text
    return escape(text.replace("\n", " ").replace("\t", " "))


class EscapingStream(io.TextIOBase):
    """A text stream writing escaped text to ``raw``."""

    def __init__(self, raw: TextIO) -> None:
        super().__init__()
        self.raw = raw

    def write(self, text: str) -> int:
        if not isinstance(text, str):  # click probes for a binary stream this way
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self.raw.write(escape(text))
        return len(text)

    def flush(self) -> None:
        self.raw.flush()

    def isatty(self) -> bool:
        return self.raw.isatty()

    def fileno(self) -> int:
        return self.raw.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return str(getattr(self.raw, "encoding", None) or "utf-8")

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self.raw, "errors", None)

    def close(self) -> None:
        """Nothing: the stream under it is borrowed, and stays open."""

    @property
    def buffer(self) -> _EscapingBuffer:
        """The bytes side (click writes shell completions as bytes): escaped too."""
        return _EscapingBuffer(self.raw.buffer, self.encoding)


class _EscapingBuffer(io.RawIOBase):
    """Bytes decoded, escaped and encoded again on their way to ``raw``."""

    def __init__(self, raw: BinaryIO, encoding: str) -> None:
        super().__init__()
        self.raw = raw
        self.encoding = encoding
        # Incremental: a character split between two writes is decoded whole.
        self.decoder = codecs.getincrementaldecoder(encoding)("surrogateescape")

    def write(self, data: Any) -> int:
        text = escape(self.decoder.decode(bytes(data)))
        self.raw.write(text.encode(self.encoding, "surrogateescape"))
        return len(data)

    def flush(self) -> None:
        self.raw.flush()

    def writable(self) -> bool:
        return True

    def close(self) -> None:
        """Nothing: the stream under it is borrowed, and stays open."""


def raw(stream: TextIO) -> TextIO:
    """The stream under an :class:`EscapingStream` (for rich, which draws with
    escape sequences of its own and is given escaped text only), else ``stream``."""
    return stream.raw if isinstance(stream, EscapingStream) else stream


@contextlib.contextmanager
def escaped_streams() -> Iterator[None]:
    """``sys.stdout`` and ``sys.stderr`` escape what is written to them until
    the block ends (nested uses keep the outer one)."""
    saved = sys.stdout, sys.stderr
    sys.stdout = _around(sys.stdout)
    sys.stderr = _around(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def _around(stream: Any) -> Any:
    if stream is None or isinstance(stream, EscapingStream):
        return stream
    return EscapingStream(stream)
