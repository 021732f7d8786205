"""The documentation keeps up with the code: every CLI command is in
docs/cli.md, every SKILL.md key in docs/skills.md, and every page the docs
promise exists and links only to pages that exist."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from pydantic import BaseModel

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def walk(command: click.Command, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    """Every command path below ``command`` (``("skill", "list")``, ...), groups included."""
    if not isinstance(command, click.Group):
        return
    context = click.Context(command, info_name=path[-1] if path else "kurt")
    for name in command.list_commands(context):
        sub = command.get_command(context, name)
        assert sub is not None, f"kurt {' '.join((*path, name))} is listed but cannot be loaded"
        yield (*path, name)
        yield from walk(sub, (*path, name))


def cli_commands() -> list[str]:
    from kurt.cli.app import cli

    return [" ".join(path) for path in walk(cli, ())]


def manifest_keys() -> set[str]:
    """Every key a SKILL.md may hold, top level and nested (implements, settings)."""
    from kurt.skills.models import Manifest

    keys: set[str] = set()
    internal = {"extra_keys", "metadata_coerced"}  # what parsing noticed, not SKILL.md keys

    def collect(model: type[BaseModel]) -> None:
        for name, field in model.model_fields.items():
            if name in internal:
                continue
            keys.add(field.alias or name)
            for nested in _models_in(field.annotation):
                collect(nested)

    collect(Manifest)
    return keys


def _models_in(annotation: object) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in getattr(annotation, "__args__", ()):
        yield from _models_in(arg)


def test_the_command_tree_is_walked() -> None:
    commands = cli_commands()
    assert {"init", "trust", "skill", "skill list", "tool run"} <= set(commands)


def test_every_cli_command_is_in_cli_md() -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    missing = [
        f"kurt {command}"
        for command in cli_commands()
        if not re.search(rf"`kurt {re.escape(command)}(\s|`)", text)
    ]
    assert not missing, f"docs/cli.md does not document: {missing}"


def test_every_manifest_key_is_in_skills_md() -> None:
    text = (DOCS / "skills.md").read_text(encoding="utf-8")
    missing = sorted(key for key in manifest_keys() if f"`{key}`" not in text)
    assert not missing, f"docs/skills.md does not document these SKILL.md keys: {missing}"


def test_the_manifest_keys_include_the_nested_ones() -> None:
    assert {"name", "allowed-tools", "implements", "class", "secret", "env"} <= manifest_keys()


@pytest.mark.parametrize(
    "page",
    [
        "index.md",
        "skills.md",
        "configuration.md",
        "cli.md",
        "architecture.md",
        "migration.md",
        "performance.md",
    ],
)
def test_promised_pages_exist(page: str) -> None:
    assert (DOCS / page).is_file(), f"docs/{page} is missing"


def test_relative_links_in_docs_lead_somewhere() -> None:
    broken = []
    for page in sorted(DOCS.glob("*.md")):
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            if "://" in target or target.startswith("mailto:"):
                continue
            if not (page.parent / target).exists():
                broken.append(f"{page.name} -> {target}")
    assert not broken, f"links to nowhere: {broken}"
