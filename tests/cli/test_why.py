"""Routing URLs to engines end to end (SPEC section 10): ``kurt skill why``, ``kurt
fetch`` choosing per URL and importing only the chosen skill, ``[fetch.routes]``,
and ``url_patterns`` as validate, ``skill info`` and ``tool info`` show them."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "skills"))
from skill_helpers import imported, write_skill

Run = Callable[..., Any]


def markers(project: Path) -> Path:
    return project / "skills" / ".markers"


@pytest.fixture
def routed(make_project: Callable[..., Path]) -> Path:
    """A trusted project whose fetchers declare url_patterns (``off`` is disabled)."""
    root = make_project("routed", '[skills]\ndisabled = ["off"]\n')
    skills, seen = root / "skills", markers(root)
    write_skill(
        skills,
        "notion",
        provides=[("fetcher", "notion")],
        routes={"notion": 'url_patterns: ["*.notion.so/*", "notion.so/*"]'},
        markers=seen,
    )
    write_skill(
        skills,
        "docs",
        provides=[("fetcher", "docs")],
        routes={"docs": 'url_patterns: ["docs.test/*"], priority: 1'},
        markers=seen,
    )
    write_skill(
        skills,
        "pages",
        provides=[("fetcher", "pages")],
        routes={"pages": 'url_patterns: ["*"]'},
        markers=seen,
    )
    write_skill(
        skills,
        "off",
        provides=[("fetcher", "off")],
        routes={"off": 'url_patterns: ["www.notion.so/private/*"]'},
        markers=seen,
    )
    return root


def test_fetch_routes_each_url_and_imports_only_the_chosen_skills(
    routed: Path, run_kurt: Run
) -> None:
    local = routed / "note.md"
    local.write_text("# A note\n", encoding="utf-8")
    outcome = run_kurt(
        "--project",
        str(routed),
        "fetch",
        "https://www.notion.so/team/page",
        "https://docs.test/guide",
        str(local),
        "--json",
    )
    assert outcome.exit_code == 0, outcome.stderr
    result = json.loads(outcome.stdout)
    assert [(item["url"], item["engine"]) for item in result["data"]] == [
        ("https://www.notion.so/team/page", "notion"),
        ("https://docs.test/guide", "docs"),
        (local.as_uri(), "file"),
    ]
    assert [item["content"] for item in result["data"][:2]] == ["notion", "docs"]
    # Choosing read manifests only: the wildcard-only and the disabled skill never ran.
    assert imported(markers(routed)) == {"notion", "docs"}


def test_why_explains_every_candidate_and_imports_nothing(routed: Path, run_kurt: Run) -> None:
    outcome = run_kurt(
        "--project", str(routed), "skill", "why", "https://www.notion.so/private/x", "--json"
    )
    assert outcome.exit_code == 0, outcome.stderr
    found = json.loads(outcome.stdout)
    assert (found["url"], found["kind"], found["winner"]) == (
        "https://www.notion.so/private/x",
        "fetcher",
        "notion",
    )
    rows = {(row["engine"], row["pattern"]): row for row in found["candidates"]}
    assert rows["notion", "*.notion.so/*"] == {
        "engine": "notion",
        "skill": "notion",
        "pattern": "*.notion.so/*",
        "score": 11,
        "source": "project",
        "rule": "won: the most specific matching pattern (score 11)",
    }
    assert rows["notion", "notion.so/*"]["rule"] == "no match"
    assert rows["docs", "docs.test/*"]["rule"] == "no match"
    assert rows["pages", "*"]["rule"] == "lost: only wildcards, which never beat the default"
    assert rows["off", "www.notion.so/private/*"]["rule"] == (
        "not considered: skill 'off' is disabled"
    )
    assert rows["trafilatura", None]["source"] == "default"
    assert imported(markers(routed)) == set()


def test_why_in_a_pipe_prints_one_plain_line_per_candidate(routed: Path, invoke: Run) -> None:
    outcome = invoke("--project", str(routed), "skill", "why", "https://docs.test/a")
    assert outcome.exit_code == 0, outcome.stderr
    first, header, *rows = outcome.stdout.splitlines()
    assert first == "https://docs.test/a -> docs (fetcher, the most specific url_patterns)"
    assert header.split() == ["engine", "skill", "pattern", "score", "source", "rule"]
    assert not set("│┃━─") & set(outcome.stdout)  # no box drawing for a script to strip
    assert rows[0].split()[:5] == ["docs", "docs", "docs.test/*", "10", "project"]
    assert any(row.startswith("trafilatura ") for row in rows)


def test_a_route_in_kurt_toml_wins_and_a_typo_in_one_is_located(
    routed: Path, run_kurt: Run
) -> None:
    toml = routed / "kurt.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8") + '\n[fetch.routes]\n"www.notion.so/*" = "docs"\n',
        encoding="utf-8",
    )
    why = run_kurt("--project", str(routed), "skill", "why", "https://www.notion.so/a")
    assert why.exit_code == 0, why.stderr
    assert (
        why.stdout.splitlines()[0]
        == "https://www.notion.so/a -> docs (fetcher, a route in kurt.toml)"
    )

    toml.write_text(toml.read_text(encoding="utf-8").replace('"docs"', '"dcos"'), encoding="utf-8")
    outcome = run_kurt("--project", str(routed), "fetch", "https://www.notion.so/a")
    assert outcome.exit_code == 1
    assert outcome.stderr.startswith(
        f"error: {toml}:5: [fetch.routes] \"www.notion.so/*\": Unknown fetcher 'dcos'. "
        "Did you mean 'docs'?\n"
    )
    assert imported(markers(routed)) == set()


def test_a_bad_pattern_is_a_validate_error_at_its_line(project: Path, run_kurt: Run) -> None:
    folder = write_skill(
        project / "skills",
        "web",
        provides=[("fetcher", "web"), ("tool", "web-tool")],
        routes={"web": 'url_patterns: ["https://a.test/*"]', "web-tool": "priority: 2"},
    )
    outcome = run_kurt("--project", str(project), "skill", "validate", "web", "--json")
    assert outcome.exit_code == 1
    (report,) = json.loads(outcome.stdout)
    manifest = str(folder / "SKILL.md")
    assert report["errors"] == [
        {
            "file": manifest,
            "line": 6,
            "message": "fetcher 'web': url_patterns: 'https://a.test/*' holds a scheme; patterns "
            "match host/path without it (write 'a.test/*')",
        },
        {
            "file": manifest,
            "line": 7,
            "message": "tool 'web-tool': url_patterns and priority route URLs to fetchers and "
            "mappers; a tool takes neither (remove them)",
        },
    ]


def test_info_commands_show_the_patterns(routed: Path, invoke: Run) -> None:
    info = invoke("--project", str(routed), "skill", "info", "docs", "--json")
    assert info.exit_code == 0, info.stderr
    (provided,) = json.loads(info.stdout)["provides"]
    assert (provided["url_patterns"], provided["priority"]) == (["docs.test/*"], 1)

    tool = invoke("--project", str(routed), "tool", "info", "docs", "--json")
    (row,) = json.loads(tool.stdout)
    assert (row["url_patterns"], row["priority"]) == (["docs.test/*"], 1)
    own = json.loads(invoke("--project", str(routed), "tool", "info", "rss", "--json").stdout)
    assert "*.atom" in own[0]["url_patterns"]
    human = invoke("--project", str(routed), "tool", "info", "docs")
    assert "  url_patterns: docs.test/*\n  priority:    1\n" in human.stdout


def test_an_untrusted_projects_patterns_route_nothing(
    make_project: Callable[..., Path], run_kurt: Run
) -> None:
    root = make_project("untrusted", trusted=False)
    write_skill(
        root / "skills",
        "notion",
        provides=[("fetcher", "notion")],
        routes={"notion": 'url_patterns: ["*.notion.so/*"]'},
    )
    outcome = run_kurt("--project", str(root), "skill", "why", "https://www.notion.so/a", "--json")
    found = json.loads(outcome.stdout)
    assert found["winner"] == "trafilatura"
    assert found["candidates"][-2]["rule"] == (
        "not considered: the project is not trusted (kurt trust)"
    )
