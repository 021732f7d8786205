"""A skill's status, decided in one place for the full and the warm listing,
and ``unusable``: what this machine lacks, said the same way by the listing
and by the run (SPEC section 6)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from skill_helpers import write_skill

from kurt.config.locations import Locations
from kurt.skills.catalog.warm import warm_listing
from kurt.skills.manager import SkillManager
from kurt.skills.status import status_of

Run = Callable[..., Any]

# Each skill lacks one thing; the words its listing and its run both say.
NEEDS = {
    "oldpy": ('requires_python: ">=99"', "requires Python >=99, but this is Python"),
    "nodist": (
        "requires: ['surely-not-installed-kurt-dist>=2']",
        "requires 'surely-not-installed-kurt-dist>=2', but surely-not-installed-kurt-dist "
        "is not installed; install it where Kurt runs: python -m pip install "
        "'surely-not-installed-kurt-dist>=2'",
    ),
    "noenv": (
        "requires_env: [KURT_SURELY_UNSET_VARIABLE]",
        "environment variable KURT_SURELY_UNSET_VARIABLE is not set; "
        "set it: export KURT_SURELY_UNSET_VARIABLE=...",
    ),
}


@pytest.mark.parametrize(
    ("shadowed", "enabled", "valid", "runnable", "status"),
    [
        (True, False, False, False, "shadowed"),
        (False, False, False, False, "disabled"),
        (False, True, False, False, "invalid"),
        (False, True, True, False, "unusable"),
        (False, True, True, True, "ok"),
    ],
)
def test_status_priority(
    shadowed: bool, enabled: bool, valid: bool, runnable: bool, status: str
) -> None:
    assert status_of(shadowed=shadowed, enabled=enabled, valid=valid, runnable=runnable) == status


def needy_project(make_project: Callable[..., Path]) -> Path:
    root = make_project("p")
    for name, (extra, _) in NEEDS.items():
        write_skill(root / "skills", name, manifest_extra=extra)
    write_skill(root / "skills", "fine")
    return root


def test_skill_list_json_says_unusable_and_how_to_fix_it(
    make_project: Callable[..., Path], run_kurt: Run
) -> None:
    root = needy_project(make_project)
    for attempt in ("cold", "warm"):
        done = run_kurt("skill", "list", "--json", cwd=root)
        assert done.exit_code == 0, (attempt, done.stderr)
        rows = {row["name"]: row for row in json.loads(done.stdout)}
        assert rows["fine"]["status"] == "ok"
        for name, (_, words) in NEEDS.items():
            assert rows[name]["status"] == "unusable", attempt
            [problem] = rows[name]["problems"]
            assert words in problem
            assert problem.startswith(f"{root / 'skills' / name / 'SKILL.md'}:7: ")


def test_the_table_and_the_run_say_the_same_words(
    make_project: Callable[..., Path], run_kurt: Run
) -> None:
    root = needy_project(make_project)
    table = run_kurt("skill", "list", cwd=root, env={"COLUMNS": "200"})
    assert table.exit_code == 0
    lines = table.stdout.splitlines()
    for name, (_, words) in NEEDS.items():
        assert any(name in line and "unusable" in line for line in lines), table.stdout
        assert words in table.stderr
        run = run_kurt("tool", "run", name, "-p", "value=x", cwd=root)
        assert run.exit_code == 1, run.stderr
        message, _, hint = words.partition("; ")
        assert f"skill '{name}' cannot run here: {message}" in run.stderr
        if hint:
            assert f"hint: {hint}" in run.stderr
        assert "Traceback" not in run.stderr


def test_an_export_is_seen_by_the_next_warm_listing(
    make_project: Callable[..., Path], kurt_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project("p")
    write_skill(root / "skills", "noenv", manifest_extra=NEEDS["noenv"][0])
    monkeypatch.delenv("KURT_SURELY_UNSET_VARIABLE", raising=False)
    full = SkillManager(Locations(root, kurt_home)).listing()
    assert full[0]["status"] == "unusable"
    assert json.loads(warm_listing(str(root)) or "null") == full
    monkeypatch.setenv("KURT_SURELY_UNSET_VARIABLE", "1")
    warm = json.loads(warm_listing(str(root)) or "null")
    assert (warm[0]["status"], warm[0]["problems"]) == ("ok", [])
    assert warm == SkillManager(Locations(root, kurt_home), use_cache=False).listing()


def test_a_disabled_unusable_skill_is_disabled(
    make_project: Callable[..., Path], kurt_home: Path
) -> None:
    root = make_project("p", '[skills]\ndisabled = ["noenv"]\n')
    write_skill(root / "skills", "noenv", manifest_extra=NEEDS["noenv"][0])
    full = SkillManager(Locations(root, kurt_home)).listing()
    assert full[0]["status"] == "disabled"
    assert json.loads(warm_listing(str(root)) or "null") == full


def test_every_row_says_whether_it_is_trusted(
    make_project: Callable[..., Path], kurt_home: Path, run_kurt: Run
) -> None:
    root = make_project("p", trusted=False)
    write_skill(root / "skills", "mine")
    write_skill(kurt_home / "skills", "users")
    for attempt in ("cold", "warm"):
        done = run_kurt("skill", "list", "--json", cwd=root)
        rows = {row["name"]: row for row in json.loads(done.stdout)}
        assert rows["mine"]["trusted"] is False, attempt
        assert rows["users"]["trusted"] is True, attempt
        assert rows["mine"]["status"] == "ok"  # trust aside
    table = run_kurt("skill", "list", cwd=root, env={"COLUMNS": "200"})
    [mine] = [line for line in table.stdout.splitlines() if "mine" in line]
    assert "ok (untrusted)" in mine
    assert "kurt trust" in table.stderr
    assert run_kurt("trust", str(root)).exit_code == 0
    done = run_kurt("skill", "list", "--json", cwd=root)  # the trust record's edit is seen
    assert all(row["trusted"] for row in json.loads(done.stdout))
