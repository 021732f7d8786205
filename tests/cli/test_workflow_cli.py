"""``kurt workflow list | info | validate | run | new`` in real ``kurt`` processes."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Kurt = Callable[..., Any]

SKILL_MD = """\
---
name: marker
description: A skill that leaves a file behind when its code is imported.
implements:
  - {type: tool, class: Marker, name: mark}
workflows: [own.toml]
---
"""
SKILL_PY = """\
from pathlib import Path
Path(__file__).with_name("IMPORTED").write_text("yes")
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


@pytest.fixture
def kurt_in(run_kurt: Kurt) -> Callable[[Path], Kurt]:
    def bound(root: Path) -> Kurt:
        return lambda *args: run_kurt("--project", str(root), *args, cwd=root)

    return bound


def test_validate_reports_each_kind_of_error_with_file_and_line_and_imports_no_skill(
    make_project: Callable[..., Path], kurt_in: Callable[[Path], Kurt]
) -> None:
    root = make_project()
    skill = root / "skills" / "marker"
    write(skill / "SKILL.md", SKILL_MD)
    write(skill / "skill.py", SKILL_PY)
    write(
        skill / "own.toml",
        """
        [workflow]
        name = "own"
        [[steps]]
        id = "m"
        tool = "mark"
        input = { anything = 1 }
        """,
    )
    bad = write(
        root / "workflows" / "bad.toml",
        """
        [workflow]
        name = "bad"

        [inputs.source]
        type = "str"

        [[steps]]
        id = "map"
        tool = "mapp"

        [[steps]]
        id = "fetch"
        tool = "fetch"
        input = { url = "{{ inputs.sorce }}" }

        [[steps]]
        id = "fetch"
        tool = "map"
        input = { source = "{{ steps.maps.data }}" }

        [[steps]]
        id = "a"
        tool = "mark"
        depends_on = ["b"]

        [[steps]]
        id = "b"
        tool = "mark"
        input = { x = "{{ steps.a.data }}" }
        """,
    )

    outcome = kurt_in(root)("workflow", "validate")

    assert outcome.exit_code == 1, outcome.stderr
    assert outcome.stderr.splitlines() == [
        f"error: {bad}:9: step 'map': unknown tool 'mapp'. Did you mean 'map'?",
        f"error: {bad}:14: step 'fetch': input.url refers to unknown input 'sorce'. "
        "Did you mean 'source'?",
        f"error: {bad}:14: step 'fetch': tool 'fetch' takes no input 'url'; did you mean "
        "'urls'?; 'fetch' takes: urls, engine, pending, limit",
        f"error: {bad}:14: step 'fetch': invalid input for tool 'fetch': field 'urls': "
        "give at least one URL, or set 'pending'",
        f"error: {bad}:17: step id 'fetch' is used by 2 steps; give each step an id of its own",
        f"error: {bad}:19: step 'fetch': input.source names unknown step 'maps'. "
        "Did you mean 'map'?",
        f"error: {bad}:21: steps wait for each other in a cycle: a -> b -> a; remove one of "
        "these from depends_on (or the reference to it)",
        "2 workflow(s) checked, 7 error(s): invalid",
    ]
    # From the manifest alone: the skill's tool is known, its code never ran.
    assert not (skill / "IMPORTED").exists()

    own = kurt_in(root)("workflow", "validate", "own", "--json")
    assert json.loads(own.stdout) == {
        "valid": True,
        "workflows": [str(skill / "own.toml")],
        "problems": [],
    }


def test_a_failing_step_stops_its_dependents_and_the_run_exits_1(
    make_project: Callable[..., Path], kurt_in: Callable[[Path], Kurt]
) -> None:
    root = make_project()
    write(root / "site" / "page.md", "# A page\n\nSome words.\n")
    write(
        root / "workflows" / "pages.toml",
        """
        [workflow]
        name = "pages"

        [[steps]]
        id = "missing"
        tool = "fetch"
        input = { urls = ["no-such-page.html"] }

        [[steps]]
        id = "after"
        tool = "map"
        input = { source = "site" }
        depends_on = ["missing"]

        [[steps]]
        id = "map"
        tool = "map"
        input = { source = "site" }

        [[steps]]
        id = "fetch"
        tool = "fetch"
        input = { urls = "{{ steps.map.data.url }}" }
        """,
    )
    kurt = kurt_in(root)

    outcome = kurt("workflow", "run", "pages", "--json")

    assert outcome.exit_code == 1, outcome.stderr
    result = json.loads(outcome.stdout)
    assert result["success"] is False
    statuses = {item["step"]: item["status"] for item in result["data"]}
    assert statuses == {"missing": "failed", "after": "skipped", "map": "ok", "fetch": "ok"}
    fetched = result["data"][3]["result"]["data"]
    assert [page["title"] for page in fetched] == ["A page"]
    assert result["data"][1]["result"] is None
    assert result["errors"][1]["message"] == (
        "step 'after': skipped, as step(s) missing did not succeed"
    )

    human = kurt("workflow", "run", "pages")
    assert human.exit_code == 1
    assert "step after (map): skipped" in human.stderr
    assert "workflow pages: 2 ok, 1 failed, 1 skipped, failed in" in human.stderr


def test_unknown_untrusted_and_new(
    make_project: Callable[..., Path], kurt_in: Callable[[Path], Kurt]
) -> None:
    root = make_project(trusted=False)
    kurt = kurt_in(root)

    created = kurt("workflow", "new", "site-pages")
    assert created.exit_code == 0, created.stderr
    assert (root / "workflows" / "site-pages.toml").is_file()
    assert kurt("workflow", "new", "site-pages").exit_code == 1  # never overwritten

    listed = kurt("workflow", "list", "--json")
    assert [(row["name"], row["trusted"]) for row in json.loads(listed.stdout)] == [
        ("site-pages", False)
    ]
    assert f"do not run until you trust it: kurt trust {root}" in listed.stderr

    refused = kurt("workflow", "run", "site-pages", "-p", "source=site")
    assert refused.exit_code == 1
    assert "which you have not trusted, so it does not run here" in refused.stderr

    unknown = kurt("workflow", "run", "site-page")
    assert unknown.exit_code == 2
    assert unknown.stderr == "Error: Unknown workflow 'site-page'. Did you mean 'site-pages'?\n"

    assert kurt("trust").exit_code == 0
    write(root / "site" / "a.txt", "alpha beta\n")
    ran = kurt("workflow", "run", "site-pages", "-p", "source=site", "--json")
    assert ran.exit_code == 0, ran.stderr
    [_, fetch] = json.loads(ran.stdout)["data"]
    assert [page["content"] for page in fetch["result"]["data"]] == ["alpha beta\n"]


def test_one_run_is_one_lifespan_scope(
    project: Path, tmp_path: Path, kurt_in: Callable[[Path], Kurt]
) -> None:
    from core.test_lifespan import lines, probe_skill

    log = tmp_path / "lifespans.log"
    probe_skill(project / "skills", "base", log)
    probe_skill(project / "skills", "top", log, requires="base")
    write(
        project / "workflows" / "probe.toml",
        """
        [workflow]
        name = "probe"
        [[steps]]
        id = "one"
        tool = "base-probe"
        [[steps]]
        id = "two"
        tool = "base-probe"
        [[steps]]
        id = "fails"
        tool = "top-probe"
        input = { action = "fail" }
        depends_on = ["one", "two"]
        [[steps]]
        id = "after"
        tool = "base-probe"
        depends_on = ["fails"]
        """,
    )

    outcome = kurt_in(project)("workflow", "run", "probe", "--json")

    assert outcome.exit_code == 1, outcome.stderr
    steps = json.loads(outcome.stdout)["data"]
    assert [step["status"] for step in steps] == ["ok", "ok", "failed", "skipped"]
    assert steps[0]["result"]["data"] == [{"state": {"opened_by": "base", "timeout": 5}}]
    # Two steps of one skill, a failure: each lifespan entered once, exited in reverse.
    assert lines(log) == ["enter base", "enter top", "exit top", "exit base"]


def test_a_skill_tools_cached_schema_checks_its_input_keys(
    project: Path, kurt_in: Callable[[Path], Kurt]
) -> None:
    skill = project / "skills" / "greeter"
    write(
        skill / "SKILL.md",
        """
        ---
        name: greeter
        description: Greets.
        implements:
          - {type: tool, class: Greet, name: greet}
        ---
        """,
    )
    write(
        skill / "skill.py",
        """
        from pathlib import Path

        from pydantic import BaseModel

        from kurt import Tool, ToolResult, register_tool

        Path(__file__).with_name("IMPORTED").write_text("yes")


        class GreetInput(BaseModel):
            name: str


        @register_tool
        class Greet(Tool[GreetInput, GreetInput]):
            name = "greet"
            InputModel = GreetInput
            OutputModel = GreetInput

            async def run(self, params, context, on_progress=None):
                return ToolResult.ok([params])
        """,
    )
    flow = write(
        project / "workflows" / "hello.toml",
        """
        [workflow]
        name = "hello"
        [[steps]]
        id = "hi"
        tool = "greet"
        input = { nmae = "Ada" }
        """,
    )
    kurt = kurt_in(project)

    # Its schema is in its code: unknown until something imported it.
    assert kurt("workflow", "validate", "hello").exit_code == 0
    assert not (skill / "IMPORTED").exists()
    # What `kurt mcp serve` does for tools/list: import it once, cache its schemas.
    from kurt.config.locations import Locations
    from kurt.runtime import Runtime
    from kurt.skills.schemas import input_schemas

    skills = Runtime(Locations.discover(project)).skills
    record = skills.provider("tool", "greet")
    assert record is not None
    assert set(input_schemas(skills, record)) == {"greet"}
    (skill / "IMPORTED").unlink()

    checked = kurt("workflow", "validate", "hello")

    assert checked.exit_code == 1
    assert checked.stderr.splitlines()[:2] == [
        f"error: {flow}:6: step 'hi': tool 'greet' takes no input 'nmae'; did you mean "
        "'name'?; 'greet' takes: name",
        f"error: {flow}:6: step 'hi': invalid input for tool 'greet': field 'name': Field required",
    ]
    assert not (skill / "IMPORTED").exists()
