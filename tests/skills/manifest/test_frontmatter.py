"""read_front_matter: the shape of SKILL.md, hostile input refused with file and line,
and (Hypothesis) nothing but ManifestError ever escapes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kurt.errors import ManifestError
from kurt.skills.manifest import frontmatter
from kurt.skills.manifest.frontmatter import (
    MAX_FRONT_MATTER_BYTES,
    find_manifest,
    read_front_matter,
)

PATH = Path("skills/demo/SKILL.md")
LOADERS = [yaml.SafeLoader]
if getattr(yaml, "CSafeLoader", None) is not None:
    LOADERS.insert(0, yaml.CSafeLoader)


@pytest.fixture(autouse=True, params=LOADERS, ids=lambda loader: loader.__name__)
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs with libyaml and with the pure-Python fallback."""
    monkeypatch.setattr(frontmatter, "_Loader", request.param)


def fails(data: str | bytes) -> ManifestError:
    with pytest.raises(ManifestError) as info:
        read_front_matter(data, PATH)
    assert info.value.file == str(PATH)
    return info.value


# --- what a good SKILL.md gives ---------------------------------------------------------


def test_fields_key_lines_and_body() -> None:
    text = "---\nname: demo\n\ndescription: >\n  Two\n  lines.\ntags: [a, b]\n---\n# Demo\nbody\n"
    front = read_front_matter(text, PATH)
    assert front.fields == {"name": "demo", "description": "Two lines.\n", "tags": ["a", "b"]}
    assert front.key_lines == {"name": 2, "description": 4, "tags": 7}
    assert (front.start_line, front.end_line) == (2, 8)
    assert front.body == "# Demo\nbody\n"
    assert front.path == PATH
    assert front.line_of("tags") == 7
    assert front.line_of("absent") == 2


def test_bytes_crlf_and_trailing_blanks_on_the_markers() -> None:
    front = read_front_matter(b"---  \r\nname: demo\r\n--- \r\nbody", PATH)
    assert front.fields == {"name": "demo"}
    assert front.body == "body"


def test_dates_stay_text_and_version_stays_a_string() -> None:
    text = "---\nversion: 1.10\nreleased: 2024-01-01\nmetadata: {count: 3, flag: on}\n---\n"
    fields = read_front_matter(text, PATH).fields
    assert fields["version"] == "1.10"
    assert fields["released"] == "2024-01-01"
    # Only the top-level version is special: other numbers stay numbers.
    assert fields["metadata"] == {"count": 3, "flag": True}


def test_a_dash_line_inside_a_block_scalar_is_not_taken_for_prose() -> None:
    # "----" and "--- x" do not close the front matter; only a line of "---" does.
    front = read_front_matter("---\na: |\n  ----\n  --- x\n---\n", PATH)
    assert front.fields == {"a": "----\n--- x\n"}


def test_an_empty_body_is_fine() -> None:
    assert read_front_matter("---\nname: x\n---", PATH).body == ""


# --- each failure, with its message and line ----------------------------------------------


@pytest.mark.parametrize(
    ("data", "message", "line"),
    [
        ("name: x\n", "must start with YAML front matter", 1),
        ("\n---\nname: x\n---\n", "must start with YAML front matter", 1),
        ("\ufeff---\nname: x\n---\n", "byte-order mark", 1),
        (b"\xef\xbb\xbf---\nname: x\n---\n", "byte-order mark", 1),
        ("---name: x\n---\n", "opening '---' must be alone", 1),
        ("---\nname: x\n", "not closed", 1),
        ("---", "not closed", 1),
        ("---\n---\n", "front matter is empty", 2),
        ("---\n- a\n- b\n---\n", "must be a YAML mapping", 2),
        ("---\njust text\n---\n", "must be a YAML mapping", 2),
        (  # reported where it was found, and where what is unclosed began
            "---\nname: x\ndescription: [unclosed\n---\n",
            "invalid YAML in front matter: while parsing a flow sequence (begun on line 3)",
            4,
        ),
        ("---\nname: x\n  bad: indent\n---\n", "invalid YAML", 3),
        ("---\nname: x\nname: y\n---\n", "duplicate key 'name' (first at line 2)", 3),
        ("---\n1: x\n---\n", "keys must be strings, found '1'", 2),
        ("---\nmeta:\n  true: x\n---\n", "keys must be strings, found 'true'", 3),
        ("---\n? [a]\n: x\n---\n", "keys must be strings, found a list or mapping", 2),
        ("---\na: &x 1\nb: 2\n---\n", "anchors and aliases", 2),
        ("---\na: 1\nb: &x 1\nc: *x\n---\n", "anchors and aliases", 3),
        ("---\na: !!python/object:os.system x\n---\n", "tag '!!python/object:os.system'", 2),
        ("---\na: !!python/name:os.system\n---\n", "tag '!!python/name:os.system'", 2),
        ("---\na: !!binary aGk=\n---\n", "tag '!!binary'", 2),
        ("---\na: !!set {x, y}\n---\n", "tag '!!set'", 2),
        ("---\na:\n  - !custom x\n---\n", "tag '!custom'", 3),
        (b"---\nname: \xff\n---\n", "not valid UTF-8", 2),
    ],
)
def test_failures(data: str | bytes, message: str, line: int) -> None:
    error = fails(data)
    assert message in error.message
    assert error.line == line
    assert str(error).startswith(f"{PATH}:{line}: ")


def test_the_size_limit_is_checked_before_parsing() -> None:
    # An unterminated flow sequence would be a YAML error; size wins because it comes first.
    big = "---\nkey: [" + "x, " * (MAX_FRONT_MATTER_BYTES // 3) + "\n---\nbody\n"
    error = fails(big)
    assert "larger than 64 KiB" in error.message
    assert error.hint


def test_the_size_limit_counts_bytes_not_characters() -> None:
    text = "é" * (MAX_FRONT_MATTER_BYTES // 2 + 10)  # fewer characters than the limit
    assert "larger than 64 KiB" in fails(f"---\nd: {text}\n---\n").message


def test_front_matter_just_under_the_limit_is_read() -> None:
    value = "x" * (MAX_FRONT_MATTER_BYTES - 100)
    assert read_front_matter(f"---\nd: {value}\n---\n", PATH).fields["d"] == value


def test_a_huge_body_after_small_front_matter_is_fine() -> None:
    front = read_front_matter("---\nname: x\n---\n" + "text\n" * 200_000, PATH)
    assert front.fields == {"name": "x"}


def test_an_unclosed_huge_file_is_refused_as_too_large() -> None:
    assert "larger than" in fails("---\n" + "a: b\n" * 100_000).message


def test_nesting_deeper_than_32_is_refused() -> None:
    ok = "---\na: " + "[" * 31 + "]" * 31 + "\n---\n"
    assert read_front_matter(ok, PATH).fields["a"]
    error = fails("---\na: " + "[" * 32 + "]" * 32 + "\n---\n")
    assert "deeper than 32" in error.message
    assert error.line == 2


def test_deep_block_nesting_is_refused() -> None:
    text = "---\n" + "".join(f"{'  ' * i}k{i}:\n" for i in range(40)) + "---\n"
    error = fails(text)
    assert "deeper than 32" in error.message


def test_extreme_nesting_never_escapes_as_recursion_error() -> None:
    error = fails("---\na: " + "[" * 30_000 + "\n---\n")
    assert error.line is not None


def test_billion_laughs_is_refused_at_the_first_anchor() -> None:
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 10):
        prev = chr(ord("a") + i - 1)
        lines.append(f"{chr(ord('a') + i)}: &{chr(ord('a') + i)} [{', '.join([f'*{prev}'] * 9)}]")
    error = fails("---\n" + "\n".join(lines) + "\n---\n")
    assert "anchors and aliases" in error.message
    assert error.line == 2


def test_an_alias_without_its_anchor_is_a_yaml_error() -> None:
    assert "invalid YAML" in fails("---\na: *nothing\n---\n").message


def test_an_ampersand_in_text_is_not_an_anchor() -> None:
    front = read_front_matter("---\ndescription: R&D tools & more\n---\n", PATH)
    assert front.fields == {"description": "R&D tools & more"}


# --- find_manifest --------------------------------------------------------------------------


def test_find_manifest_prefers_upper_case(tmp_path: Path) -> None:
    assert find_manifest(tmp_path) is None
    (tmp_path / "skill.md").write_text("x", encoding="utf-8")
    assert find_manifest(tmp_path) == tmp_path / "skill.md"
    (tmp_path / "SKILL.md").write_text("x", encoding="utf-8")
    assert find_manifest(tmp_path) == tmp_path / "SKILL.md"


def test_find_manifest_ignores_a_folder_named_skill_md(tmp_path: Path) -> None:
    (tmp_path / "SKILL.md").mkdir()
    assert find_manifest(tmp_path) is None
    assert find_manifest(tmp_path / "missing") is None


# --- Hypothesis: nothing but ManifestError ----------------------------------------------------

_scalars = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["~", "yes", "1e3", "2024-01-01", "0x1f", ".nan", "=", "<<", "'q'", '"d"']),
    st.integers().map(str),
)
_key = st.one_of(st.from_regex(r"[a-z_-]{1,8}", fullmatch=True), _scalars)
_decor = st.sampled_from(["", "&a ", "*a", "!!str ", "!!binary ", "!x ", "!!python/tuple ", "? "])


@st.composite
def yamlish(draw: st.DrawFn) -> str:
    """Block and flow YAML with anchors, aliases, tags, odd keys and deep nesting."""
    lines = []
    for _ in range(draw(st.integers(0, 8))):
        indent = "  " * draw(st.integers(0, 4))
        key, value, decor = draw(_key), draw(_scalars), draw(_decor)
        depth = draw(st.integers(0, 40))
        shape = draw(st.sampled_from(["scalar", "flow", "item", "block"]))
        if shape == "flow":
            value = "[" * depth + value + "]" * depth
        elif shape == "item":
            lines.append(f"{indent}- {decor}{value}")
            continue
        elif shape == "block":
            value = "|\n" + indent + "  " + value
        lines.append(f"{indent}{key}: {decor}{value}")
    return "---\n" + "\n".join(lines) + "\n---\n" + draw(st.text(max_size=20))


def _only_manifest_error(data: str | bytes) -> None:
    from kurt.skills.manifest.model import parse_manifest

    error = None
    try:
        parse_manifest(read_front_matter(data, PATH), PATH)
    except ManifestError as exc:
        error = exc
    if error is not None:
        assert error.file == str(PATH)
        assert error.line is None or error.line >= 1


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=300))
def test_arbitrary_bytes(data: bytes) -> None:
    _only_manifest_error(data)
    _only_manifest_error(b"---\n" + data + b"\n---\n")


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=300))
def test_arbitrary_text(text: str) -> None:
    _only_manifest_error(text)
    _only_manifest_error("---\n" + text + "\n---\n")


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(yamlish())
def test_structured_yaml(text: str) -> None:
    _only_manifest_error(text)


@pytest.mark.slow  # megabytes of YAML through the parser, twenty times
@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.sampled_from(["a: b\n", "- [x]\n", "k: &a 1\n", "[" * 50, "x" * 1000]), st.integers(1, 200)
)
def test_huge_inputs(chunk: str, repeat: int) -> None:
    _only_manifest_error("---\n" + chunk * repeat * 50 + "\n---\n")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("---\na: !!int abc\n---\n", "'abc' is not a valid int"),
        ("---\na: !!bool maybe\n---\n", "'maybe' is not a valid bool"),
        ("---\na: !!map x\n---\n", "tag '!!map'"),
        ("---\na: !!str {b: 1}\n---\n", "tag '!!str'"),
        ("---\n!!python/name:x y: 1\n---\n", "tag '!!python/name:x'"),
        ("---\na: 1" + "0" * 5000 + "\n---\n", "is not a valid int"),
    ],
)
def test_scalars_that_cannot_be_built(data: str, message: str) -> None:
    error = fails(data)
    assert message in error.message
    assert error.line == 2
    assert len(error.message) < 200


def test_plain_scalars_follow_yaml_1_1_as_safe_load_does() -> None:
    text = "---\na: 0x1f\nb: 1_000\nc: .inf\nd: ~\ne: Yes\nf: !!float 1\ng: '007'\n---\n"
    fields = read_front_matter(text, PATH).fields
    assert fields == yaml.safe_load(text.split("---")[1]) | {"f": 1.0}
    assert fields["g"] == "007"


def test_a_date_key_is_text() -> None:
    assert read_front_matter("---\n2024-01-01: x\n---\n", PATH).fields == {"2024-01-01": "x"}
