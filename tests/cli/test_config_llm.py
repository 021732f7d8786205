"""``kurt config llm``: the effective model, where it was set and where its key
comes from, the key masked; and no command that asks no model imports pydantic-ai."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

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
