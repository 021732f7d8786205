"""Helpers shared by the example skills' tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kurt.testing import KurtProject, Outcome

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_SKILLS = REPO / "examples" / "skills"


def with_examples(project: KurtProject) -> KurtProject:
    """``project`` finding the example skills through ``[skills].paths`` (searched in place)."""
    project.add_path(EXAMPLE_SKILLS)
    return project


def json_of(outcome: Outcome) -> Any:
    """The JSON a ``kurt ... --json`` command printed, with its stderr on failure."""
    assert "Traceback" not in outcome.stderr, outcome.stderr
    try:
        return json.loads(outcome.stdout)
    except ValueError:
        pytest.fail(f"not JSON (exit {outcome.exit_code}):\n{outcome.stdout}\n{outcome.stderr}")


def skill_row(project: KurtProject, name: str) -> dict[str, Any]:
    """``kurt skill list --json``'s row for ``name``."""
    rows = json_of(project.kurt("skill", "list", "--json"))
    found = [row for row in rows if row["name"] == name]
    assert found, f"{name} is not listed: {[row['name'] for row in rows]}"
    return dict(found[0])
