"""``kurt skill new NAME``: a working skill to start from.

The scaffold is one tool (named after the skill) that greets someone: a
SKILL.md that validates, a skill.py with the tool, and a test that runs it
the way a user does. It validates and runs at once::

    kurt skill new hello-world
    kurt tool run hello-world -p name=Ada

With ``--command`` the skill also adds a command to ``kurt`` itself, named
after the skill (``kurt hello-world --name Ada``), in ``cli.py``, which runs
the skill's tool through the command's ToolContext.
"""

from __future__ import annotations

from pathlib import Path

from kurt.errors import KurtError, UsageError

_SKILL_MD = """\
---
name: {name}
description: Greet someone by name (a skill made with `kurt skill new`; describe yours here).
version: 0.1.0
license: MIT
implements:
  - type: tool
    class: {cls}
    name: {name}
    description: Greet someone by name
{commands}# Settings a user can set in kurt.toml under [skills.{name}], for example:
# settings:
#   greeting: {{type: str, default: Hello, description: "The word to greet with"}}
---

# {name}

What this skill does, for the people and agents who use it.

```console
$ kurt tool run {name} -p name=Ada
```
"""

_SKILL_PY = '''\
"""The {name} skill: one tool, `{name}`."""

from __future__ import annotations

from pydantic import BaseModel, Field

from kurt import Tool, ToolContext, ToolResult, register_tool
from kurt.core.progress import ProgressCallback


class GreetInput(BaseModel):
    name: str = Field(default="world", description="Who to greet.")


class Greeting(BaseModel):
    message: str


@register_tool
class {cls}(Tool[GreetInput, Greeting]):
    """Greet someone by name."""

    name = "{name}"
    description = "Greet someone by name"
    InputModel = GreetInput
    OutputModel = Greeting

    async def run(
        self,
        params: GreetInput,
        context: ToolContext,
        on_progress: ProgressCallback | None = None,
    ) -> ToolResult:
        return ToolResult.ok([Greeting(message=f"Hello, {{params.name}}!")])
'''

_COMMANDS = """\
commands:
  - name: {name}
    entry: "cli:main"
    help: Greet someone by name (a command of the {name} skill)
"""

_CLI_PY = '''\
"""`kurt {name}`: the command the {name} skill adds to Kurt (see `commands` in SKILL.md)."""

from __future__ import annotations

import asyncio
from typing import Any

import click


@click.command()
@click.option("--name", default="world", show_default=True, help="Who to greet.")
@click.pass_obj
def main(obj: Any, name: str) -> None:
    """Greet someone by name, through the skill's own tool."""

    async def greet() -> str:
        # The skill's ToolContext: its settings, db, http, lifespan state, run_tool.
        async with obj.tool_context() as context:
            result = await context.run_tool("{name}", {{"name": name}})
        if not result.success:
            raise click.ClickException(result.errors[0].message)
        return str(result.data[0]["message"])

    click.echo(asyncio.run(greet()))
'''

_TEST_PY = '''\
"""Tests of the `{name}` skill, with Kurt's pytest plugin `kurt.testing`.

`kurt_project` is a fresh, trusted project in a temporary folder with its own
KURT_HOME; its `run_tool` runs a tool the way `kurt tool run` does (discovery,
trust, settings from kurt.toml, loading). `kurt_project.configure("{name}", key=value)`
sets this skill's settings for a test.
"""

from __future__ import annotations

from pathlib import Path

from kurt.testing import KurtProject

SKILL = Path(__file__).resolve().parents[1]  # the folder holding SKILL.md


def test_greets(kurt_project: KurtProject) -> None:
    kurt_project.add_skill(SKILL)
    result = kurt_project.run_tool("{name}", name="Ada")
    assert result.success, result.errors
    assert result.data == [{{"message": "Hello, Ada!"}}]
'''


def class_name(name: str) -> str:
    """``web-archiver`` -> ``WebArchiverTool``."""
    return "".join(part.capitalize() for part in name.split("-") if part) + "Tool"


def create_skill(name: str, parent: Path, *, command: bool = False) -> Path:
    """Write the scaffold of skill ``name`` into ``parent/name`` (with
    ``command``, also a command ``kurt NAME``); return the folder."""
    from kurt.config.skills import RESERVED
    from kurt.skills.manifest.rules import check_name

    problems = check_name(name, None, None, None)
    if problems:
        raise UsageError(
            f"'{name}' cannot be a skill name: {problems[0].message}",
            hint=(
                "choose another name: paths, enabled and disabled are keys of [skills]"
                if name in RESERVED
                else "use lowercase letters, digits and single '-', e.g. web-archiver"
            ),
        )
    # The scaffold's one tool is named after the skill: it may not take one of Kurt's own names.
    from kurt.kinds import OWN_NAMES

    if name in OWN_NAMES["tool"]:
        raise UsageError(
            f"'{name}' cannot be a skill name here: the skill's tool would be called "
            f"'{name}', which is one of Kurt's own tools",
            hint=f"choose another name, e.g. my-{name}",
        )
    if command:
        _check_command_name(name)
    folder = parent / name
    if folder.exists():
        raise KurtError(
            f"{folder} already exists",
            hint="choose another name, or remove the folder first",
        )
    cls = class_name(name)
    (folder / "tests").mkdir(parents=True)
    commands = _COMMANDS.format(name=name) if command else ""
    manifest = _SKILL_MD.format(name=name, cls=cls, commands=commands)
    (folder / "SKILL.md").write_text(manifest, encoding="utf-8")
    if command:
        (folder / "cli.py").write_text(_CLI_PY.format(name=name), encoding="utf-8")
    (folder / "skill.py").write_text(_SKILL_PY.format(name=name, cls=cls), encoding="utf-8")
    test_file = folder / "tests" / f"test_{name.replace('-', '_')}.py"
    test_file.write_text(_TEST_PY.format(name=name), encoding="utf-8")
    return folder


def _check_command_name(name: str) -> None:
    """The scaffold's command is named after the skill: a name the commands
    rule refuses (one of Kurt's own commands, a leading digit) is refused here."""
    from kurt.skills.manifest.rules import check_commands

    problems = check_commands([{"name": name, "entry": "cli:main"}], None, lambda _: None)
    if problems:
        raise UsageError(
            f"'{name}' cannot be a skill with --command: {problems[0].message}",
            hint=f"choose another name, e.g. my-{name}",
        )
