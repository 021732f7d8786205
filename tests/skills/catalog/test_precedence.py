"""Which skill wins (kurt.skills.catalog.precedence), as a user of `kurt` sees it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from skill_helpers import write_skill

Run = Callable[..., Any]


def listing(run_kurt: Run, project: Path) -> dict[str, list[dict[str, Any]]]:
    outcome = run_kurt("skill", "list", "--json", cwd=project)
    assert outcome.exit_code == 0, outcome.stderr
    rows: dict[str, list[dict[str, Any]]] = {}
    for row in json.loads(outcome.stdout):
        rows.setdefault(row["name"], []).append(row)
    return rows


def test_a_broken_copy_never_hides_the_valid_skill(project: Path, run_kurt: Run) -> None:
    skills = project / "skills"
    write_skill(skills, "report")
    # A stray copy whose folder name no longer matches: invalid, and searched first.
    copy = write_skill(skills, "report", folder="a-old-report")
    rows = listing(run_kurt, project)["report"]
    broken, valid = sorted(rows, key=lambda row: row["path"])
    assert broken["path"] == str(copy)
    assert broken["status"] == "shadowed"
    assert any("does not match the folder name 'a-old-report'" in p for p in broken["problems"])
    assert any(
        f"shadowed by the project skill 'report' at {skills / 'report'}, which is valid" in p
        for p in broken["problems"]
    )
    assert (valid["status"], valid["problems"]) == ("ok", [])
    run = run_kurt("tool", "run", "report", "--json", cwd=project)
    assert run.exit_code == 0, run.stderr
    assert json.loads(run.stdout)["data"] == [{"skill": "report", "value": "x"}]


def test_a_case_variant_that_is_invalid_leaves_the_user_skill_working(
    project: Path, kurt_home: Path, run_kurt: Run
) -> None:
    write_skill(kurt_home / "skills", "hello")
    write_skill(project / "skills", "Hello", provides=[("tool", "hello")])
    rows = listing(run_kurt, project)
    assert rows["hello"][0]["status"] == "ok"
    assert rows["Hello"][0]["status"] == "shadowed"
    assert run_kurt("tool", "run", "hello", cwd=project).exit_code == 0


def test_disabling_one_side_of_a_same_source_clash_frees_the_other(
    make_project: Callable[..., Path], run_kurt: Run
) -> None:
    root = make_project("clash")
    write_skill(root / "skills", "alpha", provides=[("tool", "shared")])
    write_skill(root / "skills", "beta", provides=[("tool", "shared")])
    rows = listing(run_kurt, root)
    for name, other in (("alpha", "beta"), ("beta", "alpha")):
        [row] = rows[name]
        assert row["status"] == "invalid"
        assert any(
            f"tool 'shared' is also provided by the project skill '{other}'" in p
            for p in row["problems"]
        )
    assert run_kurt("tool", "run", "shared", cwd=root).exit_code == 1

    assert run_kurt("config", "skills", "disable", "beta", cwd=root).exit_code == 0
    for _ in range(2):  # the second listing takes the warm path
        rows = listing(run_kurt, root)
        assert (rows["alpha"][0]["status"], rows["alpha"][0]["problems"]) == ("ok", [])
        assert rows["beta"][0]["status"] == "disabled"
    run = run_kurt("tool", "run", "shared", "--json", cwd=root)
    assert run.exit_code == 0, run.stderr
    assert json.loads(run.stdout)["metadata"]["skill"] == "alpha"


def test_missing_and_circular_requirements_are_errors_on_their_line(
    project: Path, run_kurt: Run
) -> None:
    skills = project / "skills"
    write_skill(skills, "needs-ghost", manifest_extra="requires_skills: [ghost]")
    write_skill(skills, "one", manifest_extra="requires_skills: [two]")
    write_skill(skills, "two", manifest_extra="requires_skills: [one]")
    write_skill(skills, "fine")
    rows = {name: found[0] for name, found in listing(run_kurt, project).items()}
    manifest = skills / "needs-ghost" / "SKILL.md"
    assert rows["needs-ghost"]["status"] == "invalid"
    assert rows["needs-ghost"]["problems"] == [
        f"{manifest}:7: requires skill 'ghost', which is not available"
    ]
    assert rows["one"]["problems"] == [
        f"{skills / 'one' / 'SKILL.md'}:7: requirement cycle: one -> two -> one"
    ]
    assert rows["fine"]["status"] == "ok"
    validate = run_kurt("skill", "validate", "--json", "one", cwd=project)
    assert validate.exit_code == 1
    [error] = json.loads(validate.stdout)[0]["errors"]
    assert (error["file"], error["line"]) == (str(skills / "one" / "SKILL.md"), 7)


def test_running_a_tool_of_a_skill_whose_manifest_does_not_parse_says_why(
    project: Path, run_kurt: Run
) -> None:
    write_skill(project / "skills", "oops", manifest_extra="requires_python: '=>3.10'")
    run = run_kurt("tool", "run", "oops", cwd=project)
    assert run.exit_code == 1
    manifest = project / "skills" / "oops" / "SKILL.md"
    assert run.stderr.startswith(
        f"Error: {manifest}:7: skill 'oops' is invalid: 'requires_python': expected a PEP 440 "
        "version specifier"
    )
    assert run.stderr.endswith("  hint: run: kurt skill validate oops\n")


def test_a_skill_that_cannot_run_here_says_how_to_fix_it(project: Path, run_kurt: Run) -> None:
    write_skill(project / "skills", "needy", manifest_extra="requires_env: [KURT_QA_NEEDED]")
    write_skill(project / "skills", "costly", manifest_extra="requires: ['no-such-dist-kurt>=2']")
    needy = run_kurt("tool", "run", "needy", cwd=project)
    assert needy.exit_code == 1
    assert needy.stderr.endswith(
        "skill 'needy' cannot run here: environment variable KURT_QA_NEEDED is not set\n"
        "  hint: set it: export KURT_QA_NEEDED=...\n"
    )
    costly = run_kurt("tool", "run", "costly", cwd=project)
    assert costly.stderr.endswith(
        "  hint: install it where Kurt runs: python -m pip install 'no-such-dist-kurt>=2'\n"
    )
    assert run_kurt("tool", "run", "needy", cwd=project, env={"KURT_QA_NEEDED": "1"}).exit_code == 0


def test_two_skills_adding_one_command_are_both_invalid_on_its_line(
    project: Path, kurt_home: Path, run_kurt: Run
) -> None:
    commands = """
        commands:
          - {name: archive-all, entry: "cli:main"}
    """
    project_skill = write_skill(project / "skills", "alpha", manifest_extra=commands)
    user_skill = write_skill(kurt_home / "skills", "beta", manifest_extra=commands)
    rows = listing(run_kurt, project)
    for name, other in (("alpha", user_skill), ("beta", project_skill)):
        [row] = rows[name]
        assert row["status"] == "invalid"
        message = (
            f"command 'archive-all' is also added by the skill '{other.name}' ({other}); two "
            "skills cannot add one command: rename it under commands, or disable one skill"
        )
        assert any(message in problem for problem in row["problems"]), row["problems"]
    validate = run_kurt("skill", "validate", "alpha", "--json", cwd=project)
    assert validate.exit_code == 1
    [report] = json.loads(validate.stdout)
    [error] = [e for e in report["errors"] if "is also added by" in e["message"]]
    assert (error["file"], error["line"]) == (str(project_skill / "SKILL.md"), 8)

    assert run_kurt("config", "skills", "disable", "beta", cwd=project).exit_code == 0
    assert listing(run_kurt, project)["alpha"][0]["status"] == "ok"
