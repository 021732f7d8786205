"""A skill whose SKILL.md does not parse (issue 15, item 2): its names are not
"unknown" and its settings in kurt.toml are not "unknown keys to remove";
the messages point at the manifest's line instead (real subprocesses)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Run = Callable[..., Any]

# A YAML error on line 11: the flow mapping is never closed.
BROKEN = """\
---
name: page-stats
description: Page stats
version: 0.1.0
implements:
  - type: tool
    name: page-stats
    class: PageStats
settings:
  token: {type: string
---
# page-stats
"""

WHERE = "skills/page-stats/SKILL.md:11"
INVALID = (
    "skill 'page-stats' is invalid: invalid YAML in front matter: "
    "while parsing a flow mapping (begun on line 10), did not find expected ',' or '}'"
)


@pytest.fixture
def broken(make_project: Callable[..., Path]) -> Path:
    root = make_project(toml='[skills.page-stats]\ntoken = "kept"\n')
    folder = root / "skills" / "page-stats"
    folder.mkdir()
    (folder / "SKILL.md").write_text(BROKEN, encoding="utf-8")
    (folder / "skill.py").write_text("", encoding="utf-8")
    return root


def test_running_its_tool_names_the_manifest_line_and_exits_1(run_kurt: Run, broken: Path) -> None:
    outcome = run_kurt("tool", "run", "page-stats", cwd=broken)
    assert outcome.exit_code == 1
    assert "Unknown tool" not in outcome.stderr
    assert f"Error: {broken / WHERE}: {INVALID}\n" in outcome.stderr
    assert "hint: run: kurt skill validate page-stats" in outcome.stderr


def test_setting_one_of_its_settings_says_its_manifest_is_unreadable(
    run_kurt: Run, broken: Path
) -> None:
    outcome = run_kurt("config", "skills", "set", "page-stats", "token", "new", cwd=broken)
    assert outcome.exit_code == 1
    assert "Unknown setting" not in outcome.stderr
    assert f"Error: {broken / WHERE}: {INVALID}\n" in outcome.stderr
    assert (broken / "kurt.toml").read_text(
        encoding="utf-8"
    ) == '[skills.page-stats]\ntoken = "kept"\n'


def test_config_skills_never_advises_deleting_its_settings(run_kurt: Run, broken: Path) -> None:
    outcome = run_kurt("config", "skills", "--json", cwd=broken)
    assert outcome.exit_code == 0
    (row,) = [s for s in json.loads(outcome.stdout)["skills"] if s["name"] == "page-stats"]
    assert row["problems"][0] == (
        f"{broken / 'kurt.toml'}: [skills.page-stats] is not checked: the manifest of "
        f"skill 'page-stats' could not be read ({broken / WHERE})\n"
        "  hint: fix its SKILL.md and keep these settings: kurt skill validate page-stats"
    )
    assert not any("remove the key" in problem for problem in row["problems"])
    human = run_kurt("config", "skills", cwd=broken)
    assert "remove the key" not in human.stdout + human.stderr


def test_a_tool_is_found_by_a_name_its_broken_manifest_still_gives(
    run_kurt: Run, make_project: Callable[..., Path]
) -> None:
    # The folder has another name: only the readable `name:` lines tie the tool to it.
    root = make_project()
    folder = root / "skills" / "stats"
    folder.mkdir()
    (folder / "SKILL.md").write_text(BROKEN.replace("name: page-stats\n", "name: stats\n", 1))
    outcome = run_kurt("tool", "run", "page-stats", cwd=root)
    assert outcome.exit_code == 1, outcome
    assert "Unknown tool" not in outcome.stderr
    assert "skills/stats/SKILL.md:11: skill 'stats' is invalid: invalid YAML" in outcome.stderr


def test_tool_list_says_what_it_leaves_out(run_kurt: Run, broken: Path) -> None:
    for _ in range(2):  # the full path, then the snapshot
        outcome = run_kurt("tool", "list", cwd=broken)
        assert outcome.exit_code == 0
        assert "page-stats" not in outcome.stdout
        assert outcome.stderr == (
            "note: not listed: what 1 invalid skill(s) provide (page-stats); "
            "see why with: kurt skill validate page-stats\n"
        )
