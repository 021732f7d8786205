"""``kurt trust``: the user, and nothing inside a project, decides what runs."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "skills"))
from skill_helpers import imported, write_skill

Run = Callable[..., Any]


def test_trust_and_revoke(
    make_project: Callable[..., Path], run_kurt: Run, kurt_home: Path
) -> None:
    root = make_project("p", trusted=False)
    first = run_kurt("trust", str(root))
    assert (first.exit_code, first.stdout) == (0, f"{root} is now trusted.\n")
    again = run_kurt("trust", cwd=root)
    assert again.stdout == f"{root} is already trusted.\n"
    record = json.loads((kurt_home / "trusted-projects.json").read_text("utf-8"))
    assert record == {"trusted": [str(root)]}
    revoked = run_kurt("trust", "--revoke", str(root))
    assert revoked.stdout == f"{root} is no longer trusted.\n"
    assert run_kurt("trust", "--revoke", str(root)).stdout == f"{root} is not trusted.\n"


def test_trust_needs_a_project(run_kurt: Run, tmp_path: Path) -> None:
    outcome = run_kurt("trust", str(tmp_path))
    assert outcome.exit_code == 2
    assert outcome.stderr == (
        f"Error: '{tmp_path}' is not a Kurt project (no kurt.toml).\n"
        f"  hint: create one with: kurt init {tmp_path}\n"
    )
    missing = run_kurt("trust", str(tmp_path / "nowhere"))
    assert (missing.exit_code, missing.stderr) == (
        2,
        f"Error: '{tmp_path / 'nowhere'}' does not exist.\n"
        "  hint: pass the folder of a Kurt project\n",
    )


def test_nothing_inside_a_project_grants_trust(
    make_project: Callable[..., Path], run_kurt: Run
) -> None:
    root = make_project("sneaky", "trusted = true\n", trusted=False)
    (root / ".env").write_text("KURT_TRUSTED=1\n", "utf-8")
    write_skill(root / "skills", "local")
    outcome = run_kurt("--project", str(root), "tool", "run", "local")
    assert outcome.exit_code == 1
    assert "unknown key 'trusted'" in outcome.stderr  # kurt.toml has no such key at all

    (root / "kurt.toml").write_text("", "utf-8")
    outcome = run_kurt("--project", str(root), "tool", "run", "local", env={"KURT_TRUSTED": "1"})
    assert outcome.exit_code == 1
    assert "which you have not trusted" in outcome.stderr
    assert imported(root / "skills" / ".markers") == set()


def test_revoking_stops_project_code(make_project: Callable[..., Path], run_kurt: Run) -> None:
    root = make_project("p")
    write_skill(root / "skills", "local")
    assert run_kurt("--project", str(root), "tool", "run", "local").exit_code == 0
    run_kurt("trust", "--revoke", str(root))
    assert run_kurt("--project", str(root), "tool", "run", "local").exit_code == 1


def test_a_copy_of_a_trusted_project_is_not_trusted(
    make_project: Callable[..., Path], run_kurt: Run, tmp_path: Path
) -> None:
    root = make_project("original")
    write_skill(root / "skills", "local")
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    outcome = run_kurt("--project", str(copy), "tool", "run", "local")
    assert outcome.exit_code == 1
    assert f"trust it with: kurt trust {copy}" in outcome.stderr


def test_editing_a_skill_keeps_trust(make_project: Callable[..., Path], run_kurt: Run) -> None:
    root = make_project("p")
    write_skill(root / "skills", "local", description="first")
    assert run_kurt("--project", str(root), "tool", "run", "local").exit_code == 0
    write_skill(root / "skills", "local", description="edited")
    assert run_kurt("--project", str(root), "tool", "run", "local").exit_code == 0


CORRUPT = {
    "garbage bytes": b"\xff\xfe\x00not json at all",
    "truncated": b'{"trusted": ["/a"',
    "a list": b'["/a"]',
    "a number for the list": b'{"trusted": 5}',
    "no list": b"{}",
    "paths that are not text": b'{"trusted": [1, null]}',
}


@pytest.mark.parametrize("content", CORRUPT.values(), ids=list(CORRUPT))
def test_a_corrupt_trust_record_never_crashes_a_command(
    content: bytes, make_project: Callable[..., Path], run_kurt: Run, kurt_home: Path
) -> None:
    record = kurt_home / "trusted-projects.json"
    root = make_project("p")  # trusted, then the record is destroyed
    write_skill(root / "skills", "local")
    record.write_bytes(content)

    # Commands that show whether a skill is trusted say once that nothing is;
    # tool list does not read the record (it lists names, trusted or not).
    for args in (("skill", "list"), ("skill", "list", "--json"), ("skill", "info", "local")):
        looked = run_kurt(*args, cwd=root)
        assert looked.exit_code == 0, looked.stderr
        assert "Internal error" not in looked.stderr
        assert looked.stderr.count(f"{record}: the trust record is unreadable") == 1
        assert "kurt trust" in looked.stderr
    listed = run_kurt("tool", "list", cwd=root)
    assert (listed.exit_code, listed.stderr.count("trust record")) in ((0, 0), (0, 1))

    ran = run_kurt("tool", "run", "local", cwd=root)
    assert ran.exit_code == 1
    assert f"Error: {record}: the trust record is unreadable" in ran.stderr
    assert "hint: run `kurt trust` in a project you trust" in ran.stderr
    assert "Internal error" not in ran.stderr
    assert imported(root / "skills" / ".markers") == set()

    fixed = run_kurt("trust", cwd=root)
    assert (fixed.exit_code, fixed.stdout) == (0, f"{root} is now trusted.\n")
    assert "must be trusted again" in fixed.stderr
    [backup] = kurt_home.glob("trusted-projects.json.corrupt-*")
    assert backup.read_bytes() == content
    assert json.loads(record.read_text("utf-8")) == {"trusted": [str(root)]}
    again = run_kurt("tool", "run", "local", cwd=root)
    assert again.exit_code == 0, again.stderr
    assert "trust record" not in again.stderr
    assert imported(root / "skills" / ".markers") == {"local"}


def test_revoking_also_repairs_a_corrupt_trust_record(
    make_project: Callable[..., Path], run_kurt: Run, kurt_home: Path
) -> None:
    record = kurt_home / "trusted-projects.json"
    root = make_project("p")
    record.write_bytes(b"garbage")
    outcome = run_kurt("trust", "--revoke", str(root))
    assert (outcome.exit_code, outcome.stdout) == (0, f"{root} is not trusted.\n")
    assert "must be trusted again" in outcome.stderr
    assert json.loads(record.read_text("utf-8")) == {"trusted": []}
    assert [p.read_bytes() for p in kurt_home.glob("trusted-projects.json.corrupt-*")] == [
        b"garbage"
    ]
