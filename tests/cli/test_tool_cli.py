"""``kurt tool list | info | run`` (SPEC section 6), in-process on tools the
test registers, and through real subprocesses."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kurt.registry import attributed_to, register_tool
from samples import Crash, Greet

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture(autouse=True)
def tools() -> None:
    register_tool(Greet)
    register_tool(Crash)
    # As if skill "whisperer" provided it (listing and info need no skill code).
    with attributed_to("whisperer"):
        register_tool(name="whisper", description="Greet someone quietly.")(Greet)


def result_of(stdout: str) -> dict[str, Any]:
    parsed = json.loads(stdout)
    assert isinstance(parsed, dict)
    assert set(parsed) >= {"success", "data", "errors", "metadata"}
    return parsed


# -- tool run ------------------------------------------------------------------


def test_run_with_params_prints_the_result_as_json(invoke: Run) -> None:
    code, stdout, stderr = invoke("tool", "run", "greet", "-p", "name=Ada", "--json")
    assert (code, stderr) == (0, "")
    result = result_of(stdout)
    assert result["success"] is True
    assert result["data"] == [{"greeting": "Hello, Ada!", "tags": []}]
    assert result["errors"] == []
    assert result["metadata"]["tool"] == "greet"
    assert result["metadata"]["duration_ms"] >= 0


def test_run_with_input_json(invoke: Run) -> None:
    code, stdout, _ = invoke(
        "tool", "run", "greet", "--input", '{"name": "Bo", "times": 2}', "--json"
    )
    assert code == 0
    assert [item["greeting"] for item in result_of(stdout)["data"]] == ["Hello, Bo!"] * 2


def test_params_win_over_input_and_convert_through_the_model(invoke: Run) -> None:
    code, stdout, _ = invoke(
        "tool", "run", "greet", "--input", '{"name": "Bo", "times": 3}', "-p", "times=1", "--json"
    )
    assert code == 0
    assert len(result_of(stdout)["data"]) == 1


def test_a_repeated_param_becomes_a_list_and_json_values_are_parsed(invoke: Run) -> None:
    code, stdout, _ = invoke(
        "tool", "run", "greet", "-p", "name=Cy", "-p", "tags=a", "-p", "tags=b", "--json"
    )
    assert result_of(stdout)["data"][0]["tags"] == ["a", "b"]
    code, stdout, _ = invoke(
        "tool", "run", "greet", "-p", "name=Cy", "-p", 'tags=["x", "y"]', "--json"
    )
    assert (code, result_of(stdout)["data"][0]["tags"]) == (0, ["x", "y"])


def test_run_without_json_prints_a_table_and_a_summary(invoke: Run) -> None:
    code, stdout, stderr = invoke("tool", "run", "greet", "-p", "name=Di")
    assert code == 0
    assert "Hello, Di!" in stdout
    assert re.fullmatch(r"1 item\(s\), 0 error\(s\), ok in \d+ ms\n", stderr)


def test_bad_param_exits_2_naming_the_field(invoke: Run) -> None:
    assert invoke("tool", "run", "greet", "-p", "name=Ed", "-p", "times=often") == (
        2,
        "",
        "Error: Invalid input for tool 'greet': field 'times': Input should be a valid "
        "integer, unable to parse string as an integer (got 'often')\n"
        "  hint: 'greet' takes: name (required), times=1, tags=[]; "
        "its schema: kurt tool info greet\n",
    )


def test_missing_field_exits_2_naming_it(invoke: Run) -> None:
    code, stdout, stderr = invoke("tool", "run", "greet", "--json")
    assert (code, stdout) == (2, "")
    assert stderr.startswith("Error: Invalid input for tool 'greet': field 'name': Field required")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-p", "name"], "Error: -p expects key=value, got 'name'"),
        (["-p", "=x"], "Error: -p expects key=value, got '=x'"),
        (["--input", "{name"], "Error: --input is not valid JSON: "),
        (["--input", "[1, 2]"], "Error: --input must be a JSON object"),
    ],
)
def test_malformed_input_is_a_usage_error(invoke: Run, args: list[str], message: str) -> None:
    code, stdout, stderr = invoke("tool", "run", "greet", *args)
    assert (code, stdout) == (2, "")
    assert stderr.startswith(message)
    assert "Traceback" not in stderr


def test_a_failing_tool_exits_1_and_still_prints_json(invoke: Run) -> None:
    code, stdout, stderr = invoke("tool", "run", "crash", "-p", "name=mars", "--json")
    assert (code, stderr) == (1, "")
    result = result_of(stdout)
    assert result["success"] is False
    assert result["errors"][0]["message"] == "ConnectionError: cannot reach mars"
    assert result["metadata"]["skill"] is None


def test_a_failing_tool_without_json_reports_on_stderr(invoke: Run) -> None:
    code, _, stderr = invoke("tool", "run", "crash", "-p", "name=mars")
    assert code == 1
    assert stderr.startswith("error: ConnectionError: cannot reach mars\n")
    assert "Traceback" not in stderr


def test_unknown_tool_exits_2_with_did_you_mean(invoke: Run) -> None:
    assert invoke("tool", "run", "gret", "-p", "name=x") == (
        2,
        "",
        "Error: Unknown tool 'gret'. Did you mean 'greet'?\n",
    )


# -- tool list and tool info ---------------------------------------------------------


def test_list_json_has_the_documented_keys(invoke: Run) -> None:
    code, stdout, _ = invoke("tool", "list", "--json")
    assert code == 0
    rows = json.loads(stdout)
    assert {
        "kind": "tool",
        "name": "greet",
        "skill": None,
        "description": "Greet someone politely.",
    } in rows
    assert {
        "kind": "tool",
        "name": "whisper",
        "skill": "whisperer",
        "description": "Greet someone quietly.",
    } in rows
    for row in rows:
        assert set(row) >= {"kind", "name", "skill", "description"}
        assert row["kind"] in {"tool", "fetcher", "mapper"}


def test_list_as_a_table(invoke: Run) -> None:
    code, stdout, _ = invoke("tool", "list")
    assert code == 0
    # Not a terminal: plain aligned columns (kurt.cli.plain), one row a line.
    assert stdout.splitlines()[0].split() == ["kind", "name", "skill", "description"]
    assert re.search(r"^tool +greet +\(built-in\) +Greet someone politely\.$", stdout, re.M)
    assert re.search(r"^tool +whisper +whisperer +Greet someone quietly\.$", stdout, re.M)


def test_info_json_includes_the_input_schema(invoke: Run) -> None:
    code, stdout, _ = invoke("tool", "info", "greet", "--json")
    assert code == 0
    [row] = json.loads(stdout)
    assert (row["kind"], row["name"], row["skill"]) == ("tool", "greet", None)
    assert row["description"] == "Greet someone politely."
    schema = row["input_schema"]
    assert schema["required"] == ["name"]
    assert schema["properties"]["times"]["description"] == "How many greetings."


def test_info_for_people(invoke: Run) -> None:
    code, stdout, _ = invoke("tool", "info", "whisper")
    assert code == 0
    assert stdout.startswith(
        "tool whisper\n  skill:       whisperer\n  description: Greet someone quietly.\n"
    )
    # SPEC section 6: the input fields as a table (name, type, required, default,
    # description); --json keeps the whole JSON Schema.
    rows = [line.split() for line in stdout.splitlines()[4:]]
    assert rows == [
        ["field", "type", "required", "default", "description"],
        ["name", "str", "yes", "Who", "to", "greet."],
        ["times", "int", "no", "1", "How", "many", "greetings."],
        ["tags", "list[str]", "no"],
    ]


def test_info_of_an_unknown_name_exits_2_with_did_you_mean(invoke: Run) -> None:
    assert invoke("tool", "info", "gret") == (
        2,
        "",
        "Error: Unknown tool 'gret'. Did you mean 'greet'?\n",
    )


# -- real subprocesses -------------------------------------------------------------


def test_list_json_in_a_subprocess(run_kurt: Run) -> None:
    code, stdout, stderr = run_kurt("tool", "list", "--json")
    assert (code, stderr) == (0, "")
    for row in json.loads(stdout):
        assert set(row) >= {"kind", "name", "skill", "description"}


def test_info_of_an_unknown_name_in_a_subprocess(run_kurt: Run) -> None:
    code, stdout, stderr = run_kurt("tool", "info", "no-such-tool-here")
    assert (code, stdout) == (2, "")
    assert stderr.startswith("Error: Unknown tool 'no-such-tool-here'.")


def test_a_misspelt_input_field_gets_a_did_you_mean(run_kurt: Run) -> None:
    code, stdout, stderr = run_kurt("tool", "run", "map", "-p", "sorce=docs")
    assert (code, stdout) == (2, "")
    assert stderr == (
        "Error: Invalid input for tool 'map': field 'source': Field required; "
        "field 'sorce': Extra inputs are not permitted; did you mean 'source'?\n"
        "  hint: 'map' takes: source (required), engine=None, depth=None, max_urls=None, "
        "include=None, exclude=None, fetch=False; its schema: kurt tool info map\n"
    )


# A script that registers a tool, then runs the CLI as `kurt` would: the test
# suite's own tool through a real process, its exit code and its streams.
REGISTER_AND_RUN = """
    import sys
    from pydantic import BaseModel
    from kurt import Tool, ToolResult, register_tool
    from kurt.__main__ import main

    class In(BaseModel):
        count: int

    @register_tool
    class Double(Tool[In, In]):
        "Double a number."
        name = "double"
        InputModel = In
        OutputModel = In

        async def run(self, params, context, on_progress=None):
            if params.count < 0:
                raise ValueError("negative")
            return ToolResult.ok([In(count=params.count * 2)])

    sys.exit(main(sys.argv[1:]))
"""


DOUBLE = ("tool", "run", "double")


@pytest.mark.parametrize(
    ("params", "exit_code"), [("count=21", 0), ("count=-1", 1), ("count=many", 2)]
)
def test_run_in_a_subprocess(params: str, exit_code: int) -> None:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(REGISTER_AND_RUN), *DOUBLE, "-p", params, "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == exit_code
    assert "Traceback" not in done.stderr
    if exit_code == 0:
        assert result_of(done.stdout)["data"] == [{"count": 42}]
    elif exit_code == 1:
        assert result_of(done.stdout)["errors"][0]["message"] == "ValueError: negative"
    else:
        assert done.stdout == ""
        assert done.stderr.startswith("Error: Invalid input for tool 'double': field 'count': ")


def test_kurts_own_descriptions_are_known_without_importing_them() -> None:
    # tool list reads kurt.kinds instead of importing httpx and trafilatura.
    from kurt.kinds import OWN_DESCRIPTIONS
    from kurt.registry import REGISTRIES

    described = {
        kind: {entry.name: entry.description for entry in registry if entry.kurts_own}
        for kind, registry in REGISTRIES.items()
    }
    assert described == OWN_DESCRIPTIONS


def test_tool_list_imports_neither_kurts_engines_nor_the_registries(tmp_path: Path) -> None:
    script = (
        "import sys; from kurt.cli.app import run; run(['tool', 'list', '--json']); "
        "heavy = {'httpx', 'trafilatura', 'kurt.registry', 'pydantic_settings', 'rich'}; "
        "print(sorted(heavy & set(sys.modules)), file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert done.stderr.strip() == "[]"
    rows = {row["name"]: row for row in json.loads(done.stdout)}
    assert rows["trafilatura"]["kind"] == "fetcher"
    assert rows["trafilatura"]["skill"] is None


def test_info_of_a_skills_tool_imports_that_skill_in_a_trusted_project_only(
    make_project: Callable[..., Path], run_kurt: Callable[..., Any]
) -> None:
    """SPEC section 6: the fields of a skill's tool, once the project is trusted."""
    for trusted in (True, False):
        root = make_project(f"info-{trusted}", trusted=trusted)
        assert run_kurt("skill", "new", "hello-tool", cwd=root).exit_code == 0
        done = run_kurt("tool", "info", "hello-tool", "--json", cwd=root)
        assert done.exit_code == 0, done.stderr
        (row,) = json.loads(done.stdout)
        if trusted:
            assert list(row["input_schema"]["properties"]) == ["name"]
            assert "note" not in row
        else:
            assert row["input_schema"] is None
            assert row["note"] == (
                "the input fields are shown once you trust the project: "
                f"kurt trust {root.resolve()}"
            )
