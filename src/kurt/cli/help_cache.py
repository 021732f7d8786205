"""``kurt --help`` answered from a cache, before click is imported.

The root help is rendered by click once per terminal width and kept under
``KURT_HOME/cache`` (derived data: safe to delete), keyed by Kurt's version,
the width, the modification times of the two files it derives from
(``kurt/cli/app.py`` and click itself), and the commands skills add
(:mod:`kurt.cli.skill_commands`, read from the catalog's snapshot, which is
checked against the disk first: SPEC section 8). Those are the file's first
line, compared whole with what the manifests say now, so a renamed, added,
disabled or untrusted command renders the help again. Every later ``kurt
--help`` prints that file, as ``kurt --version`` prints a constant. Standard
library only while the snapshot is still true.
"""

from __future__ import annotations

import os
import sys

from kurt._version import __version__
from kurt.config.locations import cache_text

MAX_HELP_WIDTH = 100
_APP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "app.py")


def help_width() -> int:
    """The width click would wrap help text to, found without importing shutil.

    Left to itself click imports shutil (and with it zlib, bz2 and lzma) for
    ``get_terminal_size``: a tenth of ``kurt --help``. Same rule as shutil's:
    ``COLUMNS``, else the terminal of stdout, else 80 columns.
    """
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    stream = sys.__stdout__
    if columns <= 0 and stream is not None:
        try:
            columns = os.get_terminal_size(stream.fileno()).columns
        except (AttributeError, ValueError, OSError):  # not a terminal, or no real file
            columns = 0
    if columns <= 0:
        columns = 80
    return max(min(columns, MAX_HELP_WIDTH) - 2, 50)


def print_root_help() -> int:
    """Print ``kurt --help`` (from the cache when it is fresh); return 0."""
    from kurt.cli.skill_commands import command_rows, help_rows, project_option

    width = help_width()
    rows = command_rows(project_option())
    # The skill commands as shown, one line: help_rows leaves no line break in it.
    added = "\x1f".join(f"{name}\x1e{text}" for name, text in help_rows(rows))
    path = _cache_path(width, added)
    text = _read(path, added) if path is not None else None
    if text is None:
        from kurt.cli.app import root_help

        text = root_help(width, rows)
        if path is not None:
            _write(path, f"{added}\n{text}")
    sys.stdout.write(text)
    return 0


def _cache_path(width: int, added: str) -> str | None:
    """Where the help is kept: one file per version, width, stamps and set of
    skill commands (a checksum of ``added``: projects with other commands
    keep their own; the file's first line settles it exactly)."""
    from importlib.util import find_spec  # locates click without importing it
    from zlib import crc32

    try:
        spec = find_spec("click")
        stamps = [os.stat(_APP).st_mtime_ns]
        if spec is not None and spec.origin:
            stamps.append(os.stat(spec.origin).st_mtime_ns)
    except (OSError, ValueError, ImportError):
        return None
    commands = crc32(added.encode("utf-8"))
    name = f"help-{__version__}-{width}-{'-'.join(map(str, stamps))}-{commands:08x}.txt"
    return os.path.join(cache_text(), name)


def _read(path: str, added: str) -> str | None:
    """The help kept at ``path`` if it was rendered with the skill commands
    ``added`` (its first line), else ``None``."""
    try:
        with open(path, encoding="utf-8") as handle:
            kept = handle.read()
    except (OSError, UnicodeDecodeError):
        return None
    first, newline, text = kept.partition("\n")
    return text if newline and first == added and text else None


def _write(path: str, text: str) -> None:
    """Keep ``text`` for next time; a cache that cannot be written costs only speed.

    Written beside its final name and renamed into place, so a reader sees the
    whole text or none (``kurt.atomic`` would import tempfile and pathlib,
    which cost this path more than the rendering saves).
    """
    partial = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(partial, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(partial, path)
    except OSError:
        import contextlib

        with contextlib.suppress(OSError):
            os.unlink(partial)
