"""Kurt is distributed as ``kurt-skills`` (issue 15, item 1).

The name ``kurt`` on the package index belongs to an unrelated project (a
library for MIT Scratch files): anything in this repository that tells pip to
install ``kurt``, depends on it or names one of its extras installs that
project instead. The command and the import package stay ``kurt``.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
DISTRIBUTION = "kurt-skills"
WRONG = "kurt"  # the unrelated project's name on the package index
TEXT_SUFFIXES = {".md", ".toml", ".py", ".txt", ".cfg", ".ini", ".sh", ".yml", ".yaml", ""}
# Up to a comment, so that `pip install -e .  # or: pip install kurt` is two commands.
PIP_INSTALL = re.compile(r"pip3? install\b([^\n`#]*)")
# `kurt[test]`, `"kurt[mcp]"`: an extra of the distribution named kurt (not of
# `kurt-skills`, and not an index such as `sys.modules["kurt"]`).
KURT_EXTRA = re.compile(r"(?<![\w.\-/])kurt\[[A-Za-z]")


def tracked_text_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    here = Path(__file__).resolve()
    files = []
    for name in listed:
        path = ROOT / name
        if path.suffix in TEXT_SUFFIXES and path.is_file() and path.resolve() != here:
            files.append(path)
    return files


def requirement_names(args: str) -> Iterator[str]:
    """The distribution names a ``pip install`` command line asks for (paths and
    options left out)."""
    try:
        tokens = shlex.split(args)
    except ValueError:  # an unbalanced quote in prose: split on blanks instead
        tokens = args.split()
    for token in tokens:
        if token.startswith(("-", ".", "/", "~", "$")) or token in {"&&", "|", ";"}:
            continue
        try:
            yield canonicalize_name(Requirement(token).name)
        except InvalidRequirement:
            continue


def pyproject_requirements(data: dict[str, object]) -> Iterator[str]:
    build = data.get("build-system", {})
    project = data.get("project", {})
    assert isinstance(build, dict)
    assert isinstance(project, dict)
    yield from build.get("requires", [])
    yield from project.get("dependencies", [])
    for extra in project.get("optional-dependencies", {}).values():
        yield from extra


def test_the_files_are_found() -> None:
    names = {path.relative_to(ROOT).as_posix() for path in tracked_text_files()}
    assert {"README.md", "docs/index.md", "pyproject.toml"} <= names
    assert "examples/kurt-skill-hello/pyproject.toml" in names


def test_the_distribution_is_named_kurt_skills_with_the_kurt_command() -> None:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert data["project"]["name"] == DISTRIBUTION
    assert data["project"]["scripts"] == {"kurt": "kurt.__main__:main"}
    assert f"{DISTRIBUTION}[test]" in data["project"]["optional-dependencies"]["dev"]


@pytest.mark.parametrize(
    "path",
    sorted(ROOT.glob("**/pyproject.toml")),
    ids=lambda path: path.relative_to(ROOT).as_posix(),
)
def test_no_pyproject_depends_on_the_unrelated_kurt(path: Path) -> None:
    if ".venv" in path.parts:
        pytest.skip("not part of the repository")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    names = [canonicalize_name(Requirement(text).name) for text in pyproject_requirements(data)]
    assert WRONG not in names, f"{path}: depends on '{WRONG}'; Kurt is '{DISTRIBUTION}'"


def test_the_example_skill_package_depends_on_kurt_skills() -> None:
    path = ROOT / "examples" / "kurt-skill-hello" / "pyproject.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    names = [canonicalize_name(Requirement(text).name) for text in data["project"]["dependencies"]]
    assert DISTRIBUTION in names


def test_no_file_tells_pip_to_install_the_unrelated_kurt() -> None:
    offences = []
    for path in tracked_text_files():
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), start=1):
            where = f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
            for command in PIP_INSTALL.finditer(line):
                if WRONG in requirement_names(command.group(1)):
                    offences.append(where)
            if KURT_EXTRA.search(line):
                offences.append(where)
    assert offences == []


def test_the_scanner_catches_what_it_looks_for() -> None:
    """The checks above would pass on any file if the patterns matched nothing."""
    assert WRONG in requirement_names(" kurt")
    assert WRONG in requirement_names(" --upgrade 'kurt[test]>=0.1'")
    commands = PIP_INSTALL.findall("$ pip install -e .  # or: pip install kurt")
    assert [WRONG in requirement_names(command) for command in commands] == [False, True]
    assert WRONG not in requirement_names(" -e '.[test]' kurt-skills ./examples/kurt-skill-hello")
    assert KURT_EXTRA.search('dev = ["kurt[test]"]')
    assert not KURT_EXTRA.search('dev = ["kurt-skills[test]"]')
