"""Keeping the protocol stream for the protocol.

Over stdio, standard output *is* the wire: one stray ``print()`` from a
skill, or a library writing to file descriptor 1 directly (a C extension, a
subprocess that inherits it), would corrupt a JSON-RPC message. So while the
server runs, file descriptor 1 and ``sys.stdout`` point at standard error
(the server's log, which clients show or keep), and the protocol is written
to a private duplicate of the original descriptor that nothing else holds.
Standard input is handed over the same way: a skill that reads it gets
end-of-file, never the client's next request.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import BinaryIO


@contextlib.contextmanager
def claimed_stdio() -> Iterator[tuple[BinaryIO, BinaryIO]]:
    """Yield (input, output) binary streams of the protocol, with fd 0 on the
    null device and fd 1 and ``sys.stdout`` on standard error until the end."""
    sys.stdout.flush()
    wire_in = os.dup(0)
    wire_out = os.dup(1)
    saved_in, saved_out = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDONLY)
    try:
        os.dup2(null, 0)
        os.dup2(2, 1)
        with (
            os.fdopen(wire_in, "rb") as reader,
            os.fdopen(wire_out, "wb") as writer,
            contextlib.redirect_stdout(sys.stderr),
        ):
            yield reader, writer
    finally:
        os.dup2(saved_in, 0)
        os.dup2(saved_out, 1)
        for fd in (null, saved_in, saved_out):
            os.close(fd)
