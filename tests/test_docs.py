"""The documentation keeps up with the code: every CLI command is in
docs/cli.md, every SKILL.md key in docs/skills.md, every page the docs
promise exists and links only to pages that exist, and the walkthrough of
docs/skills.md works when followed to the letter."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

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
    from kurt.skills.manifest.model import Manifest

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
        "agents.md",
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


def test_nothing_a_user_reads_points_at_a_docs_file() -> None:
    """A user's project has no docs/ folder: messages, hints, help texts and the
    kurt.toml that `kurt init` writes name a command or a section instead."""
    import ast

    found = []
    for module in sorted((ROOT / "src" / "kurt").rglob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
            and not _is_click_help(node)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and re.search(r"(?:see|Reference:|\()\s*docs/[\w-]+\.md", node.value)
            ):
                found.append(f"{module.relative_to(ROOT)}:{node.lineno}")
    assert not found, f"strings pointing users at docs/*.md: {found}"


def _is_click_help(node: object) -> bool:
    """A command function's docstring is its --help text: a user reads it."""
    decorators = getattr(node, "decorator_list", [])
    return any("command" in ast_text(d) or "group" in ast_text(d) for d in decorators)


def ast_text(node: object) -> str:
    import ast

    return ast.unparse(node)  # type: ignore[arg-type]


def block_after(text: str, heading: str, language: str) -> str:
    """The first ``language`` code block after ``heading`` in ``text``."""
    start = text.index(heading)
    opening = text.index(f"```{language}\n", start) + len(f"```{language}\n")
    return text[opening : text.index("```\n", opening)]


@pytest.mark.slow  # a dozen kurt processes, then pytest
def test_the_skills_md_walkthrough_works_as_written(
    make_project: Callable[..., Path], run_kurt: Callable[..., Any]
) -> None:
    """new -> edit (the page's own files) -> validate -> configure -> run -> pytest."""
    guide = (DOCS / "skills.md").read_text(encoding="utf-8")
    root = make_project("my-project", "[skills]\n")
    kurt = partial(run_kurt, "--project", str(root))

    assert kurt("skill", "new", "word-count").exit_code == 0
    folder = root / "skills" / "word-count"
    (folder / "SKILL.md").write_text(block_after(guide, "### 3. Edit `SKILL.md`", "yaml"))
    (folder / "skill.py").write_text(block_after(guide, "### 4. Edit `skill.py`", "python"))
    test_file = folder / "tests" / "test_word_count.py"
    test_file.write_text(block_after(guide, "### 7. Test it with pytest", "python"))

    validated = kurt("skill", "validate", "word-count")
    assert validated.exit_code == 0, validated.stdout + validated.stderr
    text = "the cat and the hat and the cat"
    ran = kurt("tool", "run", "word-count", "-p", f"text={text}", "--json")
    assert json.loads(ran.stdout)["data"] == [
        {"word": "cat", "count": 2},
        {"word": "hat", "count": 1},
    ]
    assert kurt("config", "skills", "set", "word-count", "top", "1").exit_code == 0
    ran = kurt("tool", "run", "word-count", "-p", f"text={text}", "--json")
    assert json.loads(ran.stdout)["data"] == [{"word": "cat", "count": 2}]
    refused = kurt("config", "skills", "set", "word-count", "top", "many")
    assert refused.exit_code == 1
    assert "expected int" in refused.stderr

    tested = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(folder)],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "3 passed" in tested.stdout


def test_the_lifespan_example_works_as_written(
    make_project: Callable[..., Path], run_kurt: Callable[..., Any]
) -> None:
    guide = (DOCS / "skills.md").read_text(encoding="utf-8")
    root = make_project("my-project")
    folder = root / "skills" / "visit-log"
    folder.mkdir()
    (folder / "SKILL.md").write_text(block_after(guide, "## Lifespan", "yaml"))
    (folder / "skill.py").write_text(block_after(guide, "## Lifespan", "python"))
    ran = run_kurt("tool", "run", "log-visit", "-p", "page=home", "--json", cwd=root)
    assert ran.exit_code == 0, ran.stderr
    assert json.loads(ran.stdout)["data"] == [{"page": "home"}]
    assert (root / "visits.log").read_text() == "open\nvisit home\nclose\n"


def test_the_skills_md_workflow_example_runs_as_written(
    make_project: Callable[..., Path], run_kurt: Callable[..., Any]
) -> None:
    """The Workflows section's file, saved where it says, and its commands, as printed."""
    import shlex

    guide = (DOCS / "skills.md").read_text(encoding="utf-8")
    root = make_project("my-project", "[skills]\n")
    (root / "workflows").mkdir()
    (root / "workflows" / "pages.toml").write_text(block_after(guide, "## Workflows", "toml"))
    (root / "notes").mkdir()
    (root / "notes" / "a.md").write_text("# Alpha\n\nFirst note.\n")
    commands = [
        shlex.split(line[len("$ kurt ") :], comments=True)
        for line in block_after(guide, "## Workflows", "console").splitlines()
        if line.startswith("$ kurt ")
    ]
    assert [command[:3] for command in commands] == [
        ["workflow", "validate", "pages"],
        ["workflow", "run", "pages"],
        ["workflow", "run", "pages"],
    ]
    outcomes = [run_kurt(*command, cwd=root) for command in commands]
    assert [outcome.exit_code for outcome in outcomes] == [0, 0, 0], outcomes
    assert "1 workflow(s) checked, 0 error(s): valid" in outcomes[0].stderr
    assert "Alpha" in outcomes[1].stdout
    steps = json.loads(outcomes[2].stdout)["data"]
    assert [page["title"] for page in steps[1]["result"]["data"]] == ["Alpha"]


def test_the_commands_example_works_as_written(
    make_project: Callable[..., Path], run_kurt: Callable[..., Any]
) -> None:
    guide = (DOCS / "skills.md").read_text(encoding="utf-8")
    root = make_project("my-project")
    folder = root / "skills" / "shout"
    folder.mkdir()
    (folder / "SKILL.md").write_text(block_after(guide, "## Commands", "yaml"))
    (folder / "cli.py").write_text(block_after(guide, "## Commands", "python"))
    listed = run_kurt("--help", cwd=root)
    shown = block_after(guide, "## Commands", "console").split("...\n", 1)[1]
    assert listed.stdout.endswith(shown), listed.stdout
    ran = run_kurt("shout", "hello", cwd=root)
    assert (ran.exit_code, ran.stdout, ran.stderr) == (0, "HELLO!\n", "")
