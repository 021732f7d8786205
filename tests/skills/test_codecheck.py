"""The code rules of kurt.skills.codecheck: implements classes in skill.py, read statically."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import Any

import pytest

from kurt.skills import codecheck
from kurt.skills.manifest.model import Implementation
from kurt.skills.manifest.rules import Problem

F = Path("s/SKILL.md")


def on_line_8(key: str) -> int:
    """A line lookup that puts every key on line 8."""
    return 8


def tool(cls: str, name: str = "t", kind: str = "tool") -> dict[str, Any]:
    """An ``implements`` item in the plain form the checks read."""
    item = Implementation.model_validate({"type": kind, "class": cls, "name": name})
    return item.model_dump(by_alias=True)


# --- implements against skill.py (static) ---------------------------------------------------


def write(folder: Path, source: str) -> Path:
    code = folder / "skill.py"
    code.write_text(textwrap.dedent(source), encoding="utf-8")
    return code


@pytest.mark.parametrize(
    "source",
    [
        "from kurt import Tool\nclass A(Tool): ...\n",
        "from kurt import Tool as T\nclass A(T[In, Out]): ...\n",
        "import kurt\nclass A(kurt.Tool): ...\n",
        "import kurt as k\nclass A(k.Tool): ...\n",
        "from kurt import tools\nclass A(tools.base.Tool): ...\n",
        "from kurt.core.tool import Tool\nclass Base(Tool): ...\nclass A(Base): ...\n",
        "class A(Tool): ...\n",  # by name (imported some way we do not follow)
        "try:\n    from kurt import Tool\nexcept ImportError:\n    raise\nelse:\n"
        "    class A(Tool): ...\n",
    ],
)
def test_a_class_deriving_from_tool_passes(tmp_path: Path, source: str) -> None:
    code = write(tmp_path, source)
    assert codecheck.check_implements_code(code, [tool("A")], F, on_line_8) == []


def test_fetchers_and_mappers_need_their_bases(tmp_path: Path) -> None:
    code = write(
        tmp_path,
        """\
        from kurt import BaseFetcher, BaseMapper
        class F(BaseFetcher): ...
        class M(BaseMapper): ...
        """,
    )
    items = [tool("F", "f", "fetcher"), tool("M", "m", "mapper")]
    assert codecheck.check_implements_code(code, items, F, on_line_8) == []
    problems = codecheck.check_implements_code(code, [tool("F", "f", "mapper")], F, on_line_8)
    assert problems == [
        Problem.at(code, 2, "class 'F' must derive from kurt.BaseMapper (it is a mapper)", "error")
    ]


@pytest.mark.parametrize(
    "source",
    [
        "class A: ...\n",
        "class A(object): ...\n",
        "from kurt import BaseFetcher\nclass A(BaseFetcher): ...\n",
        "import kurt\nclass A(kurt.BaseMapper): ...\n",
        "from pydantic import BaseModel\nclass A(BaseModel): ...\n",
        "class A(B): ...\nclass B(A): ...\n",  # a cycle never counts
    ],
)
def test_a_class_with_the_wrong_base_fails_at_its_line(tmp_path: Path, source: str) -> None:
    code = write(tmp_path, source)
    [problem] = codecheck.check_implements_code(code, [tool("A")], F, on_line_8)
    assert problem.message == "class 'A' must derive from kurt.Tool (it is a tool)"
    assert (problem.file, problem.line, problem.severity) == (
        str(code),
        source.count("\n", 0, source.index("class A")) + 1,
        "error",
    )


def test_a_base_from_a_helper_module_cannot_be_judged_statically(tmp_path: Path) -> None:
    code = write(tmp_path, "from .helpers import MyTool\nclass A(MyTool): ...\n")
    [problem] = codecheck.check_implements_code(code, [tool("A")], F, on_line_8)
    assert problem.severity == "warning"
    assert "checked when the skill is loaded" in problem.message


def test_a_missing_class(tmp_path: Path) -> None:
    code = write(tmp_path, "from kurt import Tool\nclass Other(Tool): ...\n")
    assert codecheck.check_implements_code(code, [tool("A", "archive")], F, on_line_8) == [
        Problem.at(F, 8, "class 'A' (tool 'archive') is not defined in skill.py", "error")
    ]


def test_a_class_defined_only_inside_a_function_does_not_count(tmp_path: Path) -> None:
    code = write(tmp_path, "def make():\n    class A(Tool): ...\n    return A\n")
    assert len(codecheck.check_implements_code(code, [tool("A")], F, on_line_8)) == 1


def test_a_missing_skill_py(tmp_path: Path) -> None:
    [problem] = codecheck.check_implements_code(tmp_path / "skill.py", [tool("A")], F, on_line_8)
    assert (problem.file, problem.line) == (str(F), 8)
    assert problem.message == "'implements' needs skill.py, which is missing"


def test_no_implements_needs_no_skill_py(tmp_path: Path) -> None:
    assert codecheck.check_implements_code(tmp_path / "skill.py", [], F, on_line_8) == []


def test_a_syntax_error_names_skill_py_and_its_line(tmp_path: Path) -> None:
    code = write(tmp_path, "from kurt import Tool\n\nclass A(Tool)\n    pass\n")
    [problem] = codecheck.check_implements_code(code, [tool("A")], F, on_line_8)
    assert (problem.file, problem.line) == (str(code), 3)
    assert problem.message.startswith("skill.py does not parse: ")


def test_skill_py_that_is_not_utf8_or_has_nul_bytes(tmp_path: Path) -> None:
    code = tmp_path / "skill.py"
    code.write_bytes(b"x = '\xff'\n")
    [problem] = codecheck.check_implements_code(code, [tool("A")], F, on_line_8)
    assert problem.message.startswith("cannot read skill.py")
    code.write_bytes(b"x = 1\x00\n")
    [problem] = codecheck.check_implements_code(code, [tool("A")], F, on_line_8)
    assert problem.message.startswith("skill.py does not parse")


def test_skill_py_is_never_imported(tmp_path: Path) -> None:
    marker = tmp_path / "imported"
    code = write(
        tmp_path, f"open({str(marker)!r}, 'w').close()\nfrom kurt import Tool\nclass A(Tool): ...\n"
    )
    assert codecheck.check_implements_code(code, [tool("A")], F, on_line_8) == []
    assert not marker.exists()


def test_a_misspelt_class_gets_a_did_you_mean(tmp_path: Path) -> None:
    code = write(
        tmp_path,
        "from kurt import Tool\nfrom pydantic import BaseModel\n"
        "class OopsTool(Tool): ...\nclass OppsToo(BaseModel): ...\n",  # closer, but a model
    )
    [problem] = codecheck.check_implements_code(code, [tool("OppsTool", "oops")], F, on_line_8)
    assert problem.message == (
        "class 'OppsTool' (tool 'oops') is not defined in skill.py; did you mean 'OopsTool'?"
    )


@pytest.mark.timeout(30)  # read the usual way, /dev/zero never ends and a FIFO never opens
@pytest.mark.parametrize("kind", ["fifo", "zero"])
def test_a_skill_py_that_is_no_regular_file_is_refused_not_read(tmp_path: Path, kind: str) -> None:
    code = tmp_path / "skill.py"
    if kind == "fifo":
        os.mkfifo(code)
    else:
        code.symlink_to("/dev/zero")
    [problem] = codecheck.check_implements_code(code, [tool("A")], F, on_line_8)
    what = "a named pipe (FIFO)" if kind == "fifo" else "a device"
    assert problem.message == f"cannot read skill.py: {code} is {what}, not a regular file"
    assert problem.file == str(code)


def test_a_skill_py_past_the_bound_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(codecheck, "MAX_SOURCE_BYTES", 10)
    code = write(tmp_path, "from kurt import Tool\nclass A(Tool): ...\n")
    [problem] = codecheck.check_implements_code(code, [tool("A")], F, on_line_8)
    assert problem.message == f"cannot read skill.py: {code} is larger than the 10-byte limit"


# --- commands against their modules (static) ------------------------------------------------


def test_each_command_entry_names_a_module_that_defines_it(tmp_path: Path) -> None:
    (tmp_path / "cli.py").write_text(
        "import click\nfrom .helpers import build as made\n\n\n"
        "@click.command()\ndef main():\n    pass\n\n\ngroup = click.Group('g')\n"
    )
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("def run():\n    pass\n")
    (tmp_path / "broken.py").write_text("def main(:\n")
    commands = [
        {"name": "a", "entry": "cli:main"},
        {"name": "b", "entry": "cli:group"},
        {"name": "c", "entry": "cli:made"},
        {"name": "d", "entry": "pkg:run"},
        {"name": "e", "entry": "cli:mian"},
        {"name": "f", "entry": "missing:main"},
        {"name": "g", "entry": "broken:main"},
    ]
    lines = {f"commands[{i}]": 20 + i for i in range(len(commands))}
    problems = codecheck.check_commands_code(tmp_path, commands, F, lines.__getitem__)
    assert [(p.file, p.line, p.message) for p in problems] == [
        (str(F), 24, "command 'e': cli.py defines no 'mian'; did you mean 'main'?"),
        (
            str(F),
            25,
            f"command 'f': entry 'missing:main' names missing.py, which is missing from {tmp_path}",
        ),
        (str(tmp_path / "broken.py"), 1, "broken.py does not parse: invalid syntax"),
    ]
