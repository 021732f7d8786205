"""Writing real skill folders for tests: SKILL.md plus a skill.py that leaves an
import marker (a file named after the skill) when its code runs."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path

_TOOL = """
class {cls}Input(BaseModel):
    value: str = "x"


@register_tool
class {cls}(Tool[{cls}Input, {cls}Input]):
    name = {tool!r}
    description = "Tool of {name}"
    InputModel = {cls}Input
    OutputModel = {cls}Input

    async def run(self, params, context, on_progress=None):
        return ToolResult.ok([{{"skill": {name!r}, "value": params.value}}])
"""

_FETCHER = """
@register_fetcher
class {cls}(BaseFetcher):
    name = {tool!r}

    async def fetch(self, url, context):
        return FetchResult(url=url, content={name!r})
"""

_MAPPER = """
@register_mapper
class {cls}(BaseMapper):
    name = {tool!r}

    async def map(self, source, context):
        return MapResult(source=source, urls=[source])
"""

_HEADER = """\
from pathlib import Path

from pydantic import BaseModel

from kurt import (
    BaseFetcher, BaseMapper, FetchResult, MapResult, Tool, ToolResult,
    register_fetcher, register_mapper, register_tool,
)

_marker = Path({markers!r}) / {name!r}
_marker.parent.mkdir(parents=True, exist_ok=True)
with _marker.open("a") as _f:
    _f.write("imported\\n")
"""


def class_for(tool: str) -> str:
    return "".join(part.capitalize() for part in tool.replace("_", "-").split("-")) + "Impl"


def write_skill(
    parent: Path,
    name: str,
    *,
    provides: Sequence[tuple[str, str]] | None = None,
    markers: Path | None = None,
    code: str | None = None,
    manifest_extra: str = "",
    manifest: str | None = None,
    description: str | None = None,
    version: str = "0.1.0",
    folder: str | None = None,
    routes: Mapping[str, str] | None = None,
) -> Path:
    """A skill folder ``parent/<folder or name>``.

    ``provides`` lists ``(kind, name)`` pairs (default: one tool named like the
    skill); ``markers`` is where skill.py records its import; ``code`` replaces
    skill.py's generated body (the header with the marker stays);
    ``manifest`` replaces SKILL.md entirely; ``routes`` adds YAML keys (such
    as ``"url_patterns: ['*.test/*'], priority: 2"``) to the named entries.
    """
    provides = [("tool", name)] if provides is None else list(provides)
    path = parent / (folder or name)
    path.mkdir(parents=True, exist_ok=True)
    if manifest is None:
        lines = [
            "---",
            f"name: {json.dumps(name)}",
            f"description: {json.dumps(description or f'The {name} skill.')}",
            f"version: {version}",
        ]
        if provides:
            lines.append("implements:")
            for kind, tool in provides:
                entry = f"type: {kind}, class: {class_for(tool)}, name: {json.dumps(tool)}"
                if routes and tool in routes:
                    entry += f", {routes[tool]}"
                lines.append(f"  - {{{entry}}}")
        lines += [line for line in textwrap.dedent(manifest_extra).splitlines() if line]
        lines += ["---", "", f"# {name}", ""]
        manifest = "\n".join(lines)
    (path / "SKILL.md").write_text(manifest, encoding="utf-8")
    marker_dir = str(markers) if markers is not None else str(parent / ".markers")
    body = _HEADER.format(markers=marker_dir, name=name)
    if code is not None:
        body += "\n" + textwrap.dedent(code)
    else:
        templates = {"tool": _TOOL, "fetcher": _FETCHER, "mapper": _MAPPER}
        for kind, tool in provides:
            body += templates[kind].format(cls=class_for(tool), tool=tool, name=name)
    (path / "skill.py").write_text(body, encoding="utf-8")
    return path


def imported(markers: Path) -> set[str]:
    """Names of the skills whose code ran (their marker exists)."""
    return {p.name for p in markers.iterdir()} if markers.is_dir() else set()


def write_dist(site: Path, dist: str, entry_points: dict[str, str], version: str = "1.0") -> Path:
    """A fake installed distribution: ``<dist>-<version>.dist-info`` in ``site``
    with METADATA and entry points of group ``kurt.skills``."""
    info = site / f"{dist.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n", encoding="utf-8"
    )
    lines = ["[kurt.skills]", *(f"{k} = {v}" for k, v in entry_points.items()), ""]
    (info / "entry_points.txt").write_text("\n".join(lines), encoding="utf-8")
    return info
