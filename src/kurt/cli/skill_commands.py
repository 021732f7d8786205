"""Commands that skills add to ``kurt`` (SPEC section 11, ``commands:`` in SKILL.md).

``kurt --help`` lists them under "Skill commands" from manifests alone: from
the catalog's snapshot while it is still true (standard library only, as
``kurt skill list`` reads it), else from the full catalog, which writes the
snapshot again. Running one checks its skill as running one of its tools
does (enabled, valid, usable here, trusted, settings), then imports only the
command's own module (``entry: "cli:main"`` is ``main`` in the skill's
``cli.py``), never ``skill.py``, and hands the command a
:class:`SkillCommandState` as its click ``obj``.
"""

from __future__ import annotations

import os

# Not `from typing import ...`: `kurt --help` imports this module, and typing
# costs a third of its budget (bench/startup.py). Type checkers treat any name
# TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from contextlib import AbstractAsyncContextManager
    from typing import Any

    import click

    from kurt.cli.state import CliState
    from kurt.core.context import ToolContext

#: Statuses whose commands ``kurt --help`` shows: a disabled, invalid or
#: shadowed skill's commands are hidden (running one says why it cannot run),
#: one this machine cannot run yet is shown (running it says what is missing).
SHOWN = frozenset({"ok", "unusable"})
#: What ``kurt --help`` appends to the help of a command that needs ``kurt trust``.
UNTRUSTED_MARK = " (needs: kurt trust)"


class CommandRow(tuple[str, str, str, str, bool]):
    """One command a skill adds: its name, help, skill, the skill's status now,
    and whether the skill's code may run here (a tuple, as typing's
    NamedTuple would make it, without importing typing)."""

    __slots__ = ()

    def __new__(cls, name: str, help: str, skill: str, status: str, trusted: bool) -> CommandRow:
        return super().__new__(cls, (name, help, skill, status, trusted))

    @property
    def name(self) -> str:
        return self[0]

    @property
    def help(self) -> str:
        return self[1]

    @property
    def skill(self) -> str:
        return self[2]

    @property
    def status(self) -> str:
        return self[3]

    @property
    def trusted(self) -> bool:
        return self[4]

    @property
    def shown(self) -> bool:
        return self.status in SHOWN


def project_option() -> str | None:
    """The project ``kurt`` was pointed at before any option is parsed (``--help``
    alone is answered before click runs): ``KURT_PROJECT_ROOT``, else none
    (the project is then found upwards from the current folder)."""
    return os.environ.get("KURT_PROJECT_ROOT") or None


def command_rows(project: str | None) -> list[CommandRow]:
    """Every command of a valid, unshadowed skill of ``project``, from the
    snapshot when it is still true, else from the full catalog (which writes it).
    A configuration that cannot be read leaves no skill command (the command
    the user runs reports the error)."""
    from kurt.skills.catalog.warm import warm_commands

    warm = warm_commands(project)
    if warm is not None:
        return [CommandRow(*row) for row in warm]
    from kurt.cli.state import CliState
    from kurt.errors import KurtError

    try:
        return [CommandRow(*row) for row in CliState(project=project).runtime.skills.command_rows()]
    except KurtError:
        return []


def help_rows(rows: list[CommandRow]) -> list[tuple[str, str]]:
    """The "Skill commands" section of ``kurt --help``: each shown command and
    its help (marked when its skill needs ``kurt trust``). Help comes from a
    manifest: any control character (a line break, an escape sequence) is
    shown as a space, never sent to the terminal."""
    return [
        (row.name, _printable(row.help) + ("" if row.trusted else UNTRUSTED_MARK))
        for row in sorted(rows)
        if row.shown
    ]


def _printable(text: str) -> str:
    return "".join(char if char.isprintable() else " " for char in text)


def load_command(state: CliState, row: CommandRow) -> click.Command:
    """The click command of ``row``, once its skill passes every check a run
    of one of its tools passes; a :class:`~kurt.errors.SkillError` (exit 1)
    says why not (disabled, invalid, unusable here, untrusted, bad settings,
    an entry that does not load or is no click command)."""
    import click

    from kurt.errors import SkillError
    from kurt.skills.loader import load_entry
    from kurt.skills.record import LINES

    runtime = state.runtime
    manager = runtime.skills
    record = manager.record(row.skill)
    manager.check_usable(record)
    manager.check_environment(record)
    manager.check_trusted(record)
    runtime.skill_settings(record)  # invalid settings stop it before its code runs
    commands = record.extra.get("commands") or ()
    index, spec = next((i, c) for i, c in enumerate(commands) if c["name"] == row.name)
    line = (record.extra.get(LINES) or {}).get(f"commands[{index}]")
    command = load_entry(record, spec["entry"], line=line)
    if not isinstance(command, click.Command):
        raise SkillError(
            f"skill '{record.name}': entry '{spec['entry']}' of command '{row.name}' is a "
            f"{type(command).__name__}, not a click command",
            file=record.manifest_path,
            line=line,
            hint="point entry at a function decorated with @click.command() or @click.group()",
        )
    return command


class SkillCommandState:
    """The click ``obj`` of a skill's command: ``click.get_current_context().obj``,
    or the argument ``@click.pass_obj`` gives.

    ``skill`` is the skill's name, ``settings`` its validated settings;
    ``async with obj.tool_context() as context:`` yields the skill's
    :class:`~kurt.core.context.ToolContext` (its settings, ``db``, ``http``,
    ``state`` from its lifespan, ``run_tool``). Open it once per command: the
    command is one lifespan scope, exited when the ``async with`` ends.
    """

    def __init__(self, cli_state: CliState, skill: str) -> None:
        self.cli_state = cli_state
        self.skill = skill

    @property
    def debug(self) -> bool:
        return self.cli_state.debug

    @property
    def settings(self) -> Any:
        return self.cli_state.runtime.settings_for(self.skill)

    def tool_context(self) -> AbstractAsyncContextManager[ToolContext]:
        """The skill's ToolContext, for ``async with`` (once per command)."""
        import contextlib  # not at the top: `kurt --help` reads this module too

        return contextlib.asynccontextmanager(self._tool_context)()

    async def _tool_context(self) -> AsyncIterator[ToolContext]:
        runtime = self.cli_state.runtime
        async with runtime.context() as context:
            # The skill's code (skill.py, and the skills it requires) loads now,
            # so that its lifespan is entered and its tools are registered.
            runtime.skills.load(runtime.skills.record(self.skill))
            yield await context.enter(self.skill)
