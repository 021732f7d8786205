"""Commands skills add to ``kurt`` (kurt.cli.skill_commands): listed by ``--help``
from manifests alone, run after the checks a tool passes, refused when
disabled or untrusted, colliding names reported."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kurt.cli.skill_commands import CommandRow, help_rows

Run = Callable[..., Any]

MANIFEST = """\
---
name: archiver
description: Archive pages.
implements:
  - {type: tool, class: CountTool, name: stored-count}
settings:
  greeting: {type: str, default: hello}
commands:
  - {name: archive-all, entry: "cli:main", help: "Archive every stored page"}
---
"""

SKILL_PY = """\
import contextlib
from pathlib import Path

from pydantic import BaseModel

from kurt import Tool, ToolResult, register_tool

Path(__file__).with_name("skill.imported").write_text("yes")


@contextlib.asynccontextmanager
async def lifespan(context):
    yield {"opened": True}


class Nothing(BaseModel):
    pass


class Count(BaseModel):
    count: int


@register_tool
class CountTool(Tool[Nothing, Count]):
    name = "stored-count"
    description = "Count"
    InputModel = Nothing
    OutputModel = Count

    async def run(self, params, context, on_progress=None):
        return ToolResult.ok([Count(count=3)])
"""

CLI_PY = """\
import asyncio
from pathlib import Path

import click

Path(__file__).with_name("cli.imported").write_text("yes")


@click.command()
@click.option("--times", default=1)
@click.pass_obj
def main(obj, times):
    \"\"\"Archive every stored page.\"\"\"

    async def go():
        async with obj.tool_context() as context:
            counted = await context.run_tool("stored-count")
            return context.settings.greeting, context.state, counted.data[0]["count"]

    greeting, state, count = asyncio.run(go())
    click.echo(f"{obj.skill}: {greeting} x{times}, state {state}, {count} stored")
"""


def archiver(skills: Path, manifest: str = MANIFEST) -> Path:
    folder = skills / "archiver"
    folder.mkdir(parents=True)
    (folder / "SKILL.md").write_text(manifest)
    (folder / "skill.py").write_text(SKILL_PY)
    (folder / "cli.py").write_text(CLI_PY)
    return folder


def section(help_text: str) -> list[str]:
    """The lines of the "Skill commands" section of ``kurt --help``."""
    _, found, rest = help_text.partition("Skill commands:\n")
    return rest.splitlines() if found else []


def test_help_lists_skill_commands_without_importing_skill_code(
    make_project: Callable[..., Path], run_kurt: Run
) -> None:
    root = make_project("p", '[skills.archiver]\ngreeting = "hi"\n')
    folder = archiver(root / "skills")
    cold = run_kurt("--help", cwd=root)
    warm = run_kurt("--help", cwd=root)
    assert cold.exit_code == warm.exit_code == 0
    assert cold.stdout == warm.stdout
    assert section(warm.stdout) == ["  archive-all  Archive every stored page"]
    assert sorted(p.name for p in folder.iterdir()) == ["SKILL.md", "cli.py", "skill.py"]

    ran = run_kurt("archive-all", "--times", "2", cwd=root)
    assert (ran.exit_code, ran.stderr) == (0, "")
    assert ran.stdout == "archiver: hi x2, state {'opened': True}, 3 stored\n"


def test_an_edit_of_the_manifest_is_seen_by_the_next_help(
    make_project: Callable[..., Path], run_kurt: Run
) -> None:
    root = make_project()
    folder = archiver(root / "skills")
    assert section(run_kurt("--help", cwd=root).stdout) == [
        "  archive-all  Archive every stored page"
    ]
    manifest = folder / "SKILL.md"
    manifest.write_text(
        MANIFEST.replace("archive-all", "archive-them-all").replace(
            '"Archive every stored page"', '"Archive\\n\\u001b[31mall"'
        )
    )
    # A control character from a manifest never reaches the terminal.
    assert section(run_kurt("--help", cwd=root).stdout) == ["  archive-them-all  Archive  [31mall"]
    missing = run_kurt("archive-all", cwd=root)
    assert missing.exit_code == 2
    assert "No such command 'archive-all'. Did you mean 'archive-them-all'?" in missing.stderr


def test_a_disabled_skill_hides_its_command_and_refuses_to_run_it(
    make_project: Callable[..., Path], run_kurt: Run
) -> None:
    root = make_project("p", '[skills]\ndisabled = ["archiver"]\n')
    folder = archiver(root / "skills")
    assert section(run_kurt("--help", cwd=root).stdout) == []
    ran = run_kurt("archive-all", cwd=root)
    assert (ran.exit_code, ran.stdout) == (1, "")
    assert ran.stderr == (
        f"Error: {root / 'kurt.toml'}: skill 'archiver' is disabled in kurt.toml "
        "(listed in [skills].disabled)\n"
        "  hint: enable it with: kurt config skills enable archiver\n"
    )
    assert not (folder / "cli.imported").exists()


def test_an_untrusted_projects_command_is_marked_and_refused(
    make_project: Callable[..., Path], run_kurt: Run
) -> None:
    root = make_project("p", trusted=False)
    folder = archiver(root / "skills")
    assert section(run_kurt("--help", cwd=root).stdout) == [
        "  archive-all  Archive every stored page (needs: kurt trust)"
    ]
    ran = run_kurt("archive-all", cwd=root)
    assert (ran.exit_code, ran.stdout) == (1, "")
    assert "which you have not trusted, so its code does not run here" in ran.stderr
    assert f"hint: review the project's skills, then trust it with: kurt trust {root}" in (
        ran.stderr
    )
    assert not (folder / "cli.imported").exists()


def test_a_command_named_like_one_of_kurts_is_a_validation_error(
    make_project: Callable[..., Path], run_kurt: Run
) -> None:
    root = make_project()
    folder = archiver(root / "skills", MANIFEST.replace("name: archive-all", "name: fetch"))
    validated = run_kurt("skill", "validate", "archiver", "--json", cwd=root)
    assert validated.exit_code == 1
    [report] = json.loads(validated.stdout)
    assert report["errors"] == [
        {
            "file": str(folder / "SKILL.md"),
            "line": 9,
            "message": "command 'fetch' is one of Kurt's own commands (kurt fetch); rename it",
        }
    ]
    # Kurt's own command is untouched.
    assert section(run_kurt("--help", cwd=root).stdout) == []
    assert run_kurt("fetch", "--help", cwd=root).stdout.startswith("Usage: kurt fetch")


def test_an_entry_that_is_no_click_command_says_where(
    make_project: Callable[..., Path], run_kurt: Run
) -> None:
    root = make_project()
    folder = archiver(root / "skills", MANIFEST.replace("cli:main", "cli:Path"))
    ran = run_kurt("archive-all", cwd=root)
    assert (ran.exit_code, ran.stdout) == (1, "")
    assert ran.stderr.startswith(
        f"Error: {folder / 'SKILL.md'}:9: skill 'archiver': entry 'cli:Path' of command "
        "'archive-all' is a type, not a click command\n"
    )
    missing = run_kurt("--help", cwd=root)
    assert missing.exit_code == 0
    archiver_gone = MANIFEST.replace("cli:main", "commands:main")
    (folder / "SKILL.md").write_text(archiver_gone)
    ran = run_kurt("archive-all", cwd=root)
    assert ran.exit_code == 1
    assert "entry 'commands:main' names the module commands, but there is no commands.py" in (
        ran.stderr
    )


def test_skill_new_with_a_command_validates_and_runs_at_once(
    make_project: Callable[..., Path], run_kurt: Run
) -> None:
    root = make_project()
    made = run_kurt("skill", "new", "hello-world", "--command", cwd=root)
    assert made.exit_code == 0, made.stderr
    assert "  its command: kurt hello-world --name Ada\n" in made.stdout
    assert run_kurt("skill", "validate", "hello-world", cwd=root).exit_code == 0
    ran = run_kurt("hello-world", "--name", "Ada", cwd=root)
    assert (ran.exit_code, ran.stdout, ran.stderr) == (0, "Hello, Ada!\n", "")
    refused = run_kurt("skill", "new", "config", "--command", cwd=root)
    assert refused.exit_code == 2
    assert "'config' cannot be a skill with --command: command 'config' is one of Kurt's own" in (
        refused.stderr
    )


def test_help_rows_show_only_runnable_skills_sorted() -> None:
    rows = [
        CommandRow("zeta", "Z", "s1", "ok", True),
        CommandRow("alpha", "A\tB", "s2", "unusable", False),
        CommandRow("hidden", "H", "s3", "disabled", True),
    ]
    assert help_rows(rows) == [("alpha", "A B (needs: kurt trust)"), ("zeta", "Z")]
