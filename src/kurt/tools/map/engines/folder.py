"""The ``folder`` mapper: the files under a local folder, as ``file://`` URLs.

Recursive; hidden files and folders (a leading ``.``: ``.git``, ``.kurt``)
are skipped, symbolic links to folders are not followed (no loops), and
``[map].include`` / ``[map].exclude`` globs are matched against each file's
path relative to the folder (``*.md``, ``drafts/*``). A folder's own files
come first, then its subfolders, each sorted by name, so a run is repeatable;
at most ``[map].max_urls`` files.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import TYPE_CHECKING

from kurt.core.engines import BaseMapper, FetchError, MapResult
from kurt.registry import register_mapper
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
        files = await asyncio.to_thread(_walk, root.resolve(), map_options(context))
        return MapResult(source=source, urls=[path.as_uri() for path in files])


def _walk(root: Path, options: MapSection) -> list[Path]:
    found: list[Path] = []
    for folder, dirnames, filenames in os.walk(root):
        # Sorting in place also fixes the order os.walk descends in.
        dirnames[:] = sorted(name for name in dirnames if not name.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = Path(folder, name)
            relative = path.relative_to(root).as_posix()
            if wanted((relative,), options.include, options.exclude):
                found.append(path)
                if len(found) >= options.max_urls:
                    return found
    return found
