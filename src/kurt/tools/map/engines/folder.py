"""The ``folder`` mapper: the files under a local folder, as ``file://`` URLs.

Recursive; hidden files and folders (a leading ``.``: ``.git``, ``.kurt``)
are skipped, symbolic links to folders are not followed (no loops). Only
regular files inside the folder are listed: a link leading out of it
(``notes.md -> /etc/passwd``), a FIFO, a device or a link to one is left out
and reported, so that fetching the list never reads outside the folder. And
``[map].include`` / ``[map].exclude`` globs are matched against each file's
path relative to the folder (``*.md``, ``drafts/*``). A folder's own files
come first, then its subfolders, each sorted by name, so a run is repeatable;
at most ``[map].max_urls`` files.
"""

from __future__ import annotations

import asyncio
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from kurt.core.engines import BaseMapper, FetchError, MapResult
from kurt.registry import register_mapper
from kurt.tools.localfile import file_kind
from kurt.tools.map.options import map_options, wanted
from kurt.tools.paths import to_path

if TYPE_CHECKING:
    from kurt.config.model import MapSection
    from kurt.core.context import ToolContext


@register_mapper
class FolderMapper(BaseMapper):
    """List the files under a local folder (recursive, include/exclude globs)."""

    name = "folder"

    async def map(self, source: str, context: ToolContext) -> MapResult:
        root = to_path(source)
        if not root.is_dir():
            if not root.exists():
                raise FetchError(source, f"no such file or folder: {root}")
            raise FetchError(
                source,
                f"not a folder: {root} (a sitemap or feed file: the sitemap or rss engine)",
            )
        files, skipped = await asyncio.to_thread(_walk, root.resolve(), map_options(context))
        return MapResult(source=source, urls=[path.as_uri() for path in files], errors=skipped)


def _walk(root: Path, options: MapSection) -> tuple[list[Path], list[str]]:
    """The files to list, and why others were left out."""
    found: list[Path] = []
    skipped: list[str] = []
    for folder, dirnames, filenames in os.walk(root):
        # Sorting in place also fixes the order os.walk descends in.
        dirnames[:] = sorted(name for name in dirnames if not name.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = Path(folder, name)
            relative = path.relative_to(root).as_posix()
            if not wanted((relative,), options.include, options.exclude):
                continue
            problem = _unreadable(path, root)
            if problem is not None:
                skipped.append(f"skipped {relative}: {problem}")
                continue
            found.append(path)
            if len(found) >= options.max_urls:
                return found, skipped
    return found, skipped


def _unreadable(path: Path, root: Path) -> str | None:
    """Why ``path`` may not be listed: not a regular file, or a link out of ``root``."""
    try:
        mode = os.stat(path).st_mode  # through a link: what would be read
    except OSError as exc:
        return f"cannot read it ({exc.strerror or exc})"
    if not stat.S_ISREG(mode):
        return f"{file_kind(mode)}, not a regular file"
    if path.is_symlink() and not path.resolve().is_relative_to(root):
        return f"a link to {path.resolve()}, outside the folder"
    return None
