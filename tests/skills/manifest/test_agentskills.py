"""--agentskills: strict conformance, verdicts and messages as the reference validator
(skills-ref 0.1.1) gives them, and agreement with its verdicts on the real corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from shared_corpus import corpus, corpus_files

from kurt.skills.manifest.agentskills import check_agentskills

__all__ = ["corpus"]  # a fixture, used by name

ALLOWED = "Only ['allowed-tools', 'compatibility', 'description', 'license', 'metadata', 'name']"


def make(tmp_path: Path, text: str, folder: str = "demo", file: str = "SKILL.md") -> Path:
    root = tmp_path / folder
    root.mkdir(parents=True)
    (root / file).write_text(text, encoding="utf-8")
    return root


def check(tmp_path: Path, text: str, folder: str = "demo") -> list[str]:
    return check_agentskills(make(tmp_path, text, folder))


def test_a_conforming_skill(tmp_path: Path) -> None:
    text = (
        "---\nname: demo\ndescription: Does things.\nlicense: MIT\ncompatibility: any\n"
        "metadata:\n  author: me\nallowed-tools: Read Grep\n---\n# Demo\n"
    )
    assert check(tmp_path, text) == []


def test_lower_case_skill_md_is_accepted(tmp_path: Path) -> None:
    root = make(tmp_path, "---\nname: demo\ndescription: d\n---\n", file="skill.md")
    assert check_agentskills(root) == []


def test_folders_without_a_skill(tmp_path: Path) -> None:
    assert check_agentskills(tmp_path) == ["Missing required file: SKILL.md"]
    assert check_agentskills(tmp_path / "nope") == [f"Path does not exist: {tmp_path / 'nope'}"]
    (tmp_path / "file").write_text("", encoding="utf-8")
    assert check_agentskills(tmp_path / "file") == [f"Not a directory: {tmp_path / 'file'}"]


@pytest.mark.parametrize(
    ("text", "errors"),
    [
        ("name: demo\n", ["SKILL.md must start with YAML frontmatter (---)"]),
        ("\n---\nname: demo\n---\n", ["SKILL.md must start with YAML frontmatter (---)"]),
        ("\ufeff---\nname: demo\n---\n", ["SKILL.md must start with YAML frontmatter (---)"]),
        ("---\nname: demo\n", ["SKILL.md frontmatter not properly closed with ---"]),
        ("---\njust text\n---\n", ["SKILL.md frontmatter must be a YAML mapping"]),
        (
            "---\nname: demo\n---\n",
            ["Missing required field in frontmatter: description"],
        ),
        (
            "---\ndescription: d\n---\n",
            ["Missing required field in frontmatter: name"],
        ),
        (
            "---\nname: ''\ndescription: '  '\n---\n",
            [
                "Field 'name' must be a non-empty string",
                "Field 'description' must be a non-empty string",
            ],
        ),
        (
            "---\nname: Demo\ndescription: d\n---\n",
            [
                "Skill name 'Demo' must be lowercase",
                "Directory name 'demo' must match skill name 'Demo'",
            ],
        ),
        (
            "---\nname: demo\ndescription: d\ncompatibility: " + "c" * 501 + "\n---\n",
            ["Compatibility exceeds 500 character limit (501 chars)"],
        ),
        (
            "---\nname: demo\ndescription: " + "d" * 1025 + "\n---\n",
            ["Description exceeds 1024 character limit (1025 chars)"],
        ),
        (
            "---\nname: demo\ndescription: d\nversion: 1.0\neffort: high\n---\n",
            [f"Unexpected fields in frontmatter: effort, version. {ALLOWED} are allowed."],
        ),
    ],
)
def test_rules_and_messages(tmp_path: Path, text: str, errors: list[str]) -> None:
    assert check(tmp_path, text) == errors


@pytest.mark.parametrize(
    ("name", "errors"),
    [
        ("-demo", ["Skill name cannot start or end with a hyphen"]),
        ("de--mo", ["Skill name cannot contain consecutive hyphens"]),
        (
            "demo_x",
            [
                "Skill name 'demo_x' contains invalid characters. "
                "Only letters, digits, and hyphens are allowed."
            ],
        ),
        ("a" * 65, [f"Skill name '{'a' * 65}' exceeds 64 character limit (65 chars)"]),
    ],
)
def test_name_rules(tmp_path: Path, name: str, errors: list[str]) -> None:
    # The folder has the same name, so only the rule under test fails.
    assert check(tmp_path, f"---\nname: '{name}'\ndescription: d\n---\n", folder=name) == errors


def test_errors_accumulate_in_the_reference_order(tmp_path: Path) -> None:
    text = "---\nname: Bad--\ndescription: ''\ncompatibility: " + "c" * 600 + "\nx: 1\n---\n"
    errors = check(tmp_path, text)
    assert [e.split(" ")[0] for e in errors] == [
        "Unexpected",
        "Skill",
        "Skill",
        "Skill",
        "Directory",
        "Field",
        "Compatibility",
    ]


def test_unicode_names_pass_after_nfkc(tmp_path: Path) -> None:
    # Unicode letters are fine here (not in Kurt's own rules), and NFKC folds width.
    assert check(tmp_path, "---\nname: démo\ndescription: d\n---\n", folder="démo") == []
    assert check(tmp_path, "---\nname: ｄｅｍｏ\ndescription: d\n---\n", folder="demo") == []


def test_every_value_is_a_string(tmp_path: Path) -> None:
    # strictyaml reads `name: 123` as the string "123": a valid name for folder 123.
    assert check(tmp_path, "---\nname: 123\ndescription: yes\n---\n", folder="123") == []


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("[a, b]", "JSONesque flow"),
        ("{a: 1}", "JSONesque flow"),
        ("&x foo", "disallowed anchor token"),
        ("!!str foo", "disallowed tag tokens"),
    ],
)
def test_the_strict_yaml_dialect(tmp_path: Path, value: str, problem: str) -> None:
    [error] = check(tmp_path, f"---\nname: demo\ndescription: d\nallowed-tools: {value}\n---\n")
    assert error.startswith("Invalid YAML in frontmatter: ")
    assert problem.lower() in error.lower()


def test_duplicate_keys_are_invalid(tmp_path: Path) -> None:
    [error] = check(tmp_path, "---\nname: demo\nname: demo\ndescription: d\n---\n")
    assert error.startswith("Invalid YAML in frontmatter: ")
    assert "Duplicate key 'name'" in error


def test_the_split_is_the_references(tmp_path: Path) -> None:
    # The reference splits at the first two '---' anywhere, even mid-line.
    assert check(tmp_path / "a", "---\nname: demo---\ndescription: d\n---\n") == [
        "Missing required field in frontmatter: description"
    ]


def test_what_the_reference_would_crash_on_is_an_error(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    root.mkdir()
    (root / "SKILL.md").write_bytes(b"---\nname: \xff\n---\n")
    assert check_agentskills(root) == ["SKILL.md is not valid UTF-8 (byte 10)"]


def test_hostile_front_matter_is_refused_quickly(tmp_path: Path) -> None:
    big = "---\nname: demo\ndescription: " + "d" * 70_000 + "\n---\n"
    [error] = check(tmp_path, big)
    assert error == "Invalid YAML in frontmatter: larger than 64 KiB"
    deep = "---\n" + "".join(f"{'  ' * i}k{i}:\n" for i in range(3000)) + "---\n"
    [error] = check(tmp_path / "deep", deep)
    assert error.startswith("Invalid YAML in frontmatter: ")


# --- the real corpus -------------------------------------------------------------------------


def test_verdicts_agree_with_the_reference_on_the_corpus(corpus: Path) -> None:
    verdicts = json.loads((corpus / "verdicts.json").read_text(encoding="utf-8"))
    fails = {f["file"]: f["errors"] for source in verdicts.values() for f in source["fails"]}
    files = corpus_files(corpus)
    assert len(files) == sum(source["count"] for source in verdicts.values()) == 122
    disagreements = []
    for path in files:
        expected = fails.get(str(path.relative_to(corpus)), [])
        got = check_agentskills(path.parent)
        # The stored texts are cut at 200 characters: compare the start of each.
        same = len(got) == len(expected) and all(
            g.startswith(e) for g, e in zip(got, expected, strict=True)
        )
        if not same:
            disagreements.append((str(path.relative_to(corpus)), got, expected))
    assert disagreements == []
    assert len(fails) == 23
