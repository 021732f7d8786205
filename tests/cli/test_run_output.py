"""What ``kurt tool run``, ``kurt fetch`` and ``kurt map`` put on stdout and
stderr (SPEC section 6), through real ``kurt`` subprocesses on real skills:

- a run refused or failing before the tool starts still prints a failed
  ToolResult with ``--json`` (and the usual ``Error:`` on stderr, exit 1);
- what a tool's run() raises, nested calls' usage errors and sys.exit()
  included, is that tool's failed result (exit 1), never a usage error;
- whatever a skill prints goes to stderr, never into the JSON on stdout;
- ``--debug`` shows the traceback of a tool that crashed inside ``run()``;
- a skill whose tool has a plain ``def run``, or no models, fails to load,
  naming skill.py.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import pytest


class Outcome(NamedTuple):  # what the run_kurt and invoke fixtures return
    exit_code: int
    stdout: str
    stderr: str


Run = Callable[..., Outcome]

HEADER = """\
from pydantic import BaseModel

from kurt import (
    BaseFetcher, BaseMapper, FetchResult, MapResult, Tool, ToolResult,
    register_fetcher, register_mapper, register_tool,
)


class Say(BaseModel):
    text: str = "hi"
"""

TOOL = """
@register_tool
class {cls}(Tool[Say, Say]):
    name = {name!r}
    InputModel = Say
    OutputModel = Say

    {asynchronous}def run(self, params, context, on_progress=None):
        {body}
        return ToolResult.ok([params])
"""

FETCHER = """
@register_fetcher
class {cls}(BaseFetcher):
    name = {name!r}

    async def fetch(self, url, context):
        return FetchResult(url=url, content="fetched")
"""

MAPPER = """
@register_mapper
class {cls}(BaseMapper):
    name = {name!r}

    async def map(self, source, context):
        return MapResult(source=source, urls=[source])
"""


def write_skill(
    project: Path,
    name: str,
    *,
    kind: str = "tool",
    module_body: str = "",
    run_body: str = "pass",
    asynchronous: bool = True,
    settings: str = "",
) -> Path:
    """A skill ``name`` in ``project/skills`` providing one ``kind`` named like it."""
    cls = "".join(part.capitalize() for part in name.split("-"))
    folder = project / "skills" / name
    folder.mkdir(parents=True)
    manifest = [
        "---",
        f"name: {name}",
        f"description: The {name} skill.",
        "version: 0.1.0",
        "implements:",
        f"  - {{type: {kind}, class: {cls}, name: {name}}}",
        *([f"settings:\n  {settings}"] if settings else []),
        "---",
        "",
    ]
    (folder / "SKILL.md").write_text("\n".join(manifest), encoding="utf-8")
    template = {"tool": TOOL, "fetcher": FETCHER, "mapper": MAPPER}[kind]
    code = (
        HEADER
        + textwrap.dedent(module_body)
        + template.format(
            cls=cls, name=name, asynchronous="async " if asynchronous else "", body=run_body
        )
    )
    (folder / "skill.py").write_text(code, encoding="utf-8")
    return folder


def line_of(code: Path, text: str) -> int:
    """The number of the first line of ``code`` holding ``text``."""
    lines = code.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def refused(outcome: Outcome, tool: str, error_type: str) -> dict[str, Any]:
    """Check the failed ToolResult of a run stopped before its tool started, and
    that its message and hint are exactly what stderr shows, apart."""
    assert outcome.exit_code == 1, outcome
    result = json.loads(outcome.stdout)
    assert result["success"] is False
    assert result["data"] == []
    assert result["metadata"]["tool"] == tool
    [error] = result["errors"]
    assert error["type"] == error_type
    assert outcome.stderr == f"Error: {error['message']}\n  hint: {error['hint']}\n"
    assert "hint" not in error["message"]
    assert "Traceback" not in outcome.stderr
    assert isinstance(error, dict)
    return error


# -- a refused run still prints its ToolResult ---------------------------------


def test_untrusted_project_prints_a_failed_result(
    make_project: Callable[..., Path], run_kurt: Run
) -> None:
    root = make_project(trusted=False)
    write_skill(root, "greeter")
    outcome = run_kurt("tool", "run", "greeter", "--json", cwd=root)
    error = refused(outcome, "greeter", "UntrustedProjectError")
    assert error["message"].startswith(f"{root / 'skills' / 'greeter' / 'skill.py'}: ")
    assert error["file"] == str(root / "skills" / "greeter" / "skill.py")
    assert error["hint"] == f"review the project's skills, then trust it with: kurt trust {root}"


def test_disabled_skill_prints_a_failed_result(
    make_project: Callable[..., Path], run_kurt: Run
) -> None:
    root = make_project(toml='[skills]\ndisabled = ["greeter"]\n')
    write_skill(root, "greeter")
    outcome = run_kurt("tool", "run", "greeter", "--json", cwd=root)
    error = refused(outcome, "greeter", "SkillError")
    assert outcome.stderr == (
        f"Error: {root / 'kurt.toml'}: skill 'greeter' is disabled in kurt.toml "
        "(listed in [skills].disabled)\n"
        "  hint: enable it with: kurt config skills enable greeter\n"
    )
    assert error["hint"] == "enable it with: kurt config skills enable greeter"


def test_invalid_settings_print_a_failed_result(
    make_project: Callable[..., Path], run_kurt: Run
) -> None:
    root = make_project(toml='[skills.greeter]\nlimit = "many"\n')
    write_skill(root, "greeter", settings="limit: {type: int, default: 1}")
    outcome = run_kurt("tool", "run", "greeter", "--json", cwd=root)
    error = refused(outcome, "greeter", "ConfigError")
    assert error["file"] == str(root / "kurt.toml")
    assert "limit" in error["message"]


def test_a_skill_that_fails_to_import_prints_a_failed_result(
    make_project: Callable[..., Path], run_kurt: Run
) -> None:
    root = make_project()
    write_skill(root, "greeter", module_body="raise RuntimeError('no config here')\n")
    outcome = run_kurt("tool", "run", "greeter", "--json", cwd=root)
    error = refused(outcome, "greeter", "SkillError")
    code = root / "skills" / "greeter" / "skill.py"
    line = line_of(code, "raise RuntimeError")
    assert error["message"] == (
        f"{code}:{line}: skill 'greeter' failed to load: RuntimeError: no config here"
    )
    assert error["hint"] == "fix the skill, or disable it: kurt config skills disable greeter"
    assert (error["file"], error["line"]) == (str(code), line)


def test_fetch_with_a_disabled_engine_prints_a_failed_result(
    make_project: Callable[..., Path], run_kurt: Run
) -> None:
    root = make_project(toml='[skills]\ndisabled = ["grabber"]\n')
    write_skill(root, "grabber", kind="fetcher")
    page = root / "page.md"
    page.write_text("# Page\n", encoding="utf-8")
    outcome = run_kurt("fetch", str(page), "--engine", "grabber", "--json", cwd=root)
    refused(outcome, "fetch", "SkillError")
    assert "skill 'grabber' is disabled" in outcome.stderr


def test_map_in_an_untrusted_project_prints_a_failed_result(
    make_project: Callable[..., Path], run_kurt: Run
) -> None:
    root = make_project(trusted=False)
    write_skill(root, "lister", kind="mapper")
    outcome = run_kurt("map", "https://example.com/", "--engine", "lister", "--json", cwd=root)
    refused(outcome, "map", "UntrustedProjectError")


def test_without_json_a_refused_run_prints_only_the_error(
    make_project: Callable[..., Path], run_kurt: Run
) -> None:
    root = make_project(toml='[skills]\ndisabled = ["greeter"]\n')
    write_skill(root, "greeter")
    outcome = run_kurt("tool", "run", "greeter", cwd=root)
    assert outcome.exit_code == 1
    assert outcome.stdout == ""
    assert outcome.stderr.startswith(f"Error: {root / 'kurt.toml'}: skill 'greeter' is disabled")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["tool", "run", "greter", "--json"],
            "Error: Unknown tool 'greter'. Did you mean 'greeter'?\n",
        ),
        (
            ["tool", "run", "greeter", "-p", "txt=a", "--json"],
            "Error: Invalid input for tool 'greeter': field 'txt': Extra inputs are not "
            "permitted; did you mean 'text'?\n  hint: 'greeter' takes: text='hi'\n",
        ),
        (
            ["fetch", "page.md", "--engine", "grabbr", "--json"],
            "Error: Unknown fetcher 'grabbr'. Did you mean 'grabber'?\n",
        ),
    ],
)
def test_usage_errors_print_no_result(
    make_project: Callable[..., Path], run_kurt: Run, args: list[str], message: str
) -> None:
    root = make_project()
    write_skill(root, "greeter")
    write_skill(root, "grabber", kind="fetcher")
    outcome = run_kurt(*args, cwd=root)
    assert (outcome.exit_code, outcome.stdout, outcome.stderr) == (2, "", message)


# -- a skill's prints go to stderr -----------------------------------------------


def test_prints_of_a_skill_do_not_corrupt_the_json(
    make_project: Callable[..., Path], run_kurt: Run
) -> None:
    root = make_project()
    write_skill(
        root,
        "noisy",
        module_body="print('NOISE AT IMPORT')\n",
        run_body="print('NOISE IN RUN')",
    )
    outcome = run_kurt("tool", "run", "noisy", "-p", "text=quiet", "--json", cwd=root)
    assert outcome.exit_code == 0, outcome
    result = json.loads(outcome.stdout)
    assert result["data"] == [{"text": "quiet"}]
    assert "NOISE" not in outcome.stdout
    assert outcome.stderr.index("NOISE AT IMPORT") < outcome.stderr.index("NOISE IN RUN")


def test_prints_of_a_skill_stay_out_of_the_table(
    make_project: Callable[..., Path], run_kurt: Run
) -> None:
    root = make_project()
    write_skill(root, "noisy", module_body="print('NOISE AT IMPORT')\n")
    outcome = run_kurt("tool", "run", "noisy", cwd=root)
    assert outcome.exit_code == 0, outcome
    assert "NOISE" not in outcome.stdout
    assert "hi" in outcome.stdout
    assert "NOISE AT IMPORT" in outcome.stderr


def test_prints_of_a_fetcher_do_not_corrupt_the_json(
    make_project: Callable[..., Path], run_kurt: Run
) -> None:
    root = make_project()
    write_skill(root, "grabber", kind="fetcher", module_body="print('NOISE AT IMPORT')\n")
    outcome = run_kurt("fetch", "https://example.com/", "--engine", "grabber", "--json", cwd=root)
    assert outcome.exit_code == 0, outcome
    assert json.loads(outcome.stdout)["data"][0]["content"] == "fetched"
    assert "NOISE AT IMPORT" in outcome.stderr


# -- --debug shows where a tool crashed ------------------------------------------

CRASHING = "raise ValueError('bad ' + params.text)"


@pytest.mark.parametrize(
    ("args", "env"), [(["--debug"], {}), ([], {"KURT_DEBUG": "1"})], ids=["flag", "env"]
)
def test_debug_shows_the_traceback_of_a_crash_in_run(
    make_project: Callable[..., Path], run_kurt: Run, args: list[str], env: dict[str, str]
) -> None:
    root = make_project()
    folder = write_skill(root, "breaker", run_body=CRASHING)
    outcome = run_kurt(*args, "tool", "run", "breaker", "--json", cwd=root, env=env)
    assert outcome.exit_code == 1
    result = json.loads(outcome.stdout)
    assert result["errors"][0]["message"] == "ValueError: bad hi"
    assert "debug: kurt.core.execute: tool 'breaker' crashed\nTraceback" in outcome.stderr
    code_line = line_of(folder / "skill.py", CRASHING)
    assert f'File "{folder / "skill.py"}", line {code_line}, in run' in outcome.stderr
    assert outcome.stderr.rstrip().endswith("ValueError: bad hi")


def test_debug_shows_where_a_fetcher_crashed(
    make_project: Callable[..., Path], run_kurt: Run
) -> None:
    """fetch turns a broken engine's crash into that URL's error; --debug still shows where."""
    root = make_project()
    folder = write_skill(root, "shaky", kind="fetcher")
    code = folder / "skill.py"
    code.write_text(
        code.read_text("utf-8").replace(
            'return FetchResult(url=url, content="fetched")', "raise KeyError('no ' + url)"
        ),
        "utf-8",
    )
    quiet = run_kurt("fetch", "https://example.com/", "--engine", "shaky", "--json", cwd=root)
    assert quiet.exit_code == 1
    assert "Traceback" not in quiet.stderr
    loud = run_kurt(
        "--debug", "fetch", "https://example.com/", "--engine", "shaky", "--json", cwd=root
    )
    assert loud.exit_code == 1
    assert json.loads(loud.stdout)["errors"][0]["message"] == "KeyError: 'no https://example.com/'"
    assert "debug: kurt.tools.fetch.tool: fetcher 'shaky' crashed on https://example.com/" in (
        loud.stderr
    )
    line = line_of(code, "raise KeyError")
    assert f'File "{code}", line {line}, in fetch' in loud.stderr


def test_without_debug_a_crash_prints_no_traceback(
    make_project: Callable[..., Path], run_kurt: Run
) -> None:
    root = make_project()
    write_skill(root, "breaker", run_body=CRASHING)
    outcome = run_kurt("tool", "run", "breaker", cwd=root)
    assert outcome.exit_code == 1
    first, hint, summary = outcome.stderr.splitlines()
    assert first == "error: ValueError: bad hi"
    assert hint == "  hint: run again with --debug to see where it was raised"
    assert summary.startswith("0 item(s), 1 error(s), failed in ")
    assert outcome.stdout == ""


def test_with_debug_a_crash_needs_no_hint_to_use_it(
    make_project: Callable[..., Path], run_kurt: Run
) -> None:
    root = make_project()
    write_skill(root, "breaker", run_body=CRASHING)
    outcome = run_kurt("--debug", "tool", "run", "breaker", cwd=root)
    assert outcome.exit_code == 1
    assert "error: ValueError: bad hi\n" in outcome.stderr
    assert "--debug" not in outcome.stderr


def test_a_failure_message_of_the_tool_gets_no_debug_hint(
    make_project: Callable[..., Path], run_kurt: Run
) -> None:
    root = make_project()
    folder = write_skill(root, "refuser")
    code = folder / "skill.py"
    code.write_text(
        code.read_text("utf-8").replace(
            "return ToolResult.ok([params])", "return ToolResult.failure('nothing to say')"
        ),
        "utf-8",
    )
    outcome = run_kurt("tool", "run", "refuser", cwd=root)
    assert outcome.exit_code == 1
    first, summary = outcome.stderr.splitlines()
    assert first == "error: nothing to say"
    assert summary.startswith("0 item(s), 1 error(s), failed in ")


def test_json_of_a_crash_has_no_hint(make_project: Callable[..., Path], run_kurt: Run) -> None:
    root = make_project()
    write_skill(root, "breaker", run_body=CRASHING)
    outcome = run_kurt("tool", "run", "breaker", "--json", cwd=root)
    assert outcome.exit_code == 1
    [error] = json.loads(outcome.stdout)["errors"]
    assert error == {"message": "ValueError: bad hi", "item": None, "type": "ValueError"}
    assert outcome.stderr == ""


def test_debug_leaves_no_handler_behind(invoke: Callable[..., Outcome]) -> None:
    import logging

    logger = logging.getLogger("kurt")
    before = (list(logger.handlers), logger.level)
    assert invoke("--debug", "tool", "list", "--json").exit_code == 0
    assert (list(logger.handlers), logger.level) == before


# -- a plain `def run` is refused when the skill loads ---------------------------


def test_a_skill_with_a_plain_def_run_fails_to_load(
    make_project: Callable[..., Path], run_kurt: Run
) -> None:
    root = make_project()
    folder = write_skill(root, "sleepy", asynchronous=False)
    outcome = run_kurt("tool", "run", "sleepy", "--json", cwd=root)
    error = refused(outcome, "sleepy", "SkillError")
    code = folder / "skill.py"
    line = line_of(code, "@register_tool")  # where the decorator refuses the class
    assert error["message"] == (
        f"{code}:{line}: skill 'sleepy' failed to load: TypeError: Sleepy.run must be "
        "`async def` (Kurt awaits it); write: async def run(self, ...)"
    )
    assert error["hint"] == "fix the skill, or disable it: kurt config skills disable sleepy"


# -- a tool without models is refused when the skill loads -------------------------

MODELLESS = """\
from kurt import Tool, ToolResult, register_tool


@register_tool
class Bare(Tool):
    name = "bare"

    async def run(self, params, context, on_progress=None):
        return ToolResult.ok([])
"""

MODELLESS_ERROR = (
    "skill 'bare' failed to load: TypeError: Bare needs InputModel = <a pydantic model> "
    "and OutputModel = <a pydantic model> as class attributes "
    "(InputModel is not set; OutputModel is not set)"
)


def modelless_skill(root: Path) -> Path:
    folder = write_skill(root, "bare")
    (folder / "skill.py").write_text(MODELLESS, encoding="utf-8")
    return folder / "skill.py"


def test_a_skill_whose_tool_has_no_models_fails_to_load(
    make_project: Callable[..., Path], run_kurt: Run
) -> None:
    root = make_project()
    code = modelless_skill(root)
    line = line_of(code, "@register_tool")
    outcome = run_kurt("tool", "run", "bare", "--json", cwd=root)
    error = refused(outcome, "bare", "SkillError")
    assert error["message"] == f"{code}:{line}: {MODELLESS_ERROR}"
    assert (error["file"], error["line"]) == (str(code), line)


def test_skill_validate_reports_a_tool_without_models(
    make_project: Callable[..., Path], run_kurt: Run
) -> None:
    root = make_project()
    code = modelless_skill(root)
    outcome = run_kurt("skill", "validate", "bare", "--json", cwd=root)
    assert outcome.exit_code == 1, outcome
    assert "Traceback" not in outcome.stderr
    [report] = json.loads(outcome.stdout)
    assert report["valid"] is False
    assert report["errors"] == [
        {"file": str(code), "line": line_of(code, "@register_tool"), "message": MODELLESS_ERROR}
    ]


# -- what a tool's run() raises is that tool's failed result -----------------------


def test_sys_exit_in_run_is_a_failed_result(
    make_project: Callable[..., Path], run_kurt: Run
) -> None:
    root = make_project()
    write_skill(root, "quitter", module_body="import sys\n", run_body="sys.exit(0)")
    outcome = run_kurt("tool", "run", "quitter", "--json", cwd=root)
    assert outcome.exit_code == 1, outcome
    result = json.loads(outcome.stdout)
    assert result["success"] is False
    assert result["errors"] == [
        {"message": "run() called sys.exit(0)", "item": None, "type": "SystemExit"}
    ]
    plain = run_kurt("tool", "run", "quitter", cwd=root)
    assert plain.exit_code == 1
    assert plain.stderr.splitlines()[:2] == [
        "error: run() called sys.exit(0)",
        "  hint: run again with --debug to see where it was raised",
    ]


NESTED_INPUT = (
    "Invalid input for tool 'fetch': field 'urls': give at least one URL, or set 'pending'"
)


@pytest.mark.parametrize(
    ("call", "message", "error_type"),
    [
        ('await context.run_tool("fetch", {"urls": []})', NESTED_INPUT, "ToolInputError"),
        (
            'await context.run_tool("fecth", {})',
            "Unknown tool 'fecth'. Did you mean 'fetch'?",
            "UnknownNameError",
        ),
        (
            'await context.run_tool("fetch", {"urls": ["a.md"], "engine": "htpx"})',
            "Unknown fetcher 'htpx'. Did you mean 'httpx'?",
            "UnknownNameError",
        ),
    ],
    ids=["invalid-input", "unknown-tool", "unknown-engine"],
)
def test_a_nested_usage_error_is_the_outer_tools_failure(
    make_project: Callable[..., Path], run_kurt: Run, call: str, message: str, error_type: str
) -> None:
    root = make_project()
    write_skill(root, "outer", run_body=call)
    outcome = run_kurt("tool", "run", "outer", "--json", cwd=root)
    assert outcome.exit_code == 1, outcome
    assert "Traceback" not in outcome.stderr
    result = json.loads(outcome.stdout)
    assert (result["success"], result["data"]) == (False, [])
    assert result["metadata"]["tool"] == "outer"
    [error] = result["errors"]
    assert error["type"] == error_type
    assert error["message"].split("\n")[0] == message


def test_a_nested_usage_error_reads_well_without_json(
    make_project: Callable[..., Path], run_kurt: Run
) -> None:
    root = make_project()
    write_skill(root, "outer", run_body='await context.run_tool("fetch", {"urls": []})')
    outcome = run_kurt("tool", "run", "outer", cwd=root)
    assert outcome.exit_code == 1, outcome
    assert outcome.stdout == ""
    lines = outcome.stderr.splitlines()
    assert lines[0] == f"error: {NESTED_INPUT}"
    assert lines[1].startswith("  hint: 'fetch' takes: urls=[], engine=None, pending=False, ")
    assert lines[1].endswith("; its schema: kurt tool info fetch")
    assert lines[2].startswith("0 item(s), 1 error(s), failed in ")
    assert len(lines) == 3


def test_a_nested_call_that_succeeds_runs_the_inner_tool(
    make_project: Callable[..., Path], run_kurt: Run
) -> None:
    root = make_project()
    (root / "page.md").write_text("# Page\n\nSome words.\n", encoding="utf-8")
    body = (
        'inner = await context.run_tool("fetch", {"urls": ["page.md"]})\n'
        "        params = Say(text=str(inner.success) + ' ' + str(len(inner.data)))"
    )
    write_skill(root, "outer", run_body=body)
    outcome = run_kurt("tool", "run", "outer", "--json", cwd=root)
    assert outcome.exit_code == 0, outcome
    assert json.loads(outcome.stdout)["data"] == [{"text": "True 1"}]


def test_the_inner_tools_failed_result_is_returned_to_the_caller(
    make_project: Callable[..., Path], run_kurt: Run
) -> None:
    root = make_project()
    write_skill(root, "breaker", run_body=CRASHING)
    body = 'inner = await context.run_tool("breaker", {"text": "inside"})\n        return inner'
    write_skill(root, "outer", run_body=body)
    outcome = run_kurt("tool", "run", "outer", "--json", cwd=root)
    assert outcome.exit_code == 1, outcome
    result = json.loads(outcome.stdout)
    assert result["errors"] == [
        {"message": "ValueError: bad inside", "item": None, "type": "ValueError"}
    ]
    assert result["metadata"]["tool"] == "outer"


RAISING_FETCHER = """
import asyncio
import sys


class Custom(BaseException):
    pass


@register_fetcher
class Raiser(BaseFetcher):
    name = "raiser"

    async def fetch(self, url, context):
        kind = url.rsplit("/", 1)[-1]
        if kind == "exit":
            sys.exit(0)
        if kind == "generator":
            raise GeneratorExit()
        if kind == "custom":
            raise Custom("from the skill")
        if kind == "cancelled":
            raise asyncio.CancelledError()
        return FetchResult(url=url, content="fine")
"""


def test_base_exceptions_of_a_fetcher_fail_their_url_never_kurt(
    make_project: Callable[..., Path], run_kurt: Run
) -> None:
    # sys.exit(0) in an asyncio task used to end Kurt with exit 0 and no word;
    # the others printed a raw traceback.
    root = make_project()
    folder = root / "skills" / "raiser"
    folder.mkdir(parents=True)
    (folder / "SKILL.md").write_text(
        "---\nname: raiser\ndescription: Raises.\n"
        "implements:\n  - {type: fetcher, class: Raiser, name: raiser}\n---\n",
        encoding="utf-8",
    )
    (folder / "skill.py").write_text(HEADER + RAISING_FETCHER, encoding="utf-8")
    urls = [
        f"https://example.invalid/{kind}"
        for kind in ("exit", "generator", "custom", "cancelled", "ok")
    ]
    outcome = run_kurt("fetch", "--engine", "raiser", *urls, "--json", cwd=root)
    assert outcome.exit_code == 0, outcome  # one URL fetched: the run succeeded in part
    assert "Traceback" not in outcome.stderr
    result = json.loads(outcome.stdout)
    assert [item["url"] for item in result["data"]] == [urls[-1]]
    assert [(e["item"], e["message"], e["type"]) for e in result["errors"]] == [
        (urls[0], "fetch() called sys.exit(0)", "SystemExit"),
        (urls[1], "GeneratorExit", "GeneratorExit"),
        (urls[2], "Custom: from the skill", "Custom"),
        (urls[3], "CancelledError", "CancelledError"),
    ]
    alone = run_kurt("fetch", "--engine", "raiser", urls[0], cwd=root)
    assert alone.exit_code == 1, alone
    assert "fetch() called sys.exit(0)" in alone.stderr


def test_a_custom_base_exception_in_run_is_a_failed_result_and_an_interrupt_exits_130(
    make_project: Callable[..., Path], run_kurt: Run
) -> None:
    root = make_project()
    write_skill(
        root,
        "strange",
        module_body="class Odd(BaseException):\n    pass\n",
        run_body="raise Odd('not an Exception')",
    )
    outcome = run_kurt("tool", "run", "strange", "--json", cwd=root)
    assert outcome.exit_code == 1, outcome
    assert "Traceback" not in outcome.stderr
    assert json.loads(outcome.stdout)["errors"] == [
        {"message": "Odd: not an Exception", "item": None, "type": "Odd"}
    ]
    write_skill(root, "stopper", run_body="raise KeyboardInterrupt")
    stopped = run_kurt("tool", "run", "stopper", cwd=root)
    assert stopped.exit_code == 130, stopped
    assert "Traceback" not in stopped.stderr
