"""``kurt config skills`` on kurt.toml files and values Kurt did not write
(issue 11, items 18-24): every one is a clear error naming the file, line or
key, or an edit that keeps the file exactly as the user wrote it; never a
traceback or an "Internal error". Real ``kurt`` subprocesses throughout."""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kurt.cli.config import parse_value
from kurt.errors import UsageError


def add_skill(root: Path, name: str, settings: str = "") -> Path:
    """A skill folder under ``root/skills`` with a SKILL.md only (no code: the
    edits and listings read manifests alone)."""
    folder = root / "skills" / name
    folder.mkdir(parents=True)
    (folder / "SKILL.md").write_text(
        f"---\nname: {name}\ndescription: Skill {name}.\n{settings}---\nDocs.\n",
        encoding="utf-8",
    )
    return folder


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_clean_failure(outcome: Any) -> None:
    """Exit 1 or 2 with a message, never a traceback or an internal error."""
    assert outcome.exit_code in {1, 2}, outcome
    assert outcome.stderr.startswith("Error: "), outcome.stderr
    assert "Traceback" not in outcome.stderr
    assert "Internal error" not in outcome.stderr


def test_unset_of_a_top_level_dotted_key_removes_only_that_key(
    run_kurt: Callable[..., Any], make_project: Callable[..., Path]
) -> None:
    text = (
        '# dotted\nskills.cs.rate = 2.0\nskills.cs.label = "d"  # the label\n\n'
        "[fetch]\ntimeout = 5\n"
    )
    root = make_project("dotted", text)
    add_skill(root, "cs", "settings:\n  label: {type: str}\n  rate: {type: float}\n")
    outcome = run_kurt("config", "skills", "unset", "cs", "label", cwd=root)
    assert (outcome.exit_code, outcome.stderr) == (0, "")
    after = (root / "kurt.toml").read_text(encoding="utf-8")
    assert after == "# dotted\nskills.cs.rate = 2.0\n\n[fetch]\ntimeout = 5\n"


TWO_VALUES = ["1\n[evil]", '"x"\n[evil]\ny = 1', "1\nother = 2", "[1]\n[skills.victim]\nz = 0"]


def test_set_refuses_a_value_holding_more_than_one_toml_value(
    run_kurt: Callable[..., Any], make_project: Callable[..., Path]
) -> None:
    root = make_project("two", "[fetch]\ntimeout = 5\n")
    add_skill(root, "cs", "settings:\n  label: {type: str}\n  rate: {type: int}\n")
    before = digest(root / "kurt.toml")
    for value in TWO_VALUES:
        for key in ("label", "rate"):
            outcome = run_kurt("config", "skills", "set", "cs", key, "--", value, cwd=root)
            assert_clean_failure(outcome)
            assert outcome.exit_code == 2
            assert "more than one TOML value" in outcome.stderr
            assert value not in outcome.stderr  # VALUE may be a secret's: never repeated
            assert digest(root / "kurt.toml") == before
    # Text that is no TOML at all is still a string, line breaks and all.
    done = run_kurt("config", "skills", "set", "cs", "label", "two\nlines", cwd=root)
    assert (done.exit_code, done.stderr) == (0, "")
    assert 'label = "two\\nlines"' in (root / "kurt.toml").read_text(encoding="utf-8")


toml_scalars = st.sampled_from(["1", "true", '"x"', "[1, 2]", "{a = 1}", "2.5", "'lit'"])
toml_lines = st.sampled_from(["[evil]", "other = 2", "[skills.victim]", "# note", "", "a.b = 1"])


@given(
    text=st.one_of(
        st.text(max_size=30),
        st.builds(lambda v, rest: "\n".join([v, *rest]), toml_scalars, st.lists(toml_lines)),
    )
)
def test_set_never_keeps_part_of_what_was_typed(text: str) -> None:
    """VALUE is exactly one TOML value, or text kept whole, or refused: never
    the first value of several with the rest dropped."""
    try:
        value = parse_value(text)
    except UsageError:
        assert tomllib.loads(f"value = {text}").keys() != {"value"}
        return
    try:
        document = tomllib.loads(f"value = {text}")
    except tomllib.TOMLDecodeError:
        assert value == text
        return
    assert document == {"value": value}


def strict_json(text: str) -> Any:
    """``json.loads`` that refuses NaN, Infinity and -Infinity (Python's
    json writes them by default; no other JSON reader accepts them)."""

    def refuse(constant: str) -> Any:
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


NOT_FINITE = ["nan", "inf", "-inf", "+nan", "[1.0, nan]", "{a = inf}"]


def test_nan_and_inf_are_refused_as_settings_and_json_output_stays_json(
    run_kurt: Callable[..., Any], make_project: Callable[..., Path]
) -> None:
    root = make_project("floats", "[fetch]\ntimeout = 5\n")
    add_skill(
        root,
        "cs",
        "settings:\n  rate: {type: float}\n  tags: {type: list}\n  extra: {type: dict}\n",
    )
    toml = root / "kurt.toml"
    before = digest(toml)
    keys = {"nan": "rate", "inf": "rate", "-inf": "rate", "+nan": "rate"}
    for value in NOT_FINITE:
        key = keys.get(value, "tags" if value.startswith("[") else "extra")
        outcome = run_kurt("config", "skills", "set", "cs", key, "--", value, cwd=root)
        assert_clean_failure(outcome)
        assert f"{toml}: invalid value for 'skills.cs.{key}'" in outcome.stderr
        assert "nan and inf are not allowed in settings" in outcome.stderr
        assert digest(toml) == before
        # Written by hand, or given by the environment: listed as a problem, and
        # the listing is still JSON.
        toml.write_text(f"[skills.cs]\n{key} = {value}\n", encoding="utf-8")
        for env in ({}, {f"KURT_SKILLS__CS__{key.upper()}": value}):
            listed = run_kurt("config", "skills", "--json", cwd=root, env=env)
            assert listed.exit_code == 0, listed.stderr
            row = strict_json(listed.stdout)["skills"][0]
            assert any("nan and inf are not allowed" in p for p in row["problems"]), row
        toml.write_bytes(b"[fetch]\ntimeout = 5\n")


def test_set_then_unset_gives_back_a_file_without_a_final_newline(
    run_kurt: Callable[..., Any], make_project: Callable[..., Path]
) -> None:
    for text in ("[fetch]\ntimeout = 5", "# only a comment", "[skills.cs]\nrate = 1  # r"):
        root = make_project(f"bare{len(text)}", text)
        add_skill(root, "cs", "settings:\n  label: {type: str}\n  rate: {type: int}\n")
        toml = root / "kurt.toml"
        done = run_kurt("config", "skills", "set", "cs", "label", "x", cwd=root)
        assert (done.exit_code, done.stderr) == (0, "")
        assert not toml.read_bytes().endswith(b"\n")  # the file's own ending, kept
        undone = run_kurt("config", "skills", "unset", "cs", "label", cwd=root)
        assert (undone.exit_code, undone.stderr) == (0, "")
        assert toml.read_bytes() == text.encode()


def nested(depth: int, kind: str) -> str:
    if kind == "array":
        return "[" * depth + "1" + "]" * depth
    return "{a = " * depth + "1" + "}" * depth


@pytest.mark.parametrize("depth", [70, 5000])
@pytest.mark.parametrize("kind", ["array", "table"])
def test_a_deeply_nested_kurt_toml_is_an_error_naming_the_file(
    run_kurt: Callable[..., Any], make_project: Callable[..., Path], depth: int, kind: str
) -> None:
    root = make_project("deep", f"x = {nested(depth, kind)}\n")
    add_skill(root, "cs", "settings:\n  label: {type: str}\n  tags: {type: list}\n")
    toml = root / "kurt.toml"
    for value in (f"x = {nested(depth, kind)}\n", f"[skills.cs]\ntags = [{nested(depth, kind)}]\n"):
        toml.write_text(value, encoding="utf-8")
        before = digest(toml)
        for args in (
            ("skill", "list"),
            ("config", "skills", "--json"),
            ("config", "skills", "set", "cs", "label", "x"),
            ("config", "skills", "unset", "cs", "tags"),
            ("tool", "list"),
        ):
            outcome = run_kurt(*args, cwd=root)
            assert_clean_failure(outcome)
            assert outcome.stderr.startswith(
                f"Error: {toml}: invalid TOML: lists and tables nested more than 64 levels deep"
            ), (args, outcome.stderr)
            assert digest(toml) == before


def test_a_deeply_nested_value_on_the_command_line_or_in_the_environment_is_refused(
    run_kurt: Callable[..., Any], make_project: Callable[..., Path]
) -> None:
    root = make_project("deepvalue", "[fetch]\ntimeout = 5\n")
    add_skill(root, "cs", "settings:\n  tags: {type: list}\n")
    toml = root / "kurt.toml"
    before = digest(toml)
    for depth in (70, 5000):
        outcome = run_kurt(
            "config", "skills", "set", "cs", "tags", nested(depth, "array"), cwd=root
        )
        assert_clean_failure(outcome)
        assert "VALUE nests lists or tables more than 64 levels deep" in outcome.stderr
        assert digest(toml) == before
        json_text = '{"a": ' * depth + "1" + "}" * depth  # not TOML: read as JSON
        for text in (nested(depth, "array"), "[" * depth + "]" * depth, json_text):
            listed = run_kurt(
                "config", "skills", "--json", cwd=root, env={"KURT_SKILLS__CS__TAGS": text}
            )
            assert listed.exit_code == 0, listed.stderr
            (problem,) = strict_json(listed.stdout)["skills"][0]["problems"]
            assert "from environment variable KURT_SKILLS__CS__TAGS: expected list" in problem
    # Deep, but within the bound: written and read back.
    done = run_kurt("config", "skills", "set", "cs", "tags", nested(40, "array"), cwd=root)
    assert (done.exit_code, done.stderr) == (0, "")


def test_the_next_edit_removes_the_copies_killed_edits_left(
    run_kurt: Callable[..., Any], make_project: Callable[..., Path]
) -> None:
    root = make_project("killed", "[fetch]\ntimeout = 5\n")
    add_skill(root, "cs", "settings:\n  label: {type: str}\n")
    toml = root / "kurt.toml"
    before = digest(toml)
    seen: set[str] = set()
    for value in ("a", "b"):  # each killed writer leaves a whole kurt.toml beside it
        killed = run_kurt(
            "config", "skills", "set", "cs", "label", value, cwd=root,
            env={"KURT_TEST_CRASH_AFTER_TEMP_WRITE": "1"},
        )  # fmt: skip
        assert killed.exit_code == 75
        # ... and removes the one the writer killed before it left.
        (copy,) = (p.name for p in root.iterdir() if p.name.endswith(".tmp"))
        assert copy.startswith(".kurt.toml.")
        assert copy not in seen
        seen.add(copy)
    assert digest(toml) == before
    # Files that only look alike are not Kurt's to remove.
    keep = [root / ".kurt.toml.backup.tmp", root / ".other.toml.abcd1234.tmp"]
    for file in keep:
        file.write_text("mine\n", encoding="utf-8")

    done = run_kurt("config", "skills", "set", "cs", "label", "c", cwd=root)
    assert (done.exit_code, done.stderr) == (0, "")
    assert sorted(p for p in root.iterdir() if p.name.endswith(".tmp")) == sorted(keep)
    # Even an edit that changes nothing cleans up.
    killed = run_kurt(
        "config", "skills", "set", "cs", "label", "d", cwd=root,
        env={"KURT_TEST_CRASH_AFTER_TEMP_WRITE": "1"},
    )  # fmt: skip
    assert killed.exit_code == 75
    same = run_kurt("config", "skills", "set", "cs", "label", "c", cwd=root)
    assert same.stdout.endswith("nothing to change.\n")
    assert sorted(p for p in root.iterdir() if p.name.endswith(".tmp")) == sorted(keep)


MODEL_CANNOT_HOLD = [
    ("_token", "  _token: {type: str, default: a}\n", 7, "starts with a letter"),
    (
        "json_",
        "  json: {type: str, default: a}\n  json_: {type: str, default: b}\n",
        8,
        "clashes with 'json' as the attribute context.settings.json_",
    ),
]


def test_a_setting_name_the_settings_model_cannot_hold_is_a_manifest_error(
    run_kurt: Callable[..., Any], make_project: Callable[..., Path]
) -> None:
    for number, (key, declared, line, reason) in enumerate(MODEL_CANNOT_HOLD):
        root = make_project(f"names{number}", "")
        folder = root / "skills" / "cs"
        folder.mkdir(parents=True)
        manifest = folder / "SKILL.md"
        manifest.write_text(
            "---\nname: cs\ndescription: Skill cs.\n"
            "implements:\n  - {type: tool, class: T, name: cs-tool}\n"
            f"settings:\n{declared}---\nDocs.\n",
            encoding="utf-8",
        )
        (folder / "skill.py").write_text("raise SystemExit('never imported')\n", encoding="utf-8")
        where = f"{manifest}:{line}: setting '{key}': "
        validated = run_kurt("skill", "validate", str(folder), cwd=root)
        assert validated.exit_code == 1
        assert f"error: {where}" in validated.stdout + validated.stderr
        assert reason in validated.stdout + validated.stderr
        ran = run_kurt("tool", "run", "cs-tool", cwd=root)
        assert_clean_failure(ran)
        assert ran.stderr.startswith(f"Error: {manifest}:{line}: skill 'cs' is invalid: ")
        listed = run_kurt("config", "skills", "--json", cwd=root)
        assert listed.exit_code == 0, listed.stderr
        problems = strict_json(listed.stdout)["skills"][0]["problems"]
        assert any(problem.startswith(where) for problem in problems), problems
