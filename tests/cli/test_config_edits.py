"""``kurt config skills`` on kurt.toml files and values Kurt did not write
(issue 11, items 18-24): every one is a clear error naming the file, line or
key, or an edit that keeps the file exactly as the user wrote it; never a
traceback or an "Internal error". Real ``kurt`` subprocesses throughout."""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

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
            outcome = run_kurt("config", "skills", "set", "cs", key, value, cwd=root)
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
