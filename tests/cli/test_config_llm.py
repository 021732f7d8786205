"""``kurt config llm``: the effective model, where it was set and where its key
comes from, the key masked; and no command that asks no model imports pydantic-ai."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from typing import Any

import pytest

from kurt.testing import KurtProject

CANARY = "sk-canary-7d1f0e-never-printed"


def test_the_model_its_file_and_the_masked_key(kurt_project: KurtProject) -> None:
    kurt_project.write_config('[llm]\nmodel = "openai:gpt-4o-mini"\nmax_tokens = 300\n')
    env = {"OPENAI_API_KEY": CANARY}

    as_json = kurt_project.kurt("config", "llm", "--json", env=env)
    text = kurt_project.kurt("config", "llm", env=env)

    assert as_json.exit_code == 0, as_json.stderr
    report = json.loads(as_json.stdout)
    toml = str(kurt_project.locations.project_file)
    assert report["model"] == "openai:gpt-4o-mini"
    assert report["max_tokens"] == 300
    assert report["sources"] == {"model": toml, "timeout": "default", "max_tokens": toml}
    assert report["key"] == {"variable": "OPENAI_API_KEY", "set": True, "value": "***"}
    assert text.exit_code == 0, text.stderr
    flat = " ".join(text.stdout.split())  # a long path wraps onto its own line
    assert flat.startswith(
        f"model: openai:gpt-4o-mini (from {toml}) timeout: none (default) "
        f"max_tokens: 300 (from {toml}) key: OPENAI_API_KEY (set: ***) pydantic-ai: installed"
    )
    for outcome in (as_json, text):
        assert CANARY not in outcome.stdout + outcome.stderr


def test_the_environment_wins_and_an_unset_key_says_so(kurt_project: KurtProject) -> None:
    kurt_project.write_config('[llm]\nmodel = "openai:gpt-4o-mini"\n')
    outcome = kurt_project.kurt(
        "config",
        "llm",
        "--json",
        env={"KURT_LLM__MODEL": "anthropic:claude-sonnet-4-0", "ANTHROPIC_API_KEY": ""},
    )
    report = json.loads(outcome.stdout)
    assert report["model"] == "anthropic:claude-sonnet-4-0"
    assert report["sources"]["model"] == "env:KURT_LLM__MODEL"
    assert report["key"] == {"variable": "ANTHROPIC_API_KEY", "set": False, "value": None}


def test_a_model_without_its_provider_is_a_located_error(kurt_project: KurtProject) -> None:
    kurt_project.write_config('[llm]\nmodel = "gpt-4o"\n')
    outcome = kurt_project.kurt("config", "llm")
    assert outcome.exit_code == 1
    assert outcome.stderr.startswith(
        f"Error: {kurt_project.locations.project_file}:2: invalid value for 'llm.model': "
        'expected "provider:model" (e.g. "openai:gpt-4o")'
    )
    assert "Traceback" not in outcome.stderr


# -- each skill's own model: [skills.NAME.llm] over [llm] ---------------------------------

ASKER = """---
name: {name}
description: Asks a model.
requires_llm: true
settings:
  llm_api_key: {{type: str, secret: true, required: false}}
---
"""


def _asker(kurt_project: KurtProject, name: str) -> None:
    folder = kurt_project.skills_dir / name
    folder.mkdir(parents=True)
    (folder / "SKILL.md").write_text(ASKER.format(name=name), encoding="utf-8")


def test_each_skills_own_model_with_where_each_value_was_set(
    kurt_project: KurtProject, invoke: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("asker", "keyed", "broken", "plain"):
        _asker(kurt_project, name)
    kurt_project.write_config(
        '[llm]\nmodel = "openai:gpt-4o-mini"\ntimeout = 20\n\n'
        '[skills.asker.llm]\nmodel = "anthropic:claude-3-5-haiku-latest"\n\n'
        f'[skills.keyed]\nllm_api_key = "{CANARY}"\n\n'
        "[skills.keyed.llm]\nmax_tokens = 50\n\n"
        "[skills.broken.llm]\ntimeout = -1\n"
    )
    user = kurt_project.home / "kurt.toml"
    user.parent.mkdir(parents=True, exist_ok=True)
    user.write_text("[skills.asker.llm]\nmax_tokens = 300\ntimeout = 5\n", encoding="utf-8")
    monkeypatch.setenv("ANTHROPIC_API_KEY", CANARY)

    as_json = invoke("--project", str(kurt_project.root), "config", "llm", "--json")
    text = invoke("--project", str(kurt_project.root), "config", "llm")

    assert as_json.exit_code == 0, as_json.stderr
    report = json.loads(as_json.stdout)
    toml = str(kurt_project.locations.project_file)
    assert report["model"] == "openai:gpt-4o-mini"  # the project's keys are as they were
    assert set(report["key"]) == {"variable", "set", "value"}
    asker, broken, keyed = report["skills"]  # by name; `plain` has no table of its own
    assert asker == {
        "name": "asker",
        "model": "anthropic:claude-3-5-haiku-latest",
        "timeout": 5.0,
        "max_tokens": 300,
        "sources": {"model": toml, "timeout": str(user), "max_tokens": str(user)},
        "key": {"variable": "ANTHROPIC_API_KEY", "set": True, "value": "***", "setting": None},
        "problems": [],
    }
    assert keyed["model"] == "openai:gpt-4o-mini"
    assert keyed["sources"] == {"model": toml, "timeout": toml, "max_tokens": toml}
    assert (keyed["timeout"], keyed["max_tokens"]) == (20.0, 50)
    assert keyed["key"] == {"variable": None, "set": True, "value": "***", "setting": "llm_api_key"}
    assert broken["name"] == "broken"
    assert (broken["model"], broken["key"]) == (None, None)
    assert broken["problems"] == [
        f"{toml}:15: invalid value for 'skills.broken.llm.timeout': Input should be greater "
        "than 0 (got -1)\n"
        "  hint: fix the value in that file; `kurt config schema` lists every section and key"
    ]
    assert text.exit_code == 0, text.stderr
    flat = " ".join(text.stdout.split())
    assert (
        "skill asker ([skills.asker.llm] over [llm]): "
        f"model: anthropic:claude-3-5-haiku-latest (from {toml}) timeout: 5.0 (from {user}) "
        f"max_tokens: 300 (from {user}) key: ANTHROPIC_API_KEY (set: ***)"
    ) in flat
    assert "skill keyed ([skills.keyed.llm] over [llm]):" in flat
    assert "key: the skill's llm_api_key setting (set: ***)" in flat
    assert (
        "skill broken ([skills.broken.llm] over [llm]): invalid: context.llm fails for this "
        f"skill until the table is fixed {toml}:15: invalid value for 'skills.broken.llm.timeout'"
    ) in flat
    assert "plain" not in flat
    for outcome in (as_json, text):
        assert CANARY not in outcome.stdout + outcome.stderr


# -- nothing LLM-related is imported by commands that ask no model -----------------------

PROBE = """
    import sys
    from kurt.__main__ import main

    sys.stdout = open({null!r}, "w")
    for args in {runs!r}:
        try:
            main(args)
        except SystemExit as exc:
            assert not exc.code, (args, exc.code)
    sys.stderr.write(",".join(m for m in ("pydantic_ai", "openai") if m in sys.modules) or "none")
"""


def test_help_listing_and_another_tool_never_import_pydantic_ai(
    kurt_project: KurtProject,
) -> None:
    (kurt_project.root / "note.txt").write_text("A note.\n", encoding="utf-8")
    kurt_project.write_config('[llm]\nmodel = "test"\n')
    runs = [["--help"], ["skill", "list"], ["tool", "run", "fetch", "-p", "urls=note.txt"]]
    probe = textwrap.dedent(PROBE.format(null=os.devnull, runs=runs))
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=kurt_project.root,
        env={**os.environ, "KURT_HOME": str(kurt_project.home)},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[-1] == "none"
