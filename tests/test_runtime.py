"""kurt.load_skills(): a script connects a project's skills explicitly (SPEC section 7)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import kurt
from kurt import TOOLS
from kurt.errors import UntrustedProjectError, UsageError


def new_skill(root: Path, name: str, run_kurt: Callable[..., Any]) -> None:
    done = run_kurt("skill", "new", name, cwd=root)
    assert done.exit_code == 0, done.stderr


def test_load_skills_with_a_folder_connects_that_project_wherever_the_script_runs(
    make_project: Callable[..., Path], run_kurt: Callable[..., Any], tmp_path: Path
) -> None:
    root = make_project("elsewhere")
    new_skill(root, "my-tool", run_kurt)
    assert "my-tool" not in TOOLS  # importing kurt discovered nothing
    runtime = kurt.load_skills(root)
    assert os.getcwd() != str(root)
    assert "my-tool" in TOOLS
    assert TOOLS.get("my-tool").__name__ == "MyToolTool"

    async def run() -> kurt.ToolResult:
        async with runtime.context() as context:
            return await kurt.execute_tool("my-tool", {"name": "Ada"}, context)

    result = asyncio.run(run())
    assert result.success, result.errors
    assert result.metadata["skill"] == "my-tool"


def test_load_skills_without_a_folder_finds_the_project_from_the_current_directory(
    make_project: Callable[..., Path],
    run_kurt: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = make_project("here")
    new_skill(root, "here-tool", run_kurt)
    monkeypatch.chdir(root / "skills")
    kurt.load_skills()
    assert TOOLS.get("here-tool").__name__ == "HereToolTool"


def test_load_skills_of_a_folder_without_kurt_toml_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is not a Kurt project"):
        kurt.load_skills(tmp_path)


def test_load_skills_keeps_trust(
    make_project: Callable[..., Path], run_kurt: Callable[..., Any]
) -> None:
    root = make_project("cloned", trusted=False)
    new_skill(root, "cloned-tool", run_kurt)
    kurt.load_skills(root)
    assert "cloned-tool" in TOOLS  # listed from its manifest
    with pytest.raises(UntrustedProjectError, match="kurt trust"):
        TOOLS.get("cloned-tool")
