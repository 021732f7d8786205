"""``kurt config skills`` on kurt.toml files and values Kurt did not write
(issue 11, items 18-24): every one is a clear error naming the file, line or
key, or an edit that keeps the file exactly as the user wrote it; never a
traceback or an "Internal error". Real ``kurt`` subprocesses throughout."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any


def add_skill(root: Path, name: str, settings: str = "") -> Path:
    """A skill folder under ``root/skills`` with a SKILL.md only (no code: the
    edits and listings read manifests alone)."""
    folder = root / "skills" / name
    folder.mkdir(parents=True)
    (folder / "SKILL.md").write_text(
        f"---\nname: {name}\ndescription: Skill {name}.\n{settings}---\nDocs.\n",
        encoding="utf-8",
    )
    return folder


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_clean_failure(outcome: Any) -> None:
    """Exit 1 or 2 with a message, never a traceback or an internal error."""
    assert outcome.exit_code in {1, 2}, outcome
    assert outcome.stderr.startswith("Error: "), outcome.stderr
    assert "Traceback" not in outcome.stderr
    assert "Internal error" not in outcome.stderr


def test_unset_of_a_top_level_dotted_key_removes_only_that_key(
    run_kurt: Callable[..., Any], make_project: Callable[..., Path]
) -> None:
    text = (
        '# dotted\nskills.cs.rate = 2.0\nskills.cs.label = "d"  # the label\n\n'
        "[fetch]\ntimeout = 5\n"
    )
    root = make_project("dotted", text)
    add_skill(root, "cs", "settings:\n  label: {type: str}\n  rate: {type: float}\n")
    outcome = run_kurt("config", "skills", "unset", "cs", "label", cwd=root)
    assert (outcome.exit_code, outcome.stderr) == (0, "")
    after = (root / "kurt.toml").read_text(encoding="utf-8")
    assert after == "# dotted\nskills.cs.rate = 2.0\n\n[fetch]\ntimeout = 5\n"
