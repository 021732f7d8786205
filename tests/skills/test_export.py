"""``kurt skill export``: a copy that the open format's strict rules accept
(``kurt skill validate --agentskills``), with the body and bundled files kept."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kurt.skills.export import exported_front_matter
from kurt.skills.manifest.agentskills import check_agentskills, parse_strict_front_matter

Invoke = Callable[..., Any]
REPO = Path(__file__).resolve().parents[2]
EXAMPLES = [
    REPO / "skills" / "site-digest",
    REPO / "examples" / "skills" / "web-archiver",
    REPO / "examples" / "skills" / "json-api",
    REPO / "examples" / "skills" / "opml",
]

# Every shape a Kurt SKILL.md may hold that the open format refuses or reads differently.
BUSY = """\
---
name: busy
description: "Summarise pages: quotes ', colons and # signs stay"
license: Apache-2.0
compatibility: Needs network access
allowed-tools: [Read, "Bash(git:*)"]
metadata:
  team: docs
  reviewed: 2026
version: 1.0
author: A. Writer <a@example.com>
tags: [web, summaries]
requires_python: ">=3.11"
requires: ["httpx>=0.27"]
requires_env: [BUSY_TOKEN]
requires_skills: []
argument-hint: "[url]"
implements:
  - {type: tool, class: Summarise, name: summarise}
  - {type: fetcher, class: BusyFetcher, name: busy-fetcher}
settings:
  depth: {type: int, default: 2}
commands:
  - {name: busy-all, entry: "cli:main"}
---

# busy

Use `summarise` on one page at a time.
"""


def test_kurts_keys_are_folded_into_metadata_as_strings_or_dropped() -> None:
    from kurt.skills.manifest.frontmatter import read_front_matter

    fields = read_front_matter(BUSY, Path("SKILL.md")).fields
    assert exported_front_matter(fields, ["mcp__kurt__summarise"]) == {
        "name": "busy",
        "description": "Summarise pages: quotes ', colons and # signs stay",
        "license": "Apache-2.0",
        "compatibility": "Needs network access",
        "allowed-tools": "Read Bash(git:*) mcp__kurt__summarise",
        "metadata": {
            "team": "docs",
            "reviewed": "2026",
            "version": "1.0",
            "author": "A. Writer <a@example.com>",
            "kurt-tags": "web, summaries",
            "kurt-requires_python": ">=3.11",
            "kurt-requires": "httpx>=0.27",
            "kurt-requires_env": "BUSY_TOKEN",
            "kurt-argument-hint": "[url]",
            "kurt-implements": "tool:summarise fetcher:busy-fetcher",
        },
    }


@pytest.fixture
def busy(project: Path) -> Path:
    folder = project / "skills" / "busy"
    (folder / "scripts" / "__pycache__").mkdir(parents=True)
    (folder / "SKILL.md").write_text(BUSY, encoding="utf-8")
    (folder / "skill.py").write_text("# the code\n", encoding="utf-8")
    (folder / "scripts" / "run.sh").write_text("echo hi\n", encoding="utf-8")
    (folder / "scripts" / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    (folder / "cached.pyc").write_bytes(b"\0")
    return folder


def test_the_export_conforms_and_keeps_the_body_and_bundled_files(
    invoke: Invoke, project: Path, busy: Path
) -> None:
    outcome = invoke("--project", str(project), "skill", "export", "busy", "--agent", "claude")
    target = project / ".claude" / "skills" / "busy"
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.stdout == f"exported 'busy' to {target}\n"
    assert check_agentskills(target) == []
    text = (target / "SKILL.md").read_text(encoding="utf-8")
    assert text.endswith("---\n\n# busy\n\nUse `summarise` on one page at a time.\n")
    files = sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file())
    assert files == ["SKILL.md", "scripts/run.sh", "skill.py"]
    verdict = invoke("skill", "validate", "--agentskills", str(target))
    assert verdict.exit_code == 0, verdict.stdout + verdict.stderr


def test_allowed_tools_may_name_the_mcp_servers_tools(
    invoke: Invoke, project: Path, busy: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    args = ("--project", str(project), "skill", "export", "busy", str(out))
    outcome = invoke(*args, "--agent", "claude", "--mcp-server", "site")
    assert outcome.exit_code == 0, outcome.stderr
    front = parse_strict_front_matter((out / "busy" / "SKILL.md").read_text(encoding="utf-8"))
    assert front["allowed-tools"] == "Read Bash(git:*) mcp__site__summarise"


def test_an_earlier_export_is_replaced_only_with_force(
    invoke: Invoke, project: Path, busy: Path
) -> None:
    args = ("--project", str(project), "skill", "export", "busy")
    assert invoke(*args).exit_code == 0
    target = project / ".agents" / "skills" / "busy"
    (target / "stale.txt").write_text("old", encoding="utf-8")
    again = invoke(*args)
    assert again.exit_code == 1
    assert again.stderr == (
        f"Error: {target} exists already\n  hint: run again with --force to replace it\n"
    )
    assert invoke(*args, "--force").exit_code == 0
    assert not (target / "stale.txt").exists()
    assert sorted(p.name for p in target.parent.iterdir()) == ["busy"]  # no staging left


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda path: path.name)
def test_the_example_skills_export_to_conforming_folders(
    example: Path, invoke: Invoke, project: Path, tmp_path: Path
) -> None:
    shutil.copytree(example, project / "skills" / example.name)
    out = tmp_path / "out"
    outcome = invoke("--project", str(project), "skill", "export", example.name, str(out))
    assert outcome.exit_code == 0, outcome.stderr
    assert check_agentskills(out / example.name) == []
    body = (example / "SKILL.md").read_text(encoding="utf-8").split("\n---\n", 1)[1]
    assert (out / example.name / "SKILL.md").read_text(encoding="utf-8").endswith(body)


def test_an_unknown_skill_is_a_usage_error_with_a_suggestion(
    invoke: Invoke, project: Path, busy: Path
) -> None:
    outcome = invoke("--project", str(project), "skill", "export", "bussy")
    assert outcome.exit_code == 2
    assert outcome.stderr.startswith("Error: Unknown skill 'bussy'. Did you mean 'busy'?")
