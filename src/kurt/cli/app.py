"""The root ``kurt`` group and the one place errors become exit codes.

Subcommands are imported only when invoked (or when their own ``--help`` is
asked for), so ``kurt --help`` costs little more than importing click.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import click

from kurt._version import DISTRIBUTION, __version__
from kurt.cli.help_cache import MAX_HELP_WIDTH, help_width
from kurt.cli.streams import safe_streams
from kurt.errors import KurtError

if TYPE_CHECKING:
    from kurt.cli.skill_commands import CommandRow

# name -> (module, attribute, one-line help shown by `kurt --help`)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "init": ("kurt.cli.init", "init_command", "Create a Kurt project and trust it."),
    "trust": (
        "kurt.cli.trust",
        "trust_command",
        "Trust (or stop trusting) a project's own skills.",
    ),
    "fetch": ("kurt.cli.fetch", "fetch_command", "Fetch the content of URLs or local files."),
    "map": ("kurt.cli.map", "map_command", "List the URLs a site, feed or folder leads to."),
    "content": ("kurt.cli.content", "content_group", "List and show what map and fetch stored."),
    "tool": ("kurt.cli.tool", "tool_group", "List, inspect and run tools, fetchers and mappers."),
    "skill": ("kurt.cli.skill", "skill_group", "List, inspect, validate and create skills."),
    "workflow": ("kurt.cli.workflow", "workflow_group", "List, validate and run workflows."),
    "config": ("kurt.cli.config", "config_group", "Show and edit kurt.toml configuration."),
    "mcp": ("kurt.cli.mcp", "mcp_group", "Serve this project's tools to agent clients (MCP)."),
    "completion": (
        "kurt.cli.completion",
        "completion_command",
        "Print the shell completion script (bash, zsh, fish).",
    ),
}


#: Where ``get_command`` leaves the state a skill's command runs with, for the
#: root callback to hand it on as the command's ``obj``.
_SKILL_COMMAND = "kurt.skill_command"
_SKILL_ROWS = "kurt.skill_rows"


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use, which holds the
    commands skills add (:mod:`kurt.cli.skill_commands`) beside its own, and
    whose every run prints through :func:`kurt.cli.streams.safe_streams`."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        # Here as well as in run(): click's CliRunner calls main() directly.
        with safe_streams():
            return super().main(*args, **kwargs)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        spec = COMMANDS.get(cmd_name)
        if spec is None:
            return self._skill_command(ctx, cmd_name)
        module, attribute, _ = spec
        import importlib

        command = getattr(importlib.import_module(module), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{module}.{attribute} is not a click command")
        return command

    def _skill_command(self, ctx: click.Context, name: str) -> click.Command | None:
        row = next((row for row in skill_rows(ctx) if row.name == name), None)
        if row is None:
            return None
        from kurt.cli.skill_commands import SkillCommandState, load_command
        from kurt.cli.state import CliState

        state = CliState(project=ctx.params.get("project"), debug=bool(ctx.params.get("debug")))
        command = load_command(state, row)
        ctx.meta[_SKILL_COMMAND] = SkillCommandState(state, row.skill)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from kurt.cli.skill_commands import help_rows

        rows = [(name, help_text) for name, (_, _, help_text) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)
        added = help_rows(skill_rows(ctx))
        if added:
            with formatter.section("Skill commands"):
                formatter.write_dl(added)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and name not in COMMANDS:
            rows = skill_rows(ctx)
            if name not in {row.name for row in rows}:
                from kurt.errors import did_you_mean

                known = [*COMMANDS, *(row.name for row in rows if row.shown)]
                suggestion = did_you_mean(name, known)
                hint = f" Did you mean '{suggestion}'?" if suggestion else ""
                ctx.fail(f"No such command '{name}'.{hint}")
        return super().resolve_command(ctx, args)


def skill_rows(ctx: click.Context) -> list[CommandRow]:
    """The commands skills add, read once per invocation (from manifests only)."""
    rows: list[CommandRow] | None = ctx.meta.get(_SKILL_ROWS)
    if rows is None:
        from kurt.cli.skill_commands import command_rows, project_option

        rows = command_rows(ctx.params.get("project") or project_option())
        ctx.meta[_SKILL_ROWS] = rows
    return rows


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": MAX_HELP_WIDTH},
)
@click.version_option(
    __version__, "--version", prog_name="kurt", message=f"%(prog)s ({DISTRIBUTION}) %(version)s"
)
@click.option(
    "--project",
    type=click.Path(file_okay=False),
    envvar="KURT_PROJECT_ROOT",
    is_eager=True,  # read before --help, whose skill commands are the project's
    help="Project folder, holding kurt.toml (default: the nearest folder upwards holding one).",
)
@click.option("--debug", is_flag=True, envvar="KURT_DEBUG", help="Show tracebacks of errors.")
@click.pass_context
def cli(ctx: click.Context, project: str | None, debug: bool) -> None:
    """Kurt fetches and maps web and local content through tools, fetchers and
    mappers, and grows with skills: folders holding a SKILL.md and a skill.py.

    \b
    Examples:
      kurt init                       start a project here
      kurt map docs/ --json           list the files under docs/
      kurt fetch https://example.com  fetch one page and store it
      kurt skill list                 every skill Kurt found, and its status
      kurt tool run NAME -p key=value run any tool
    """
    from kurt.cli.state import CliState  # not at the top: `kurt --help` never needs it

    # A skill's command gets the state its checks ran with (kurt.cli.skill_commands).
    ctx.obj = ctx.meta.pop(_SKILL_COMMAND, None) or CliState(project=project, debug=debug)


def _debug_wanted(args: list[str]) -> bool:
    return "--debug" in args or os.environ.get("KURT_DEBUG", "").lower() in {"1", "true", "yes"}


def run(args: list[str]) -> int:
    """Run the CLI with ``args``; return the exit code. Never lets a user error escape,
    nor a secret out: whatever it prints has every secret masked and its control
    characters spelled out (:mod:`kurt.cli.streams`)."""
    with safe_streams():
        return _run(args)


def _run(args: list[str]) -> int:
    if not args and "_KURT_COMPLETE" not in os.environ:  # completion runs `kurt` bare too
        args = ["--help"]  # bare `kurt` asks for help; click would call it a usage error
    debug = _debug_wanted(args)
    try:
        with _debug_logging(debug):
            result: Any = cli.main(
                args=args, prog_name="kurt", standalone_mode=False, terminal_width=help_width()
            )
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.Abort as exc:
        # click turns Ctrl-C into Abort; the shell convention for it is 130.
        if isinstance(exc.__cause__, KeyboardInterrupt):
            click.echo("Interrupted.", err=True)
            return 130
        click.echo("Aborted.", err=True)
        return 1
    except KurtError as exc:
        if debug:
            _print_traceback()
        click.echo(f"Error: {exc}", err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return 130
    except Exception as exc:
        if debug:
            _print_traceback()
        click.echo(
            f"Internal error: {type(exc).__name__}: {exc}\n"
            "  hint: this is a bug in Kurt or a skill; run again with --debug to see where",
            err=True,
        )
        return 1
    return result if isinstance(result, int) else 0


def root_help(width: int, rows: list[CommandRow] | None = None) -> str:
    """The text ``kurt --help`` prints, rendered by click at ``width`` columns,
    with the skill commands ``rows`` (else read now)."""
    ctx = click.Context(cli, info_name="kurt", terminal_width=width, **cli.context_settings)
    if rows is not None:
        ctx.meta[_SKILL_ROWS] = rows
    return cli.get_help(ctx) + "\n"


@contextlib.contextmanager
def _debug_logging(debug: bool) -> Iterator[None]:
    """With ``--debug``, show what Kurt logs (at DEBUG and up) on stderr.

    Only the ``kurt`` logger gets the handler, for this call only: a tool
    crash that became a failed result logs its traceback there. Without
    ``--debug`` the logger keeps Python's default (WARNING) and prints nothing.
    """
    if not debug:
        yield
        return
    import logging

    logger = logging.getLogger("kurt")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("debug: %(name)s: %(message)s"))
    saved_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved_level)


def _print_traceback() -> None:
    import traceback  # only on the error path: it costs start-up time

    traceback.print_exc()


def main() -> None:
    sys.exit(run(sys.argv[1:]))
