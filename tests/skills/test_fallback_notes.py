"""An invalid project skill never hides a valid skill of the same name, but
using the valid one says so (issue 15, item 3): `tool run` and `skill
validate` name on stderr the skill that ran or was checked instead, and why;
`skill validate NAME` gives every skill of that name its own verdict. The
"installed package" is a user skill here: it ranks below the project alike."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from skill_helpers import write_skill

Run = Callable[..., Any]


@pytest.fixture
def two(make_project: Callable[..., Path], kurt_home: Path) -> tuple[Path, Path, Path]:
    """A project whose word-count is invalid (an unclosed list on line 4, which
    YAML reports on line 5, where it finds the list unclosed), and a valid user one."""
    root = make_project()
    user = write_skill(kurt_home / "skills", "word-count")
    project = write_skill(root / "skills", "word-count")
    manifest = project / "SKILL.md"
    lines = manifest.read_text(encoding="utf-8").splitlines()
    assert lines[3].startswith("version:")
    lines[3] = "version: [oops"
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root, project, user


def note(project: Path, user: Path) -> str:
    return (
        f"note: the project skill 'word-count' ({project / 'SKILL.md'}:5) is invalid: "
        "invalid YAML in front matter: while parsing a flow sequence (begun on line 4), "
        f"did not find expected ',' or ']'; using the user skill at {user}\n"
    )


def test_tool_run_says_which_skill_runs_instead_and_why(
    run_kurt: Run, two: tuple[Path, Path, Path]
) -> None:
    root, project, user = two
    for _ in range(2):  # the first run reads every manifest, the second the index
        outcome = run_kurt("tool", "run", "word-count", "--json", cwd=root)
        assert outcome.exit_code == 0, outcome.stderr
        assert json.loads(outcome.stdout)["data"] == [{"skill": "word-count", "value": "x"}]
        assert note(project, user) in outcome.stderr, outcome.stderr


def test_validate_name_checks_every_skill_of_that_name(
    run_kurt: Run, two: tuple[Path, Path, Path]
) -> None:
    root, project, user = two
    outcome = run_kurt("skill", "validate", "word-count", "--json", cwd=root)
    assert outcome.exit_code == 1
    assert note(project, user) in outcome.stderr, outcome.stderr
    reports = json.loads(outcome.stdout)
    verdicts = {report["path"]: report["valid"] for report in reports}
    assert verdicts == {str(user): True, str(project): False}


def test_a_valid_winner_alone_gets_no_note(
    run_kurt: Run, make_project: Callable[..., Path], kurt_home: Path
) -> None:
    root = make_project()
    write_skill(kurt_home / "skills", "word-count")
    outcome = run_kurt("tool", "run", "word-count", cwd=root)
    assert outcome.exit_code == 0
    assert "note:" not in outcome.stderr
