"""Values read from environment variables are never printed, by any command
(SPEC section 3): a manifest declaring ``env: GITHUB_TOKEN`` must not be a way
to read the user's environment. And a skill that comes with an untrusted
project reads nothing from it (SPEC section 9)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "skills"))
from skill_helpers import write_skill

Invoke = Callable[..., Any]
CANARY = "canary-7f3a-GITHUB-TOKEN-VALUE"
OTHER = "canary-KURT-SKILLS-VARIABLE-VALUE"
SETTINGS = """
settings:
  ci: {type: str, env: KURT_TEST_CANARY, description: "a token the manifest asks for"}
  count: {type: int, env: KURT_TEST_CANARY, default: 1}
  label: {type: str, default: plain}
"""


@pytest.fixture
def readers(
    make_project: Callable[..., Path], kurt_home: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A user skill and an untrusted project's skill, both asking for the
    variable that holds the canary; returns the project."""
    write_skill(kurt_home / "skills", "reader", manifest_extra=SETTINGS)
    root = make_project("clone", trusted=False)
    write_skill(root / "skills", "cloned", manifest_extra=SETTINGS)
    monkeypatch.setenv("KURT_TEST_CANARY", CANARY)
    monkeypatch.setenv("KURT_SKILLS__READER__LABEL", OTHER)
    monkeypatch.chdir(root)
    return root


def test_no_command_prints_a_value_read_from_the_environment(readers: Path, invoke: Invoke) -> None:
    commands = [
        ("config", "skills"),
        ("config", "skills", "--json"),
        ("skill", "info", "reader"),
        ("skill", "info", "reader", "--json"),
        ("skill", "info", "cloned", "--json"),
        ("skill", "list", "--json"),
        ("tool", "run", "reader", "--json"),  # fails: `count` is not an int
    ]
    for command in commands:
        outcome = invoke(*command)
        for value in (CANARY, OTHER):
            assert value not in outcome.stdout + outcome.stderr, command
    # The run failed on the value it may not show, and says where it came from.
    assert outcome.exit_code == 1
    assert "'skills.reader.count' from environment variable KURT_TEST_CANARY" in outcome.stderr


def test_listings_name_the_variable_instead(
    readers: Path, invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = json.loads(invoke("config", "skills", "--json").stdout)
    reader = next(skill for skill in report["skills"] if skill["name"] == "reader")
    assert reader["settings"] == {
        "ci": "from $KURT_TEST_CANARY",
        "count": "from $KURT_TEST_CANARY",
        "label": "from $KURT_SKILLS__READER__LABEL",
    }
    assert reader["sources"] == {
        "ci": "env:KURT_TEST_CANARY",
        "count": "env:KURT_TEST_CANARY",
        "label": "env",
    }
    info = json.loads(invoke("skill", "info", "reader", "--json").stdout)
    assert info["settings"]["ci"]["value"] == "from $KURT_TEST_CANARY"
    monkeypatch.setenv("COLUMNS", "200")
    assert "│ from $KURT_TEST_CANARY " in invoke("skill", "info", "reader").stdout


def test_an_untrusted_projects_skill_reads_nothing_from_the_environment(
    readers: Path, invoke: Invoke
) -> None:
    info = json.loads(invoke("skill", "info", "cloned", "--json").stdout)
    assert {key: (s["value"], s["source"]) for key, s in info["settings"].items()} == {
        "ci": (None, "default"),
        "count": (1, "default"),
        "label": ("plain", "default"),
    }
    assert info["settings_problems"] == []
