"""The root command: --version, --help, python -m kurt, and the one error
boundary (exit codes 0/1/2, no traceback for user errors) (SPEC section 6)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import click
import pytest

from kurt import __version__
from kurt.cli import app
from kurt.errors import ConfigError

# run_kurt / invoke (tests/conftest.py) return (exit_code, stdout, stderr),
# a named tuple: compared here with plain tuples.
Run = Callable[..., tuple[int, str, str]]

KURT_SCRIPT = Path(sys.executable).parent / "kurt"
HEAVY = ["pydantic", "pydantic_settings", "httpx", "rich", "yaml", "attrs", "sqlalchemy"]
VERSION = f"kurt (kurt-skills) {__version__}\n"  # the command, its distribution, its version
INTERNAL_HINT = "  hint: this is a bug in Kurt or a skill; run again with --debug to see where\n"


def test_version_through_python_m_kurt(run_kurt: Run) -> None:
    assert run_kurt("--version") == (0, VERSION, "")


@pytest.mark.skipif(not KURT_SCRIPT.exists(), reason="the kurt console script is not installed")
def test_version_through_the_console_script() -> None:
    done = subprocess.run([KURT_SCRIPT, "--version"], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (0, VERSION, "")


def test_version_after_global_options_goes_through_click(run_kurt: Run, tmp_path: Path) -> None:
    assert run_kurt("--project", str(tmp_path), "--version") == (0, VERSION, "")


def test_help_lists_every_command(run_kurt: Run) -> None:
    outcome = run_kurt("--help")
    assert outcome.exit_code == 0
    assert outcome.stderr == ""
    assert outcome.stdout.startswith("Usage: kurt [OPTIONS] COMMAND [ARGS]...\n")
    listed = outcome.stdout.split("Commands:\n", 1)[1]
    for name, (_, _, help_text) in app.COMMANDS.items():
        assert f"  {name} " in listed
        assert help_text in listed
    for option in ("--version", "--project DIRECTORY", "--debug", "-h, --help"):
        assert option in outcome.stdout


def test_bare_kurt_prints_the_help_and_succeeds(run_kurt: Run, invoke: Run) -> None:
    bare = run_kurt()
    assert bare == (0, run_kurt("--help").stdout, "")
    in_process = invoke()
    assert in_process.exit_code == 0
    assert in_process.stdout.startswith("Usage: kurt [OPTIONS] COMMAND [ARGS]...\n")


@pytest.mark.skipif(not KURT_SCRIPT.exists(), reason="the kurt console script is not installed")
def test_python_m_kurt_is_the_same_as_kurt(run_kurt: Run) -> None:
    done = subprocess.run([KURT_SCRIPT, "--help"], capture_output=True, text=True, check=False)
    assert run_kurt("--help") == (done.returncode, done.stdout, done.stderr)


def test_every_command_module_is_importable_and_a_click_command() -> None:
    context = click.Context(app.cli)
    for name in app.COMMANDS:
        command = app.cli.get_command(context, name)
        assert isinstance(command, click.Command), name
        assert command.name == name


def test_every_command_of_kurt_is_a_name_skills_may_not_take() -> None:
    from kurt.kinds import OWN_COMMANDS

    assert set(app.COMMANDS) <= OWN_COMMANDS


START_UP_PROBE = """
    import sys
    from kurt.__main__ import main

    sys.stdout = open("{null}", "w")
    main([{args}])
    heavy = [m for m in {heavy} if m in sys.modules]
    sys.stderr.write(",".join(heavy) + ("|click" if "click" in sys.modules else ""))
"""


@pytest.mark.parametrize(("args", "click_expected"), [("'--help'", True), ("'--version'", False)])
def test_start_up_imports_no_heavy_module(args: str, click_expected: bool) -> None:
    probe = START_UP_PROBE.format(null=os.devnull, args=args, heavy=HEAVY)
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(probe)], capture_output=True, text=True, check=True
    )
    assert done.stderr == ("|click" if click_expected else "")


# -- usage errors (exit 2) -------------------------------------------------------


def test_unknown_command_suggests_the_closest(run_kurt: Run) -> None:
    assert run_kurt("skil") == (
        2,
        "",
        "Usage: kurt [OPTIONS] COMMAND [ARGS]...\n"
        "Try 'kurt --help' for help.\n\n"
        "Error: No such command 'skil'. Did you mean 'skill'?\n",
    )


def test_unknown_command_without_a_close_one(invoke: Run) -> None:
    outcome = invoke("frobnicate")
    assert outcome.exit_code == 2
    assert outcome.stderr.endswith("Error: No such command 'frobnicate'.\n")


def test_unknown_subcommand_suggests_the_closest(invoke: Run) -> None:
    outcome = invoke("tool", "lst")
    assert outcome.exit_code == 2
    assert outcome.stderr.endswith("Error: No such command 'lst'. Did you mean 'list'?\n")


def test_unknown_option_is_a_usage_error(invoke: Run) -> None:
    outcome = invoke("--frobnicate")
    assert outcome.exit_code == 2
    assert outcome.stderr.endswith("Error: No such option '--frobnicate'.\n")
    outcome = invoke("--verbose")
    assert outcome.stderr.endswith("Error: No such option '--verbose'. Did you mean '--version'?\n")


def test_missing_project_folder_is_a_usage_error_without_traceback(
    run_kurt: Run, tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere"
    assert run_kurt("--project", str(missing), "tool", "list") == (
        2,
        "",
        f"Error: Project folder '{missing}' does not exist.\n"
        "  hint: pass an existing folder to --project (or KURT_PROJECT_ROOT)\n",
    )


# -- failures (exit 1) and --debug --------------------------------------------------


@pytest.fixture
def broken_project(make_project: Callable[..., Path]) -> Path:
    return make_project("broken", "[fetch]\ntimeout = = 3\n")


def test_malformed_kurt_toml_is_reported_with_its_place(
    run_kurt: Run, broken_project: Path
) -> None:
    outcome = run_kurt("tool", "run", "fetch", "-p", "urls=x", cwd=broken_project)
    assert outcome.exit_code == 1
    assert outcome.stdout == ""
    assert outcome.stderr.startswith(f"Error: {broken_project / 'kurt.toml'}:2:")
    assert "invalid TOML" in outcome.stderr
    assert "Traceback" not in outcome.stderr


@pytest.mark.parametrize("how", ["--debug", "KURT_DEBUG=1"])
def test_debug_shows_the_traceback_of_a_user_error(run_kurt: Run, tmp_path: Path, how: str) -> None:
    args = ["--project", str(tmp_path / "nowhere"), "tool", "list"]
    if how == "--debug":
        outcome = run_kurt("--debug", *args)
    else:
        outcome = run_kurt(*args, env={"KURT_DEBUG": "1"})
    assert outcome.exit_code == 2
    assert "Traceback (most recent call last)" in outcome.stderr
    assert outcome.stderr.endswith(
        "  hint: pass an existing folder to --project (or KURT_PROJECT_ROOT)\n"
    )


@click.command("explode")
@click.option("--kind", type=click.Choice(["bug", "config", "interrupt"]), default="bug")
def explode_command(kind: str) -> None:
    """A command with a bug, for the error boundary's tests."""
    if kind == "config":
        raise ConfigError("bad value", file="kurt.toml", line=3, key="fetch.timeout", hint="fix it")
    if kind == "interrupt":
        raise KeyboardInterrupt
    raise RuntimeError("kaboom")


@pytest.fixture
def explode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.COMMANDS, "explode", (__name__, "explode_command", "Explode."))


@pytest.mark.usefixtures("explode")
def test_an_internal_error_is_one_line_and_a_hint(invoke: Run) -> None:
    assert invoke("explode") == (1, "", "Internal error: RuntimeError: kaboom\n" + INTERNAL_HINT)


@pytest.mark.usefixtures("explode")
def test_an_internal_error_with_debug_shows_where(invoke: Run) -> None:
    outcome = invoke("--debug", "explode")
    assert outcome.exit_code == 1
    assert "Traceback (most recent call last)" in outcome.stderr
    assert 'raise RuntimeError("kaboom")' in outcome.stderr
    assert outcome.stderr.endswith("Internal error: RuntimeError: kaboom\n" + INTERNAL_HINT)


@pytest.mark.usefixtures("explode")
def test_a_kurt_error_becomes_its_message_and_exit_code(invoke: Run) -> None:
    assert invoke("explode", "--kind", "config") == (
        1,
        "",
        "Error: kurt.toml:3: bad value (key 'fetch.timeout')\n  hint: fix it\n",
    )


@pytest.mark.usefixtures("explode")
def test_an_interrupt_exits_130_quietly(invoke: Run) -> None:
    # click prints an empty line first, to end whatever was being typed or drawn.
    assert invoke("explode", "--kind", "interrupt") == (130, "", "\nInterrupted.\n")


@pytest.mark.parametrize("name", list(app.COMMANDS))
def test_every_command_has_help(invoke: Run, name: str) -> None:
    code, stdout, stderr = invoke(name, "--help")
    assert (code, stderr) == (0, "")
    assert stdout.startswith(f"Usage: kurt {name} ")


@pytest.mark.parametrize(("columns", "widest"), [("60", 58), ("200", 98), ("junk", 78)])
def test_help_wraps_to_the_terminal_width(
    invoke: Run, monkeypatch: pytest.MonkeyPatch, columns: str, widest: int
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    _, stdout, _ = invoke("--help")
    # The example block is marked with \b in the docstring: click never rewraps it.
    wrapped = [line for line in stdout.splitlines() if not line.startswith("    kurt ")]
    longest = max(len(line) for line in wrapped)
    assert widest - 12 < longest <= widest
