"""Safe edits of kurt.toml: layout kept, minimal and invertible, atomic, locked,
refusals leave the file byte-identical."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kurt.config import edit
from kurt.config.keys import SECTIONS
from kurt.errors import ConfigError

DOCUMENT = """\
# My project: comments, blank lines and unrelated values must survive.

[fetch]
user_agent = "demo"   # trailing comment
timeout = 10  # seconds


[skills]
# Skills we never want here.
disabled = [
  "legacy-crawler",  # replaced by web-archiver
]

[skills.other]
keep = "me"  # not ours to touch

[database]
url = "sqlite:///x.db"
"""


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def toml(tmp_path: Path) -> Path:
    path = tmp_path / "kurt.toml"
    path.write_text(DOCUMENT, encoding="utf-8")
    return path


def skills_of(path: Path) -> dict[str, Any]:
    section: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8")).get("skills", {})
    return section


def test_disable_adds_to_the_list_keeping_its_comments(toml: Path) -> None:
    assert edit.disable(toml, "web-archiver") is True
    text = toml.read_text(encoding="utf-8")
    assert '  "legacy-crawler",  # replaced by web-archiver\n  "web-archiver",\n]' in text
    assert text.replace('  "web-archiver",\n', "") == DOCUMENT


def test_enable_removes_from_disabled_and_then_the_empty_key(toml: Path) -> None:
    edit.enable(toml, "legacy-crawler")
    assert "disabled" not in skills_of(toml)
    assert "# replaced by" not in toml.read_text(encoding="utf-8")
    assert "# Skills we never want here." in toml.read_text(encoding="utf-8")


def test_enable_adds_to_an_existing_allow_list(tmp_path: Path) -> None:
    path = tmp_path / "kurt.toml"
    path.write_text('[skills]\nenabled = ["a"]\ndisabled = ["b"]\n', encoding="utf-8")
    edit.enable(path, "b")
    assert path.read_text(encoding="utf-8") == '[skills]\nenabled = ["a", "b"]\n'


def test_disable_removes_from_the_allow_list_but_keeps_it_even_empty(tmp_path: Path) -> None:
    path = tmp_path / "kurt.toml"
    path.write_text('[skills]\nenabled = ["a"]\n', encoding="utf-8")
    edit.disable(path, "a")
    # An empty allow-list means "nothing enabled"; removing it would enable everything.
    assert skills_of(path) == {"enabled": [], "disabled": ["a"]}


def test_set_and_unset_a_setting(toml: Path) -> None:
    edit.set_value(toml, "web-archiver", "timeout", 45)
    assert skills_of(toml)["web-archiver"] == {"timeout": 45}
    edit.set_value(toml, "other", "keep", "changed")
    assert '[skills.other]\nkeep = "changed"  # not ours to touch\n' in toml.read_text("utf-8")
    edit.set_value(toml, "other", "keep", "me")
    edit.unset(toml, "web-archiver", "timeout")
    assert toml.read_text(encoding="utf-8") == DOCUMENT


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ({"A": "1", "B": "2"}, 'headers = {A = "1", B = "2"}'),
        ({"a b": {"c": [1, {"d": "e"}]}}, 'headers = {"a b" = {c = [1, {d = "e"}]}}'),
        ([{"A": "1"}, {}], 'headers = [{A = "1"}, {}]'),
        ({}, "headers = {}"),
    ],
    ids=["table", "nested", "list-of-tables", "empty"],
)
def test_a_table_value_is_written_as_an_inline_table_and_unset_removes_it(
    tmp_path: Path, value: Any, written: str
) -> None:
    path = tmp_path / "kurt.toml"
    before = '[skills.scout]\nlabel = "x"\n\n# Fetch defaults\n[fetch]\ntimeout = 5.0\n'
    path.write_text(before, encoding="utf-8")

    edit.set_value(path, "scout", "headers", value)

    assert path.read_text(encoding="utf-8") == before.replace(
        'label = "x"\n', f'label = "x"\n{written}\n'
    )
    assert skills_of(path)["scout"]["headers"] == value
    edit.unset(path, "scout", "headers")
    assert path.read_text(encoding="utf-8") == before


def test_a_table_value_in_a_new_section_is_one_inline_key(tmp_path: Path) -> None:
    path = tmp_path / "kurt.toml"
    path.write_text("[skills]\n", encoding="utf-8")
    edit.set_value(path, "scout", "headers", {"A": "1", "B": "2"})
    assert path.read_text(encoding="utf-8") == (
        '[skills]\n[skills.scout]\nheaders = {A = "1", B = "2"}\n'
    )
    assert edit.set_value(path, "scout", "headers", {"A": "1", "B": "2"}) is False


NEXT_SECTION = '[skills.site-digest]\nlabel = "page"\n\n# Fetch defaults\n[fetch]\ntimeout = 5.0\n'


def test_a_new_key_goes_after_the_tables_last_key_not_under_the_next_sections_comment(
    tmp_path: Path,
) -> None:
    path = tmp_path / "kurt.toml"
    path.write_text(NEXT_SECTION, encoding="utf-8")
    edit.set_value(path, "site-digest", "max_words", 3)
    assert path.read_text(encoding="utf-8") == (
        '[skills.site-digest]\nlabel = "page"\nmax_words = 3\n\n# Fetch defaults\n'
        "[fetch]\ntimeout = 5.0\n"
    )
    edit.unset(path, "site-digest", "max_words")
    assert path.read_text(encoding="utf-8") == NEXT_SECTION


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            NEXT_SECTION,
            '[skills.site-digest]\nlabel = "page"\n\n[skills.web]\nk = 1\n\n'
            "# Fetch defaults\n[fetch]\ntimeout = 5.0\n",
        ),
        (  # a comment right under the last key stays with it
            '[skills]\ndisabled = ["a"]\n# not b\n\n# Fetch\n\n# defaults\n[fetch]\n',
            '[skills]\ndisabled = ["a"]\n# not b\n\n[skills.web]\nk = 1\n\n# Fetch\n\n'
            "# defaults\n[fetch]\n",
        ),
        (  # at the end of the file a comment has no next section: it stays
            "[skills]\n# mine\n\n# the end\n",
            "[skills]\n# mine\n\n# the end\n\n[skills.web]\nk = 1\n",
        ),
    ],
    ids=["blank-and-comment", "attached-comment", "end-of-file"],
)
def test_a_new_table_goes_before_the_comments_of_the_next_section(
    tmp_path: Path, before: str, after: str
) -> None:
    path = tmp_path / "kurt.toml"
    path.write_text(before, encoding="utf-8")
    edit.set_value(path, "web", "k", 1)
    assert path.read_text(encoding="utf-8") == after
    edit.unset(path, "web", "k")
    assert path.read_text(encoding="utf-8") == before


def test_an_edit_that_changes_nothing_writes_nothing(toml: Path) -> None:
    before = toml.stat().st_mtime_ns, digest(toml)
    os.utime(toml, ns=(1, 1))
    assert edit.disable(toml, "legacy-crawler") is False
    assert edit.enable(toml, "never-disabled") is False
    assert edit.unset(toml, "other", "missing") is False
    assert edit.set_value(toml, "other", "keep", "me") is False
    assert toml.stat().st_mtime_ns == 1
    assert digest(toml) == before[1]


def test_setting_an_equal_value_of_another_type_is_a_change(tmp_path: Path) -> None:
    path = tmp_path / "kurt.toml"
    path.write_text("[skills.x]\nflag = 1\n", encoding="utf-8")
    assert edit.set_value(path, "x", "flag", True) is True
    assert skills_of(path)["x"]["flag"] is True


def test_missing_file_is_created_only_when_something_is_added(tmp_path: Path) -> None:
    path = tmp_path / "home" / "kurt.toml"
    assert edit.enable(path, "a") is False
    assert not path.exists()
    edit.set_value(path, "a", "k", 1)
    assert path.read_text(encoding="utf-8") == "[skills.a]\nk = 1\n"


def test_malformed_file_is_a_located_error_and_stays_byte_identical(tmp_path: Path) -> None:
    path = tmp_path / "kurt.toml"
    path.write_text('[skills]\ndisabled = ["a"]\nx = = 1\n', encoding="utf-8")
    before = digest(path)
    with pytest.raises(ConfigError) as caught:
        edit.disable(path, "b")
    assert str(caught.value).startswith(f"{path}:3:5: invalid TOML")
    assert digest(path) == before


@pytest.mark.parametrize(
    ("content", "operation"),
    [
        ("[skills]\ndisabled = 3\n", lambda p: edit.disable(p, "a")),
        ('skills = "no"\n', lambda p: edit.set_value(p, "a", "k", 1)),
        ("[skills]\nweb = 5\n", lambda p: edit.set_value(p, "web", "k", 1)),
        ("[skills.x]\nk = 1\n", lambda p: edit.set_value(p, "paths", "k", 1)),
        ("[skills.x]\nk = 1\n", lambda p: edit.unset(p, "enabled", "k")),
        ("[skils]\nx = 1\n", lambda p: edit.disable(p, "a")),
        ("[fetch]\ntimout = 5\n", lambda p: edit.set_value(p, "a", "k", 1)),
        ('[skills]\ndisable = ["a"]\n', lambda p: edit.disable(p, "b")),
    ],
    ids=[
        "disabled-not-a-list",
        "skills-not-a-table",
        "skill-not-a-table",
        "reserved",
        "reserved2",
        "misspelt-section",
        "misspelt-key",
        "misspelt-skills-key",
    ],
)
def test_refused_edits_leave_the_file_byte_identical(
    tmp_path: Path, content: str, operation: Any
) -> None:
    path = tmp_path / "kurt.toml"
    path.write_text(content, encoding="utf-8")
    before = digest(path)
    with pytest.raises(ConfigError):
        operation(path)
    assert digest(path) == before


def test_a_check_that_refuses_leaves_the_file_byte_identical(toml: Path) -> None:
    before = digest(toml)

    def refuse(document: dict[str, Any]) -> None:
        assert document["skills"]["web-archiver"]["timeout"] == "fast"
        raise ConfigError("refused")

    with pytest.raises(ConfigError, match="refused"):
        edit.set_value(toml, "web-archiver", "timeout", "fast", check=refuse)
    assert digest(toml) == before
    assert not [p for p in toml.parent.iterdir() if p.suffix == ".tmp"]


def test_the_lock_file_sits_beside_kurt_toml(toml: Path) -> None:
    edit.disable(toml, "x")
    assert edit.lock_path(toml) == toml.parent / ".kurt.toml.lock"


def test_a_writer_killed_mid_edit_leaves_the_old_file(toml: Path) -> None:
    """The test hook makes the writer die after the temporary file is complete
    and before it replaces kurt.toml: the old file must be intact."""
    before = digest(toml)
    script = (
        "import sys; from pathlib import Path; from kurt.config import edit; "
        "edit.disable(Path(sys.argv[1]), 'web-archiver')"
    )
    env = {**os.environ, edit.CRASH_HOOK: "1"}
    done = subprocess.run(
        [sys.executable, "-c", script, str(toml)], env=env, capture_output=True, check=False
    )
    assert done.returncode == 75
    assert digest(toml) == before
    leftovers = [p for p in toml.parent.iterdir() if p.name.endswith(".tmp")]
    assert len(leftovers) == 1  # the complete, never-installed new version
    assert '"web-archiver"' in leftovers[0].read_text(encoding="utf-8")
    # The next edit works, gives exactly the new file, and removes the stale copy.
    assert edit.disable(toml, "web-archiver") is True
    assert skills_of(toml)["disabled"] == ["legacy-crawler", "web-archiver"]
    assert [p for p in toml.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_writers_killed_at_random_moments_leave_old_or_new_never_a_mix(toml: Path) -> None:
    """SIGKILL a writer at many points of its run: the file always parses as
    the old or the new document."""
    import signal
    import time

    old = toml.read_bytes()
    script = (
        "import sys; from pathlib import Path; from kurt.config import edit; "
        "print('ready', flush=True); sys.stdin.readline(); "
        "edit.set_value(Path(sys.argv[1]), 'web-archiver', 'blob', 'x' * 2_000_000)"
    )
    for attempt in range(12):
        toml.write_bytes(old)
        process = subprocess.Popen(
            [sys.executable, "-c", script, str(toml)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert process.stdout is not None
        assert process.stdin is not None
        process.stdout.readline()
        process.stdin.write(b"go\n")
        process.stdin.flush()
        time.sleep(attempt * 0.01)  # spread the kills over the edit (not an assertion on time)
        process.send_signal(signal.SIGKILL)
        process.wait()
        process.stdout.close()
        process.stdin.close()
        current = toml.read_bytes()
        if current != old:  # then it must be the whole new document
            assert skills_of(toml)["web-archiver"]["blob"] == "x" * 2_000_000
            assert current.startswith(old.split(b"[database]")[0])


# -- invertibility (Hypothesis) ------------------------------------------------------------

POOL = ["alpha", "beta", "gamma", "delta"]  # names the generated documents never mention
KEYS = ["timeout", "mode", "tags"]

comment = st.text(
    alphabet=st.characters(
        codec="utf-8", exclude_categories=["Cc", "Cs", "Zl", "Zp"], exclude_characters="\r"
    ),
    max_size=20,
).map(lambda text: "# " + text)
blank = st.sampled_from(["", "", "   "])
bare = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True).filter(
    lambda name: name not in {"skills", "fetch", "map", "database"}
)
scalar = st.one_of(
    st.integers(-1000, 1000).map(str),
    st.booleans().map(lambda b: "true" if b else "false"),
    st.from_regex(r"[a-zA-Z0-9 ]{0,10}", fullmatch=True).map(lambda s: f'"{s}"'),
)
table_key = st.one_of(bare, st.text(max_size=3))  # some need quotes: "a b" = 1
tables = st.recursive(
    st.dictionaries(table_key, st.one_of(st.integers(0, 9), st.text(max_size=3)), max_size=2),
    lambda inner: st.dictionaries(
        table_key, st.one_of(inner, st.lists(inner, max_size=2)), max_size=2
    ),
    max_leaves=4,
)
others = st.lists(st.sampled_from(["old-one", "zed", "mid", "aaa"]), unique=True, min_size=1)


@st.composite
def lines_of_noise(draw: st.DrawFn) -> list[str]:
    return draw(st.lists(st.one_of(comment, blank), max_size=3))


@st.composite
def key_values(draw: st.DrawFn, keys: st.SearchStrategy[str] = bare) -> list[str]:
    out: list[str] = []
    for key in draw(st.lists(keys, unique=True, max_size=3)):
        out += draw(lines_of_noise())
        trailer = draw(st.one_of(st.just(""), comment.map(lambda c: "  " + c)))
        out.append(f"{key} = {draw(scalar)}{trailer}")
    return out


def array_text(draw: st.DrawFn, names: list[str]) -> str:
    quoted = [f'"{name}"' for name in names]
    style = draw(st.sampled_from(["compact", "spaced", "multiline"]))
    if style == "compact":
        return "[" + ", ".join(quoted) + "]"
    if style == "spaced":
        return "[ " + ", ".join(quoted) + " ]"
    return "[\n" + "".join(f"  {q},\n" for q in quoted) + "]"


@st.composite
def documents(draw: st.DrawFn) -> str:
    # Only the sections and keys Kurt knows: an edit refuses any other (a typo).
    out: list[str] = [*draw(lines_of_noise())]
    sections: list[list[str]] = []
    for name in draw(st.lists(st.sampled_from(["fetch", "map", "database"]), unique=True)):
        keys = st.sampled_from(SECTIONS[name] or ())
        sections.append([*draw(lines_of_noise()), f"[{name}]", *draw(key_values(keys))])
    if draw(st.booleans()):  # a [skills] header with lists of names outside the pool
        body = [*draw(lines_of_noise()), "[skills]"]
        if draw(st.booleans()):
            body.append(f"disabled = {array_text(draw, draw(others))}")
        if draw(st.booleans()):
            body.append(f"enabled = {array_text(draw, draw(others))}")
        if body[-1] == "[skills]" or not body[-1].strip():
            # A bare, empty [skills] header is indistinguishable from one an
            # edit wrote, and is removed with the last key (documented).
            body.append("# the skills of this project")
        body += draw(lines_of_noise())
        sections.append(body)
    for name in draw(st.lists(st.sampled_from(["old-one", "zed"]), unique=True)):
        sections.append([*draw(lines_of_noise()), f"[skills.{name}]", *draw(key_values())])
        if not sections[-1][-1].strip() or sections[-1][-1].startswith(f"[skills.{name}]"):
            sections[-1].append("present = true")
    order = draw(st.permutations(range(len(sections))))
    for index in order:
        out += sections[index]
    text = "\n".join(out).rstrip("\n ") + "\n"
    text = text if text.strip() else "# empty\n"
    # Some files lack a final newline; an edit must not add one for good.
    return text if draw(st.booleans()) else text[:-1]


operation = st.one_of(
    st.tuples(st.just("enable"), st.sampled_from(POOL)),
    st.tuples(st.just("disable"), st.sampled_from(POOL)),
    st.tuples(
        st.just("set"),
        st.sampled_from(POOL),
        st.sampled_from(KEYS),
        st.one_of(
            st.integers(0, 99),
            st.text(max_size=5),
            st.lists(st.integers(0, 9), max_size=2),
            tables,  # written as an inline table: `unset` removes one line
        ),
    ),
    st.tuples(st.just("unset"), st.sampled_from(POOL), st.sampled_from(KEYS)),
)


def apply(path: Path, op: tuple[Any, ...]) -> bool:
    kind = op[0]
    if kind == "enable":
        return edit.enable(path, op[1])
    if kind == "disable":
        return edit.disable(path, op[1])
    if kind == "set":
        return edit.set_value(path, op[1], op[2], op[3])
    return edit.unset(path, op[1], op[2])


def inverse(before: dict[str, Any], op: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """The edit that undoes ``op`` from the state ``before`` it, or ``None`` when
    no single edit does (then the test does not apply ``op``)."""
    kind, name = op[0], op[1]
    enabled = before.get("enabled")
    in_enabled = enabled is not None and name in enabled
    in_disabled = name in before.get("disabled", [])
    if kind in {"enable", "disable"}:
        if kind == "disable":
            if in_disabled and not in_enabled:
                return ("noop",)
            if not in_disabled and (enabled is None or in_enabled):
                return ("enable", name)
            return None
        if not in_disabled and (enabled is None or in_enabled):
            return ("noop",)
        if in_disabled and not in_enabled:
            return ("disable", name)
        return None
    table = before.get(name, {})
    key = op[2]
    if kind == "set":
        return ("set", name, key, table[key]) if key in table else ("unset", name, key)
    return ("set", name, key, table[key]) if key in table else ("noop",)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(document=documents(), ops=st.lists(operation, max_size=8))
def test_any_edits_followed_by_their_inverses_restore_the_bytes(
    tmp_path: Path, document: str, ops: list[tuple[Any, ...]]
) -> None:
    path = tmp_path / "kurt.toml"
    path.write_text(document, encoding="utf-8")
    original = path.read_bytes()
    undo: list[tuple[Any, ...]] = []
    for op in ops:
        before = skills_of(path)
        back = inverse(before, op)
        if back is None:
            continue
        apply(path, op)
        after = skills_of(path)
        check_intended(before, after, op)
        assert_unrelated_kept(document, path)
        undo.append(back)
    for op in reversed(undo):
        if op[0] != "noop":
            apply(path, op)
    assert path.read_bytes() == original


def check_intended(before: dict[str, Any], after: dict[str, Any], op: tuple[Any, ...]) -> None:
    kind, name = op[0], op[1]
    if kind == "disable":
        assert name in after["disabled"]
        assert name not in (after.get("enabled") or [])
    elif kind == "enable":
        assert name not in after.get("disabled", [])
        if "enabled" in before:
            assert name in after["enabled"]
    elif kind == "set":
        assert after[name][op[2]] == op[3]
    else:
        assert op[2] not in after.get(name, {})
    # Nothing else under [skills] changed.
    for other in set(before) | set(after):
        if other not in {name, "enabled", "disabled"}:
            assert before.get(other) == after.get(other)


def assert_unrelated_kept(document: str, path: Path) -> None:
    original = tomllib.loads(document)
    current = tomllib.loads(path.read_text(encoding="utf-8"))
    original.pop("skills", None)
    current.pop("skills", None)
    assert current == original
    text = path.read_text(encoding="utf-8")
    for line in document.splitlines():
        if line.lstrip().startswith("#"):
            assert line in text


# -- top-level dotted keys -----------------------------------------------------------------

DOTTED_SKILLS = ["cs", "ab"]
DOTTED_KEYS = ["label", "rate", "x"]


@st.composite
def dotted_documents(draw: st.DrawFn) -> str:
    """kurt.toml written with dotted keys at the top level (``skills.cs.label =
    "d"``), in any order among comments, blank lines and other dotted keys,
    possibly followed by sections: tomlkit reads each line as a part of one
    split ``skills`` table."""
    pairs = draw(
        st.lists(
            st.tuples(st.sampled_from(DOTTED_SKILLS), st.sampled_from(DOTTED_KEYS)),
            unique=True,
            min_size=1,
        )
    )
    lines = [f"skills.{skill}.{key} = {draw(scalar)}" for skill, key in pairs]
    lines += draw(
        st.lists(st.sampled_from(["fetch.timeout = 5", "skills.paths = []"]), unique=True)
    )
    lines += draw(st.lists(st.one_of(comment, blank), max_size=3))
    lines = draw(st.permutations(lines))
    tail = draw(st.sampled_from(["", "[fetch]\nretries = 2\n", "[skills.zz]\nx = 1\n"]))
    if "fetch.timeout = 5" in lines and tail.startswith("[fetch]"):
        tail = ""  # [fetch] defined twice is not TOML
    return "\n".join(lines) + "\n" + tail


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(document=dotted_documents(), data=st.data())
def test_unset_removes_a_key_written_as_a_top_level_dotted_key(
    tmp_path: Path, document: str, data: st.DataObject
) -> None:
    path = tmp_path / "kurt.toml"
    path.write_text(document, encoding="utf-8")
    expected = tomllib.loads(document)
    skill = data.draw(st.sampled_from(sorted(set(expected["skills"]) - {"paths"})))
    key = data.draw(st.sampled_from(sorted(expected["skills"][skill])))

    assert edit.unset(path, skill, key) is True

    del expected["skills"][skill][key]
    if not expected["skills"][skill]:
        del expected["skills"][skill]
    if not expected["skills"]:
        del expected["skills"]
    assert tomllib.loads(path.read_text(encoding="utf-8")) == expected
    assert_unrelated_kept(document, path)
