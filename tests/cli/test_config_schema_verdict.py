"""``kurt config schema`` is as strict as Kurt (issue 15, item 8): an editor
validating kurt.toml against it flags what Kurt refuses, and nothing Kurt accepts.

Each sample kurt.toml is judged twice: by the ``jsonschema`` package against
the schema ``kurt config schema`` printed, and by Kurt itself. Kurt's verdict
is two commands', since each reads part of the file: ``kurt config skills``
(sections, ``[skills]`` and every skill's settings: an error exits 1, a
settings problem is listed) and ``kurt map`` of an empty folder (Kurt's own
``[fetch]``, ``[map]`` and ``[database]`` values, read only by a run).
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

try:
    from jsonschema import Draft7Validator
except ModuleNotFoundError as exc:  # an environment made before the test extra had it
    raise ImportError("these tests need jsonschema: pip install -e '.[test]'") from exc

Run = Callable[..., Any]

MANIFEST = """\
---
name: digest
description: Digests pages, for the schema tests.
settings:
  max_words: {type: int, default: 12}
  ratio: {type: float, default: 0.5}
  label: {type: str, default: page}
  loud: {type: bool, default: false}
  tags: {type: list, default: []}
  extra: {type: dict, default: {}}
---
"""

# (kurt.toml, what Kurt says): every level Kurt checks, once right, once wrong.
SAMPLES = [
    ("", "valid"),
    ("#:schema ./kurt.schema.json\n[map]\nmax_depth = 3\n", "valid"),
    ("[mapp]\nmax_depth = 3\n", "unknown section"),
    ("mapp = 1\n", "unknown top-level key"),
    ("map = 1\n", "a section that is not a table"),
    ("[map]\nmax_dept = 3\n", "unknown key of [map]"),
    ('[map]\nmax_depth = "deep"\n', "wrong type in [map]"),
    ("[fetch]\ntimeout = -1\n", "out of range in [fetch]"),
    ('[fetch]\ntimeout = 2.5\nengine = "httpx"\n', "valid"),
    ('[database]\nurl = "sqlite:///x.db"\n', "valid"),
    ("[database]\nurl = 1\n", "wrong type in [database]"),
    ('[skills]\npaths = ["../shared"]\nenabled = ["digest"]\ndisabled = []\n', "valid"),
    ('[skills]\nenabled = ["digest", "digest"]\n', "valid"),
    ('[skills]\npaths = "../shared"\n', "paths not a list"),
    ("[skills]\nenabled = [1]\n", "enabled not strings"),
    ('[skills]\ndisable = ["digest"]\n', "unknown key of [skills]"),
    ("[skills]\ndigest = 1\n", "a skill's settings not a table"),
    (
        '[skills.digest]\nmax_words = 5\nratio = 1\nlabel = "x"\nloud = true\n'
        'tags = ["a"]\nextra = {a = 1}\n',
        "valid",
    ),
    ("[skills.digest]\nmax_word = 5\n", "unknown setting"),
    ('[skills.digest]\nmax_words = "5"\n', "wrong setting type (a quoted int)"),
    ("[skills.digest]\nmax_words = 1.5\n", "wrong setting type (float for int)"),
    ("[skills.digest]\nloud = 1\n", "wrong setting type (int for bool)"),
    ('[skills.digest]\ntags = [1, "a"]\n', "valid"),  # a `list` setting's items are untyped
    ("[skills.digest.nested]\nx = 1\n", "a table where no setting is"),
    ("[skills.elsewhere]\nanything = 1\n", "valid"),  # a skill of another machine
]


@pytest.fixture(scope="module")
def schema_and_project(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    """The schema ``kurt config schema`` prints for a project with one skill."""
    import os
    import subprocess
    import sys

    base = tmp_path_factory.mktemp("schema")
    root = base / "project"
    (root / "skills" / "digest").mkdir(parents=True)
    (root / "skills" / "digest" / "SKILL.md").write_text(MANIFEST, encoding="utf-8")
    (root / "kurt.toml").write_text("", encoding="utf-8")
    (root / "empty").mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KURT_")}
    env["KURT_HOME"] = str(base / "home")
    done = subprocess.run(
        [sys.executable, "-m", "kurt", "config", "schema"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout), root


def kurt_refuses(run_kurt: Run, root: Path) -> list[str]:
    """What Kurt says is wrong with ``root``'s kurt.toml (empty: nothing)."""
    said = []
    skills = run_kurt("config", "skills", "--json", cwd=root)
    if skills.exit_code != 0:
        said.append(skills.stderr)
    else:
        report = json.loads(skills.stdout)
        said += [problem for skill in report["skills"] for problem in skill["problems"]]
    mapped = run_kurt("map", "empty", "--json", cwd=root)
    if mapped.exit_code != 0:
        said.append(mapped.stdout + mapped.stderr)
    return said


@pytest.mark.parametrize(("toml", "case"), SAMPLES, ids=[case for _, case in SAMPLES])
def test_the_schema_and_kurt_agree(
    run_kurt: Run, schema_and_project: tuple[dict[str, Any], Path], toml: str, case: str
) -> None:
    schema, root = schema_and_project
    (root / "kurt.toml").write_text(toml, encoding="utf-8")
    refused_by_kurt = kurt_refuses(run_kurt, root)
    schema_errors = [
        error.message for error in Draft7Validator(schema).iter_errors(tomllib.loads(toml))
    ]
    assert bool(schema_errors) == bool(refused_by_kurt), (schema_errors, refused_by_kurt)
    assert bool(refused_by_kurt) == (case != "valid")


def test_the_schema_is_a_valid_draft_7_schema(
    schema_and_project: tuple[dict[str, Any], Path],
) -> None:
    from kurt.config.keys import SECTIONS

    schema = schema_and_project[0]
    Draft7Validator.check_schema(schema)
    assert list(schema["properties"]) == list(SECTIONS)  # the sections Kurt knows, no other
    assert schema["additionalProperties"] is False
