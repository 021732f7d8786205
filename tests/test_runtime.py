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
from kurt.config.locations import Locations
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


# -- context.llm: a skill's own [skills.NAME.llm] and its llm_api_key ------------------

LLM_SKILL = """---
name: asker
description: Asks a model.
requires_llm: true
implements:
  - {type: tool, class: Asker, name: asker}
settings:
  llm_api_key: {type: str, secret: true}
  label: {type: str, default: x}
---
"""


def _llm_project(make_project: Callable[..., Path], toml: str) -> Path:
    root = make_project(toml=toml)
    folder = root / "skills" / "asker"
    folder.mkdir(parents=True)
    (folder / "SKILL.md").write_text(LLM_SKILL, encoding="utf-8")
    (folder / "skill.py").write_text("", encoding="utf-8")
    return root


def test_a_skills_llm_table_overrides_llm_and_its_secret_setting_is_the_key(
    make_project: Callable[..., Path],
) -> None:
    from kurt.runtime import Runtime

    root = _llm_project(
        make_project,
        '[llm]\nmodel = "openai:gpt-4o"\ntimeout = 30\n\n'
        '[skills.asker]\nllm_api_key = "sk-canary-key"\nlabel = "y"\n\n'
        '[skills.asker.llm]\nmodel = "openai:gpt-4o-mini"\nmax_tokens = 200\n',
    )
    runtime = Runtime(Locations.discover(root))
    client = runtime._open_llm("asker")
    assert (client.options.model, client.options.timeout, client.options.max_tokens) == (
        "openai:gpt-4o-mini",
        30,
        200,
    )
    assert client.options.api_key == "sk-canary-key"
    assert "sk-canary" not in repr(client.options)
    assert runtime.settings_for("asker").label == "y"  # the llm table is no setting
    pytest.importorskip("openai", reason="the llm extra brings the OpenAI SDK")
    assert client._configured().client.api_key == "sk-canary-key"
    other = runtime._open_llm(None)  # Kurt's own code: [llm] alone, no key
    assert (other.options.model, other.options.api_key) == ("openai:gpt-4o", None)


def test_a_bad_value_in_a_skills_llm_table_names_the_skill_and_the_key(
    make_project: Callable[..., Path],
) -> None:
    from kurt.errors import ConfigError
    from kurt.runtime import Runtime

    root = _llm_project(make_project, "[skills.asker.llm]\nmax_tokens = -1\n")
    runtime = Runtime(Locations.discover(root))
    with pytest.raises(ConfigError) as caught:
        runtime._open_llm("asker")
    assert caught.value.key == "skills.asker.llm.max_tokens"
    assert caught.value.file == str(root / "kurt.toml")
