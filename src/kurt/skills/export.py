"""``kurt skill export``: a copy of a skill that agent clients take as it is.

Kurt's SKILL.md is an Agent Skills file with keys of Kurt's own at the top
level, which the open format's strict validators refuse. The export keeps the
six keys of the open format, folds Kurt's descriptive keys into ``metadata``
as strings (``version`` and ``author`` as the format's own examples do,
the others as ``kurt-<key>``), drops what only Kurt can use (``settings``,
``commands``, ``workflows``), and keeps the Markdown body and every bundled
file (``skill.py``, scripts, references) but caches. The copy must pass
:func:`kurt.skills.manifest.agentskills.check_agentskills` before it
replaces anything.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kurt.errors import KurtError
from kurt.skills.record import SkillRecord

#: Where each agent client looks for a project's skills.
AGENT_DIRS = {"claude": ".claude/skills", "codex": ".agents/skills", "agents": ".agents/skills"}

#: The open format's keys, kept as they are (in this order).
KEPT = ("name", "description", "license", "compatibility", "allowed-tools")
#: Kurt's keys whose meaning only Kurt can act on.
DROPPED = frozenset({"settings", "commands", "workflows", "metadata"})
#: Kurt's keys folded into metadata under their own name (the format's examples use them).
PLAIN_METADATA = frozenset({"version", "author"})
#: Bundled files that are caches, never copied.
CACHES = frozenset({"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".DS_Store"})


def exported_front_matter(fields: dict[str, Any], mcp_tools: Iterable[str] = ()) -> dict[str, Any]:
    """The open-format front matter for a skill whose SKILL.md holds ``fields``;
    ``mcp_tools`` are tool names to add to ``allowed-tools`` (the client's
    names of the MCP server's tools)."""
    out: dict[str, Any] = {}
    for key in KEPT:
        value = fields.get(key)
        if value is None:
            continue
        if key == "allowed-tools" and isinstance(value, list):
            value = " ".join(str(item) for item in value)
        out[key] = str(value)
    allowed = [*out.get("allowed-tools", "").split(), *mcp_tools]
    if allowed:
        out["allowed-tools"] = " ".join(dict.fromkeys(allowed))
    metadata: dict[str, str] = {}
    given = fields.get("metadata")
    if isinstance(given, dict):
        for key, value in given.items():
            text = _text(value)
            if text is not None:
                metadata[str(key)] = text
    for key, value in fields.items():
        if key in KEPT or key in DROPPED or value is None or value == [] or value == {}:
            continue
        folded = key if key in PLAIN_METADATA else f"kurt-{key}"
        text = _implements(value) if key == "implements" else _text(value)
        if text is not None:
            metadata.setdefault(folded, text)
    if metadata:
        out["metadata"] = metadata
    return out


def _implements(entries: Any) -> str | None:
    """``tool:archive fetcher:notion``: what the skill provides, for readers."""
    if not isinstance(entries, list):
        return None
    names = [
        f"{entry.get('type')}:{entry.get('name')}" for entry in entries if isinstance(entry, dict)
    ]
    return " ".join(names) or None


def _text(value: Any) -> str | None:
    """A scalar or a list of scalars as one string; ``None`` for anything nested."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return ", ".join(str(v) for v in value)
    return None


def render(front: dict[str, Any], body: str) -> str:
    """SKILL.md text: block-style YAML (the strict reader refuses flow style)."""
    import yaml

    text = yaml.safe_dump(
        front, default_flow_style=False, sort_keys=False, allow_unicode=True, width=1_000_000
    )
    return f"---\n{text}---\n{body}"


def export_skill(
    record: SkillRecord,
    fields: dict[str, Any],
    body: str,
    parent: Path,
    *,
    force: bool,
    mcp_tools: Iterable[str] = (),
) -> Path:
    """Write the export of ``record`` to ``parent/NAME`` and return that folder.

    The copy is built beside it and checked first; only a conforming copy
    replaces the folder (an existing one only with ``force``).
    """
    from kurt.skills.manifest.agentskills import check_agentskills

    target = parent / record.name
    if target.exists() and not force:
        raise KurtError(
            f"{target} exists already",
            hint="run again with --force to replace it",
        )
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=parent, prefix=f".{record.name}.export-"))
    built = staging / record.name
    try:
        _copy_bundle(record.path, built, record.manifest_path.name)
        front = exported_front_matter(fields, mcp_tools)
        (built / "SKILL.md").write_text(render(front, body), encoding="utf-8")
        errors = check_agentskills(built)
        if errors:
            raise KurtError(
                f"the export of '{record.name}' would not conform to the Agent Skills "
                f"format: {'; '.join(errors)}",
                file=record.manifest_path,
                hint=f"fix its SKILL.md, then check it with: kurt skill validate "
                f"--agentskills {record.path}",
            )
        if target.exists():
            shutil.rmtree(target)
        os.replace(built, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _copy_bundle(source: Path, target: Path, manifest_name: str) -> None:
    """Every file of the skill folder but its SKILL.md and caches; a symlink
    leading outside the folder is not followed (discovery refuses those too)."""
    root = source.resolve()

    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = {name for name in names if name in CACHES or name.endswith((".pyc", ".pyo"))}
        if Path(folder).resolve() == root:
            skipped.add(manifest_name)
        for name in names:
            path = Path(folder) / name
            if path.is_symlink() and not path.resolve().is_relative_to(root):
                skipped.add(name)
        return skipped

    shutil.copytree(source, target, ignore=ignore)
