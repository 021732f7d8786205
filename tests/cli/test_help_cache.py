"""``kurt --help`` printed from a cached rendering, identical to click's own."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

Run = Callable[..., Any]


def test_cached_help_is_exactly_clicks_rendering(
    run_kurt: Run, invoke: Run, kurt_home: Path
) -> None:
    env = {"COLUMNS": "90"}
    first = run_kurt("--help", env=env)  # renders with click, then keeps it
    cached = list((kurt_home / "cache").glob("help-*.txt"))
    assert len(cached) == 1
    second = run_kurt("--help", env=env)  # printed from the file, click not imported
    short = run_kurt("-h", env=env)
    assert first.exit_code == second.exit_code == short.exit_code == 0
    # The file's first line holds the skill commands it was rendered with (none here).
    kept = cached[0].read_text("utf-8")
    assert first.stdout == second.stdout == short.stdout == kept.removeprefix("\n")
    assert first.stdout.startswith("Usage: kurt [OPTIONS] COMMAND [ARGS]...")
    # The column's width follows the longest command name (`completion`).
    assert re.search(r"^  config +Show and edit kurt\.toml configuration\.$", first.stdout, re.M)


def test_each_width_has_its_own_rendering(run_kurt: Run, kurt_home: Path) -> None:
    narrow = run_kurt("--help", env={"COLUMNS": "60"}).stdout
    wide = run_kurt("--help", env={"COLUMNS": "100"}).stdout
    assert narrow != wide
    assert len(list((kurt_home / "cache").glob("help-*.txt"))) == 2


def test_a_cache_that_cannot_be_written_costs_only_speed(run_kurt: Run, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where KURT_HOME should be", "utf-8")
    outcome = run_kurt("--help", env={"KURT_HOME": str(blocker)})
    assert outcome.exit_code == 0
    assert outcome.stdout.startswith("Usage: kurt [OPTIONS] COMMAND [ARGS]...")
    assert outcome.stderr == ""


def test_a_damaged_cache_entry_is_not_trusted_blindly(run_kurt: Run, kurt_home: Path) -> None:
    good = run_kurt("--help").stdout
    (entry,) = (kurt_home / "cache").glob("help-*.txt")
    entry.write_text("", "utf-8")  # an empty file (a write cut short) is rendered again
    assert run_kurt("--help").stdout == good
    assert entry.read_text("utf-8") == "\n" + good


def test_a_home_given_with_a_tilde_lands_in_the_users_home(run_kurt: Run, tmp_path: Path) -> None:
    # A real subprocess: `kurt --help` answers before click, from the fast path.
    user, cwd = tmp_path / "the-user", tmp_path / "elsewhere"
    user.mkdir()
    cwd.mkdir()
    outcome = run_kurt("--help", cwd=cwd, env={"HOME": str(user), "KURT_HOME": "~/x"})
    assert outcome.exit_code == 0, outcome.stderr
    assert list(cwd.iterdir()) == []  # no folder literally named "~"
    assert len(list((user / "x" / "cache").glob("help-*.txt"))) == 1
