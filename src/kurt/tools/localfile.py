"""Reading a local file Kurt did not write: regular files only, within a byte limit.

A path may name a FIFO (opening it blocks until a writer comes), a device
(``/dev/zero`` never ends, and its size is 0, so a size check passes) or a
symbolic link to one. :func:`read_regular` refuses anything but a regular
file before reading a byte, opens without blocking, checks again what it
opened (the path may have been swapped meanwhile), and stops reading one byte
past the limit, whatever ``stat`` said.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from kurt.core.engines import FetchError

__all__ = [
    "MAX_SOURCE_BYTES",
    "NotRegularFile",
    "TooLargeFile",
    "check_regular",
    "file_kind",
    "read_head",
    "read_regular",
    "read_source",
]

#: The most Kurt reads of one Python file of a skill (skill.py and its modules).
MAX_SOURCE_BYTES = 10_000_000
_CHUNK = 1 << 20
_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO opens at once instead of waiting for a writer
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


class NotRegularFile(OSError):
    """The path is a folder, a FIFO, a device or a socket, not a file to read."""

    def __init__(self, path: Path, kind: str) -> None:
        super().__init__(f"{path} is {kind}, not a regular file")
        self.path = path
        self.kind = kind


class TooLargeFile(OSError):
    """The file holds more than the limit."""

    def __init__(self, path: Path, limit: int) -> None:
        super().__init__(f"{path} is larger than the {limit}-byte limit")
        self.path = path
        self.limit = limit


def file_kind(mode: int) -> str:
    """What a ``st_mode`` names, in words: ``"a regular file"``, ``"a FIFO"``..."""
    if stat.S_ISREG(mode):
        return "a regular file"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def check_regular(path: Path) -> os.stat_result:
    """``path``'s status (links followed); :class:`NotRegularFile` unless a regular file.

    ``FileNotFoundError`` and the other ``OSError`` of ``stat`` pass through.
    """
    status = os.stat(path)
    if not stat.S_ISREG(status.st_mode):
        raise NotRegularFile(path, file_kind(status.st_mode))
    return status


def read_regular(path: Path, max_bytes: int) -> bytes:
    """The bytes of the regular file at ``path``; :class:`TooLargeFile` past ``max_bytes``.

    Never blocks on a FIFO and never reads more than ``max_bytes + 1`` bytes.
    """
    body = _read(path, max_bytes + 1)
    if len(body) > max_bytes:
        raise TooLargeFile(path, max_bytes)
    return body


def read_head(path: Path, size: int) -> bytes:
    """At most the first ``size`` bytes of the regular file at ``path``."""
    return _read(path, size)


def _read(path: Path, most: int) -> bytes:
    check_regular(path)  # before opening: opening some devices has effects
    fd = os.open(path, _FLAGS)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):  # swapped since the check
            raise NotRegularFile(path, file_kind(mode))
        chunks: list[bytes] = []
        size = 0
        while size < most and (chunk := os.read(fd, min(_CHUNK, most - size))):
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    return b"".join(chunks)


def read_source(source: str, path: Path, max_bytes: int) -> bytes:
    """:func:`read_regular` for an engine: every failure a :class:`FetchError`
    naming ``source``, worded for the user ([fetch].max_bytes is the limit)."""
    try:
        return read_regular(path, max_bytes)
    except NotRegularFile as exc:
        raise FetchError(source, f"'{path}' is {exc.kind}; only regular files are read") from None
    except TooLargeFile:
        raise FetchError(
            source, f"file larger than the {max_bytes}-byte limit ([fetch].max_bytes)"
        ) from None
    except FileNotFoundError:
        raise FetchError(source, f"no such file: {path}") from None
    except PermissionError:
        raise FetchError(source, f"permission denied: {path}") from None
    except OSError as exc:
        raise FetchError(source, f"cannot read {path}: {exc.strerror or exc}") from None
