"""Text Kurt did not write is shown, never obeyed (issue 11, items 14 and 15).

A manifest's description, a setting's description or default, a kurt.toml
value and a fetched page's title may hold rich markup (``[/]``) or terminal
control (OSC 52 sets the clipboard, OSC 0 the window title, a carriage return
hides what came before). Every human output shows them literally, with
control characters spelled out (``\\x1b``), and no command fails on them.
"""

from __future__ import annotations

import html
import json
import os
import pty
import select
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from controls import BIDI, OSC_0, OSC_52, obeyed
from kurt.cli.escape import escape, escape_line

# -- the spelling --------------------------------------------------------------------------


def test_controls_are_spelled_out_and_lines_and_tabs_kept() -> None:
    assert escape(f"a{OSC_52}b\rc\n\td\x7f\x9b{BIDI[4]}") == (
        "a\\x1b]52;c;ZWNobyBwd25lZA==\\x07b\\x0dc\n\td\\u007f\\u009b\\u202e"
    )
    assert escape_line("one\ntwo\tthree\x1b") == "one two three\\x1b"


def test_plain_text_is_returned_as_it_is() -> None:
    text = "Fetch [bold]pages[/] — naïve café 🌱"
    assert escape(text) is text
    assert escape_line(text) is text


@given(st.text())
def test_escaped_text_holds_nothing_a_terminal_obeys(text: str) -> None:
    assert obeyed(escape(text)) == []
    assert obeyed(escape_line(text)) == []
    assert "\n" not in escape_line(text)


# -- every command, over generated text ----------------------------------------------------

HOSTILE = [
    "[/]",
    "[/bold]",
    "[bold red]x",
    "[link=https://evil.example]y[/link]",
    ":warning:",
    OSC_52,
    OSC_0,
    "\x1b[2J\x1b[H",
    "\x9b31m",
    "\r",
    "\x08\x07\x00",
    "\x7f",
    BIDI,
    "\\x1b",
    "\n",
]

# Text as it can stand in YAML, TOML and HTML files: no surrogates (none of
# them can hold one), and whatever else Unicode has.
outside_text = st.lists(
    st.one_of(st.sampled_from(HOSTILE), st.text(st.characters(exclude_categories=["Cs"]))),
    min_size=1,
    max_size=4,
).map("".join)


def yaml_string(text: str) -> str:
    """``text`` as a YAML double-quoted scalar: what YAML may hold raw as it
    is, anything else as an escape."""
    out = []
    for c in text:
        code = ord(c)
        if c in '"\\' or not (
            0x20 <= code <= 0x7E
            or 0xA0 <= code <= 0xD7FF
            or 0xE000 <= code <= 0xFFFD
            or code >= 0x10000
        ):
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string (JSON's escapes, DEL spelled out too)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def write_project(root: Path, texts: list[str]) -> Path:
    description, tool_description, setting_description, default, value, title = texts
    skill = root / "skills" / "hostile"
    skill.mkdir(parents=True)
    (skill / "SKILL.md").write_text(
        "---\n"
        "name: hostile\n"
        f"description: {yaml_string(description)}\n"
        "version: 0.1.0\n"
        "implements:\n"
        "  - type: tool\n"
        "    class: HostileTool\n"
        "    name: hostile-tool\n"
        f"    description: {yaml_string(tool_description)}\n"
        "settings:\n"
        "  label:\n"
        "    type: str\n"
        f"    default: {yaml_string(default)}\n"
        f"    description: {yaml_string(setting_description)}\n"
        "  other:\n"
        "    type: str\n"
        "    required: false\n"
        "---\n",
        encoding="utf-8",
    )
    (skill / "skill.py").write_text("raise SystemExit('never imported')\n", encoding="utf-8")
    (root / "kurt.toml").write_text(
        f"[skills.hostile]\nother = {toml_string(value)}\n", encoding="utf-8"
    )
    page = root / "page.html"
    title = title.replace("\x00", "")  # a NUL makes any file binary: no page holds one
    page.write_text(
        f"<html><head><title>{html.escape(title)}</title></head>"
        f"<body><p>{html.escape(title)} body</p></body></html>",
        encoding="utf-8",
    )
    return page


COMMANDS = [
    ["tool", "list"],
    ["tool", "info", "hostile-tool"],
    ["skill", "list"],
    ["skill", "info", "hostile"],
    ["skill", "validate", "hostile"],
    ["config", "skills"],
]


def run_in_process(runner: CliRunner, project: Path, args: list[str]) -> tuple[int, str]:
    """``kurt --project PROJECT ARGS`` through the real entry point (error
    boundary included), its stdout and stderr together."""
    from kurt.cli.app import run

    with runner.isolation(env={"COLUMNS": "80"}) as (out, err, _):
        code = run(["--project", str(project), *args])
    return code, out.getvalue().decode("utf-8") + err.getvalue().decode("utf-8")


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


@settings(max_examples=8, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(outside_text, min_size=6, max_size=6))
def test_no_command_obeys_or_fails_on_outside_text(workdir: Path, texts: list[str]) -> None:
    """Markup and control characters in a manifest, its settings, kurt.toml and a
    fetched page: every listing and info command, and fetch, exit as usual
    (0, or 1 for an invalid skill) and print nothing a terminal would obey."""
    project = Path(tempfile.mkdtemp(dir=workdir))
    page = write_project(project, texts)
    runner = CliRunner()
    for args in COMMANDS:
        for rich_listing in (False, True):  # plain when piped; rich in a short terminal listing
            with mock.patch("kurt.cli.plain.use_plain", return_value=not rich_listing):
                code, output = run_in_process(runner, project, args)
            assert code in (0, 1, 2), (args, output)  # 2: a tool its broken manifest hides
            assert "Internal error" not in output, (args, output)
            assert "Traceback" not in output, (args, output)
            assert obeyed(output) == [], (args, output)
    code, output = run_in_process(runner, project, ["fetch", str(page)])
    assert (code, obeyed(output)) == (0, []), output
    assert "Internal error" not in output


# -- the examples, in a real terminal ----------------------------------------------


def in_terminal(*args: str, cwd: Path) -> tuple[int, str]:
    """``kurt ARGS`` with a pseudo-terminal as stdout and stderr (rich tables,
    as a person sees them), 80 columns; its exit code and everything it wrote."""
    main, secondary = pty.openpty()
    env = {**os.environ, "COLUMNS": "80", "LINES": "24", "TERM": "xterm"}
    process = subprocess.Popen(
        [sys.executable, "-m", "kurt", *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=secondary,
        stderr=secondary,
    )
    os.close(secondary)
    chunks = []
    while True:
        ready, _, _ = select.select([main], [], [], 120)
        if not ready:
            process.kill()
            break
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the other side closed: the process is done
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    return process.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")


def without_styles(text: str) -> str:
    """Terminal output without rich's own styles (CSI ... m), which it may draw."""
    import re

    return re.sub("\x1b\\[[0-9;]*m", "", text).replace("\r\n", "\n")


@pytest.fixture
def hostile_project(make_project):  # type: ignore[no-untyped-def]
    """An untrusted project whose skill says ``broken [/] markup`` with OSC 52
    and OSC 0 in its description, and markup in a setting's description and default."""
    root: Path = make_project("clone", trusted=False)
    skill = root / "skills" / "evil"
    skill.mkdir()
    (skill / "SKILL.md").write_text(
        "---\n"
        "name: evil\n"
        f"description: {yaml_string('broken [/] markup ' + OSC_52 + OSC_0 + ' end')}\n"
        "implements:\n"
        "  - {type: tool, class: EvilTool, name: evil-tool, description: 'broken [/] markup'}\n"
        "settings:\n"
        "  label: {type: str, default: '[/bold]', description: 'a [/] label'}\n"
        "---\n",
        encoding="utf-8",
    )
    (skill / "skill.py").write_text("", encoding="utf-8")
    (root / "page.html").write_text(
        "<html><head><title>[/]</title></head><body><p>[/] body</p></body></html>",
        encoding="utf-8",
    )
    return root


def test_skill_info_in_a_terminal_spells_out_osc_52_and_osc_0(hostile_project: Path) -> None:
    code, output = in_terminal("skill", "info", "evil", cwd=hostile_project)
    shown = without_styles(output)
    assert code == 0, output
    description = "broken [/] markup \\x1b]52;c;ZWNobyBwd25lZA==\\x07\\x1b]0;pwned\\x07 end"
    assert description in " ".join(shown.split())  # wrapped between words at 80 columns
    assert "\x1b]" not in output
    assert "\x07" not in output
    assert "label: a [/] label" in shown  # the setting's description, under its table
    assert '"[/bold]"' in shown  # its default


def test_tool_list_config_skills_and_fetch_show_markup_as_text(hostile_project: Path) -> None:
    for args in (["tool", "list"], ["config", "skills"], ["fetch", "page.html"]):
        code, output = in_terminal(*args, cwd=hostile_project)
        assert code == 0, (args, output)
        assert "MarkupError" not in output
        assert "Internal error" not in output
        assert "[/" in without_styles(output), (args, output)


def test_only_the_table_and_progress_modules_use_rich() -> None:
    """rich writes beneath the escaping (kurt.cli.streams.unescaped), so only the
    two modules that give it escaped Text may use it (see docs/architecture.md)."""
    import re

    source = Path(__file__).resolve().parents[2] / "src" / "kurt"
    users = sorted(
        str(path.relative_to(source))
        for path in source.rglob("*.py")
        if re.search(r"^\s*(from|import) rich\b", path.read_text(encoding="utf-8"), re.M)
    )
    assert users == ["cli/output.py", "cli/progress.py"]
