"""kurt.skills.manifest.read: a manifest reduced to the plain facts listings are built from."""

from __future__ import annotations

import json
from pathlib import Path

from kurt.skills.catalog.search import Candidate
from kurt.skills.manifest.read import read_facts
from kurt.skills.record import LINES


def candidate(tmp_path: Path, folder: str, text: str) -> Candidate:
    root = tmp_path / folder
    root.mkdir()
    manifest = root / "SKILL.md"
    manifest.write_text(text, "utf-8")
    return Candidate("project", root, manifest, manifest.stat().st_size, 0)


def test_a_healthy_manifest_becomes_plain_json_facts(tmp_path: Path) -> None:
    facts = read_facts(
        candidate(
            tmp_path,
            "archiver",
            "---\nname: archiver\ndescription: Archive pages.\nversion: '1.0'\nlicense: MIT\n"
            "requires_env: [TOKEN]\nimplements:\n"
            "  - {type: tool, class: ArchiveTool, name: archive}\n"
            "settings:\n  timeout: {type: float, default: 30}\n---\n",
        )
    )
    assert json.loads(json.dumps(facts)) == facts  # plain data, as the cache stores it
    assert facts["name"] == "archiver"
    assert facts["version"] == "1.0"
    assert facts["provides"] == [["tool", "archive", "ArchiveTool", "", [], 0]]
    assert facts["settings"]["timeout"]["default"] == 30
    assert facts["problems"] == []
    assert facts["extra"]["license"] == "MIT"
    assert facts["extra"][LINES] == {"requires_env": 6, "implements": 7}


def test_a_manifest_that_does_not_parse_still_gets_its_field_checks(tmp_path: Path) -> None:
    facts = read_facts(
        candidate(tmp_path, "web", "---\nname: Web\ndescription: d\ntags: web\n---\n")
    )
    assert facts["name"] == "Web"
    assert facts["description"] == "d"
    assert [(severity, line) for severity, _, _, line, _ in facts["problems"]] == [
        ("error", 4),  # tags: expected a list
        ("error", 2),  # the name's spelling
        ("error", 2),  # the name is not the folder's
    ]
    assert "'tags': expected a list" in facts["problems"][0][1]


def test_unreadable_front_matter_is_one_located_problem(tmp_path: Path) -> None:
    facts = read_facts(candidate(tmp_path, "broken", "---\nname: [unclosed\n---\n"))
    assert facts["name"] == "broken"  # the folder's name stands in
    [[severity, message, file, line, _]] = facts["problems"]
    assert (severity, line) == ("error", 3)
    assert message.startswith("invalid YAML in front matter")
    assert file == str(tmp_path / "broken" / "SKILL.md")


def test_each_thing_wrong_is_its_own_problem_on_its_own_line(tmp_path: Path) -> None:
    facts = read_facts(
        candidate(
            tmp_path,
            "multi",
            "---\nname: multi\ndescription: d\ntags: web\nimplements:\n"
            "  - {type: tool, class: A, name: a}\n  - {type: widget, class: B, name: b}\n"
            "---\n",
        )
    )
    assert [
        (line, message.split(" (hint:")[0]) for _, message, _, line, _ in facts["problems"]
    ] == [
        (4, "'tags': expected a list, found 'web'"),
        (7, "'implements[1].type': expected one of 'tool', 'fetcher' or 'mapper', found 'widget'"),
    ]


def test_setting_and_implements_problems_point_at_their_own_lines(tmp_path: Path) -> None:
    facts = read_facts(
        candidate(
            tmp_path,
            "lines",
            "---\nname: lines\ndescription: d\nimplements:\n"
            "  - {type: tool, class: A, name: dup}\n  - {type: tool, class: B, name: dup}\n"
            "settings:\n  fine: {type: int, default: 1}\n  slow: {type: float, default: fast}\n"
            "---\n",
        )
    )
    assert [(line, message) for _, message, _, line, _ in facts["problems"]] == [
        (6, "tool 'dup' is implemented twice"),
        (9, "setting 'slow': default 'fast' is not of type float"),
    ]


def test_what_a_broken_manifest_claims_to_implement_is_kept(tmp_path: Path) -> None:
    """So `kurt tool run NAME` says the skill is invalid, not that nothing provides NAME."""
    facts = read_facts(
        candidate(
            tmp_path,
            "oops",
            "---\nname: oops\ndescription: d\nrequires_python: '=>3.10'\nimplements:\n"
            "  - {type: tool, class: OopsTool, name: oops}\n  - {type: tol, name: other}\n---\n",
        )
    )
    assert facts["problems"][0][3] == 4  # the requires_python line
    assert facts["provides"] == [["tool", "oops", "OopsTool", ""]]
