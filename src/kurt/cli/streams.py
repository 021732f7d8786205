"""What Kurt prints is made safe: secrets masked, terminal control spelled out.

Every run prints through :func:`safe_streams`, which the root command puts
around ``sys.stdout`` and ``sys.stderr`` for the whole run (``kurt.cli.app``).
Whatever is written there, ``click.echo``, ``print``, tracebacks, logging, a
skill printing while it runs, click's shell completion (written as bytes,
through ``.buffer``), goes through one :class:`SafeStream`, which

1. masks every secret the run remembered as ``***`` (:func:`kurt.redaction.redact`),
2. then spells out every character a terminal would obey (:func:`kurt.cli.escape.escape`).

In that order: a secret that holds a control character is masked whole,
before escaping would have changed its spelling. No command can forget
either step, and a new command needs nothing to get them.

Rich draws its own styles and cursor moves with escape sequences, so it
writes to :func:`unescaped` of the stream instead: redacted, not escaped.
Only ``kurt.cli.output`` and ``kurt.cli.progress`` do that, with every cell
passed as ``rich.text.Text`` made from escaped text (never a markup string);
and ``kurt content show --raw``, which writes stored text as it is to a pipe
or a file (a terminal still gets it escaped).
Standard library only.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import sys
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO, TextIO

from kurt.cli.escape import escape
from kurt.redaction import redact


def safe(text: str) -> str:
    """``text`` as a :class:`SafeStream` writes it: every remembered secret
    masked, then every character a terminal would obey spelled out."""
    return escape(redact(text))


class _Shown(io.TextIOBase):
    """A text stream writing ``shown(text)`` to ``stream`` (borrowed: it stays
    open), which answers ``isatty``, ``fileno``, ``encoding`` and ``errors`` as
    ``stream`` does."""

    def __init__(self, stream: TextIO, shown: Callable[[str], str]) -> None:
        super().__init__()
        self.stream = stream
        self.shown = shown

    def write(self, text: str) -> int:
        if not isinstance(text, str):  # click probes for a binary stream this way
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self.stream.write(self.shown(text))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return str(getattr(self.stream, "encoding", None) or "utf-8")

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self.stream, "errors", None)

    def close(self) -> None:
        """Nothing: the stream under it is borrowed, and stays open."""


class SafeStream(_Shown):
    """A text stream writing :func:`safe` text to ``stream``; its ``buffer``
    does the same to bytes, and its ``unescaped`` side only redacts."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream, safe)
        #: Where rich writes (see :func:`unescaped`).
        self.unescaped = _Shown(stream, redact)
        self._buffer: _SafeBuffer | None = None

    @property
    def buffer(self) -> _SafeBuffer:
        """The bytes side (click writes shell completions as bytes): decoded,
        made :func:`safe` and encoded again. One per stream, so a character
        split between two writes is decoded whole."""
        if self._buffer is None:
            self._buffer = _SafeBuffer(self.stream, self.encoding)
        return self._buffer


class _SafeBuffer(io.RawIOBase):
    """Bytes decoded, made :func:`safe` and encoded again on their way to
    ``stream``'s own buffer."""

    def __init__(self, stream: TextIO, encoding: str) -> None:
        super().__init__()
        self.stream = stream
        self.raw: BinaryIO = stream.buffer  # AttributeError if it has none: click then asks no more
        self.encoding = encoding
        # Incremental: a character split between two writes is decoded whole.
        self.decoder = codecs.getincrementaldecoder(encoding)("surrogateescape")

    def write(self, data: Any) -> int:
        text = safe(self.decoder.decode(bytes(data)))
        self.stream.flush()  # text written before these bytes comes out before them
        self.raw.write(text.encode(self.encoding, "surrogateescape"))
        return len(data)

    def flush(self) -> None:
        self.raw.flush()

    def writable(self) -> bool:
        return True

    def close(self) -> None:
        """Nothing: the stream under it is borrowed, and stays open."""


def unescaped(stream: TextIO) -> TextIO:
    """A :class:`SafeStream`'s redacted, unescaped side, else ``stream`` itself:
    where rich writes (it draws with escape sequences of its own and is given
    escaped text only), and where stored text goes exactly as stored to a pipe
    or a file (``kurt content show --raw``, never to a terminal)."""
    return stream.unescaped if isinstance(stream, SafeStream) else stream


@contextlib.contextmanager
def safe_streams() -> Iterator[None]:
    """``sys.stdout`` and ``sys.stderr`` are :class:`SafeStream`\\ s until the
    block ends (nested uses keep the outer one)."""
    saved = sys.stdout, sys.stderr
    sys.stdout = _around(sys.stdout)
    sys.stderr = _around(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def _around(stream: Any) -> Any:
    if stream is None or isinstance(stream, SafeStream):
        return stream
    return SafeStream(stream)
