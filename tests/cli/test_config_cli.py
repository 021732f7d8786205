"""``kurt config skills`` and ``kurt config schema``, end to end (real
subprocesses where it matters: concurrency, imports, exit codes)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import textwrap
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

SECRET = "hunter2-very-secret"

TOOL_CODE = """
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from kurt import Tool, ToolResult, register_tool

Path(__file__).with_name("IMPORTED").write_text("yes")


class Params(BaseModel):
    pass


@register_tool
class SettingsTool(Tool[Params, Params]):
    name = "{tool}"
    description = "Report the settings this skill sees"
    InputModel = Params
    OutputModel = Params

    async def run(self, params: Any, context: Any, on_progress: Any = None) -> ToolResult:
        return ToolResult(success=True, data=[context.settings.model_dump(mode="json")])
"""

ARCHIVER_SETTINGS = """\
settings:
  timeout: {type: float, default: 30, description: "Seconds per request"}
  token: {type: str, secret: true, env: WAYBACK_TOKEN, required: false}
  retries: {type: int, default: 2}
  tags: {type: list, default: []}
"""


def add_skill(root: Path, name: str, settings: str = "", tool: str | None = None) -> Path:
    """A skill folder under ``root/skills`` (with a tool when ``tool`` is given)."""
    folder = root / "skills" / name
    folder.mkdir(parents=True)
    implements = (
        f"implements:\n  - {{type: tool, class: SettingsTool, name: {tool}}}\n" if tool else ""
    )
    (folder / "SKILL.md").write_text(
        f"---\nname: {name}\ndescription: Skill {name}.\n{implements}{settings}---\nDocs.\n",
        encoding="utf-8",
    )
    if tool:
        (folder / "skill.py").write_text(TOOL_CODE.replace("{tool}", tool), encoding="utf-8")
    return folder


PROJECT_TOML = """\
# The demo project: comments stay where they are.
[fetch]
timeout = 10  # seconds

[skills.web-archiver]
timeout = 45  # slow archive
"""


@pytest.fixture
def demo(make_project: Callable[..., Path]) -> Path:
    root = make_project("demo", PROJECT_TOML)
    add_skill(root, "web-archiver", ARCHIVER_SETTINGS, tool="archive")
    add_skill(root, "crawler", "settings:\n  depth: {type: int, default: 1}\n", tool="crawl")
    return root


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(run_kurt: Callable[..., Any], root: Path, **env: str) -> dict[str, Any]:
    outcome = run_kurt("config", "skills", "--json", cwd=root, env=env)
    assert outcome.exit_code == 0, outcome.stderr
    data: dict[str, Any] = json.loads(outcome.stdout)
    return data


def skill_row(data: dict[str, Any], name: str) -> dict[str, Any]:
    row: dict[str, Any] = next(row for row in data["skills"] if row["name"] == name)
    return row


# -- listing -------------------------------------------------------------------------------


def test_json_has_the_documented_shape(run_kurt: Callable[..., Any], demo: Path) -> None:
    data = listing(run_kurt, demo, WAYBACK_TOKEN=SECRET)
    assert {"paths", "skills"} <= set(data)
    assert data["paths"][0] == {
        "path": str(demo / "skills"),
        "source": "project",
        "exists": True,
    }
    assert {"path", "source", "exists"} <= set(data["paths"][1])
    row = skill_row(data, "web-archiver")
    assert {"name", "enabled", "reason", "settings", "problems"} <= set(row)
    assert row["enabled"] is True
    assert row["reason"] == "default"
    assert row["settings"] == {"timeout": 45.0, "token": "***", "retries": 2, "tags": []}
    assert row["sources"] == {
        "timeout": "project",
        "token": "env:WAYBACK_TOKEN",
        "retries": "default",
        "tags": "default",
    }
    assert row["problems"] == []


def test_secrets_are_masked_in_table_and_json(run_kurt: Callable[..., Any], demo: Path) -> None:
    (demo / "kurt.toml").write_text(PROJECT_TOML + f'token = "{SECRET}"\n', encoding="utf-8")
    for args in (("config", "skills"), ("config", "skills", "--json")):
        outcome = run_kurt(*args, cwd=demo)
        assert outcome.exit_code == 0
        assert SECRET not in outcome.stdout + outcome.stderr
        assert "***" in outcome.stdout


def test_settings_problems_are_listed_without_echoing_secrets(
    run_kurt: Callable[..., Any], demo: Path
) -> None:
    (demo / "kurt.toml").write_text(
        '[skills.web-archiver]\ntimeout = "slow"\nretrys = 3\n', encoding="utf-8"
    )
    row = skill_row(
        listing(run_kurt, demo, KURT_SKILLS__WEB_ARCHIVER__TOKEN=SECRET), "web-archiver"
    )
    problems = "\n".join(row["problems"])
    assert "'skills.web-archiver.timeout'" in problems
    assert "expected float" in problems
    assert "unknown setting 'skills.web-archiver.retrys'; did you mean 'retries'?" in problems
    assert SECRET not in json.dumps(row)


LLM_TABLES = """\
[skills.web-archiver.llm]
timeout = "soon"
max_tokens = -1
modle = "x"
model = "nocolon"

[skills.crawler.llm]
model = "openai:gpt-4o-mini"
"""


def test_a_skills_llm_table_is_checked_with_its_other_problems(
    invoke: Callable[..., Any], demo: Path, kurt_home: Path
) -> None:
    toml, user = demo / "kurt.toml", kurt_home / "kurt.toml"
    toml.write_text(PROJECT_TOML + "\n" + LLM_TABLES, encoding="utf-8")
    user.write_text("[skills.crawler.llm]\nmax_tokens = 0\n", encoding="utf-8")
    outcome = invoke("--project", str(demo), "config", "skills", "--json")
    assert outcome.exit_code == 0, outcome.stderr
    data = json.loads(outcome.stdout)
    fix = "  hint: fix the value in that file; `kurt config schema` lists every section and key"
    assert skill_row(data, "web-archiver")["problems"] == [
        f"{toml}:9: invalid value for 'skills.web-archiver.llm.timeout': Input should be a "
        f"valid number, unable to parse string as a number (got 'soon')\n{fix}",
        f"{toml}:10: invalid value for 'skills.web-archiver.llm.max_tokens': Input should be "
        f"greater than 0 (got -1)\n{fix}",
        f"{toml}:11: unknown key 'skills.web-archiver.llm.modle'; did you mean 'model'?\n"
        "  hint: keys of [skills.web-archiver.llm]: model, timeout, max_tokens",
        f"{toml}:12: invalid value for 'skills.web-archiver.llm.model': expected "
        '"provider:model" (e.g. "openai:nocolon") (got \'nocolon\')\n' + fix,
    ]
    # The project's good table does not excuse the user's bad one.
    assert skill_row(data, "crawler")["problems"] == [
        f"{user}:2: invalid value for 'skills.crawler.llm.max_tokens': Input should be "
        f"greater than 0 (got 0)\n{fix}"
    ]
    table = invoke("--project", str(demo), "config", "skills")
    assert table.exit_code == 0, table.stderr
    flat = " ".join(table.stdout.split())  # the problems column wraps
    assert "unknown key 'skills.web-archiver.llm.modle'; did you mean 'model'?" in flat
    assert f"{user}:2: invalid value for 'skills.crawler.llm.max_tokens'" in flat


def test_an_untrusted_projects_llm_table_is_checked_though_not_applied(
    invoke: Callable[..., Any], make_project: Callable[..., Path]
) -> None:
    root = make_project("cloned", "[skills.asker.llm]\ntimeout = -5\n", trusted=False)
    add_skill(root, "asker")
    outcome = invoke("--project", str(root), "config", "skills", "--json")
    assert outcome.exit_code == 0, outcome.stderr
    assert skill_row(json.loads(outcome.stdout), "asker")["problems"] == [
        f"not applied: {root / 'kurt.toml'}:2: invalid value for 'skills.asker.llm.timeout': "
        "Input should be greater than 0 (got -5)\n"
        "  hint: fix the value in that file; `kurt config schema` lists every section and key"
    ]


def test_listing_imports_no_skill_code_even_untrusted(
    run_kurt: Callable[..., Any], make_project: Callable[..., Path]
) -> None:
    root = make_project("untrusted", PROJECT_TOML, trusted=False)
    folder = add_skill(root, "web-archiver", ARCHIVER_SETTINGS, tool="archive")
    for args in (("config", "skills"), ("config", "skills", "--json"), ("config", "schema")):
        outcome = run_kurt(*args, cwd=root)
        assert outcome.exit_code == 0, outcome.stderr
    assert not (folder / "IMPORTED").exists()


def test_enabled_and_disabled_semantics(run_kurt: Callable[..., Any], demo: Path) -> None:
    toml = demo / "kurt.toml"
    toml.write_text('[skills]\nenabled = ["crawler"]\n', encoding="utf-8")
    data = listing(run_kurt, demo)
    assert (skill_row(data, "crawler")["enabled"], skill_row(data, "crawler")["reason"]) == (
        True,
        "allow-list",
    )
    assert skill_row(data, "web-archiver")["reason"] == "not-in-allow-list"
    # `disabled` wins over `enabled`, and the user's list counts too (union).
    (demo.parent / "kurt-home" / "kurt.toml").write_text(
        '[skills]\ndisabled = ["crawler"]\n', encoding="utf-8"
    )
    row = skill_row(listing(run_kurt, demo), "crawler")
    assert (row["enabled"], row["reason"]) == (False, "disabled-list")


def test_unknown_skill_tables_are_reported(run_kurt: Callable[..., Any], demo: Path) -> None:
    (demo / "kurt.toml").write_text("[skills.web-archivr]\ntimeout = 1\n", encoding="utf-8")
    data = listing(run_kurt, demo)
    assert data["problems"] == [
        f"{demo / 'kurt.toml'}: [skills.web-archivr] configures no discovered skill; "
        "did you mean 'web-archiver'?"
    ]


# -- edits ---------------------------------------------------------------------------------


def test_disable_then_enable_restores_the_file(run_kurt: Callable[..., Any], demo: Path) -> None:
    toml = demo / "kurt.toml"
    before = digest(toml)
    outcome = run_kurt("config", "skills", "disable", "crawler", cwd=demo)
    assert outcome == (0, f"Disabled 'crawler' in {toml}.\n", "")
    assert tomllib.loads(toml.read_text("utf-8"))["skills"]["disabled"] == ["crawler"]
    assert "# slow archive" in toml.read_text("utf-8")
    row = skill_row(listing(run_kurt, demo), "crawler")
    assert (row["enabled"], row["reason"]) == (False, "disabled-list")
    again = run_kurt("config", "skills", "disable", "crawler", cwd=demo)
    assert again.stdout == f"'crawler' is already disabled in {toml}; nothing to change.\n"
    assert run_kurt("config", "skills", "enable", "crawler", cwd=demo).exit_code == 0
    assert digest(toml) == before


def test_set_reads_toml_values_else_strings(run_kurt: Callable[..., Any], demo: Path) -> None:
    toml = demo / "kurt.toml"
    for key, value in (("retries", "5"), ("tags", '["a", "b"]'), ("token", "plain text")):
        outcome = run_kurt("config", "skills", "set", "web-archiver", key, value, cwd=demo)
        assert outcome.exit_code == 0, outcome.stderr
    table = tomllib.loads(toml.read_text("utf-8"))["skills"]["web-archiver"]
    assert table == {"timeout": 45, "retries": 5, "tags": ["a", "b"], "token": "plain text"}
    outcome = run_kurt("config", "skills", "set", "web-archiver", "token", SECRET, cwd=demo)
    assert outcome.stdout == f"Set skills.web-archiver.token = *** in {toml}.\n"
    assert run_kurt("config", "skills", "unset", "web-archiver", "retries", cwd=demo).stdout == (
        f"Removed skills.web-archiver.retries from {toml}.\n"
    )


def test_user_flag_edits_the_user_file(
    run_kurt: Callable[..., Any], demo: Path, kurt_home: Path
) -> None:
    before = digest(demo / "kurt.toml")
    outcome = run_kurt("config", "skills", "set", "--user", "crawler", "depth", "3", cwd=demo)
    assert outcome.exit_code == 0, outcome.stderr
    assert (kurt_home / "kurt.toml").read_text("utf-8") == "[skills.crawler]\ndepth = 3\n"
    assert digest(demo / "kurt.toml") == before
    row = skill_row(listing(run_kurt, demo), "crawler")
    assert (row["settings"], row["sources"]) == ({"depth": 3}, {"depth": "user"})


REFUSALS = [
    (
        ("set", "web-archiver", "timeout", "fast"),
        1,
        "Error: {toml}: invalid value for 'skills.web-archiver.timeout': expected float, "
        'found "fast" (str) (Input should be a valid number)\n'
        "  hint: write a value of type float, for example: "
        "kurt config skills set web-archiver timeout 2.5\n",
    ),
    (
        ("set", "web-archiver", "timout", "3"),
        2,
        "Error: Unknown setting 'timout' of skill 'web-archiver'. Did you mean 'timeout'?\n"
        "  hint: settings of 'web-archiver': retries, tags, timeout, token\n",
    ),
    (
        ("set", "web-archiver", "token", "5"),
        1,
        "Error: {toml}: invalid value for 'skills.web-archiver.token': expected str, "
        "found a value of type int (hidden: the setting is secret)\n"
        '  hint: a number is not text: quote it, in kurt.toml as "12345", or: '
        "kurt config skills set web-archiver token '\"12345\"'\n",
    ),
    (
        ("enable", "web-archivr"),
        2,
        "Error: Unknown skill 'web-archivr'. Did you mean 'web-archiver'?\n",
    ),
    (
        ("disable", "paths"),
        2,
        "Error: 'paths' is a reserved key of [skills], not a skill name.\n"
        "  hint: edit `paths` by hand in kurt.toml\n",
    ),
    (
        ("set", "nope", "k", "1"),
        2,
        "Error: Unknown skill 'nope'.\n  hint: see every skill with: kurt skill list\n",
    ),
]


@pytest.mark.parametrize(("args", "code", "message"), REFUSALS)
def test_refused_edits_exit_with_a_message_and_leave_the_file_byte_identical(
    run_kurt: Callable[..., Any], demo: Path, args: tuple[str, ...], code: int, message: str
) -> None:
    toml = demo / "kurt.toml"
    before = digest(toml)
    outcome = run_kurt("config", "skills", *args, cwd=demo)
    assert (outcome.exit_code, outcome.stdout) == (code, "")
    assert outcome.stderr == message.format(toml=toml)
    assert digest(toml) == before


def test_unsetting_a_required_setting_is_refused(
    run_kurt: Callable[..., Any], make_project: Callable[..., Path]
) -> None:
    root = make_project("req", '[skills.keyed]\napi-key = "abc"  # needed\n')
    add_skill(root, "keyed", "settings:\n  api-key: {type: str, required: true}\n")
    toml = root / "kurt.toml"
    before = digest(toml)
    outcome = run_kurt("config", "skills", "unset", "keyed", "api-key", cwd=root)
    assert outcome.exit_code == 1
    assert outcome.stderr.startswith(
        f"Error: edit refused, the file is unchanged: {toml}: missing required setting "
        "'skills.keyed.api-key' (expected str)"
    )
    assert digest(toml) == before
    # With the value in the environment, the file may drop it.
    done = run_kurt(
        "config", "skills", "unset", "keyed", "api-key", cwd=root,
        env={"KURT_SKILLS__KEYED__API_KEY": "from-env"},
    )  # fmt: skip
    assert done.exit_code == 0, done.stderr


def test_malformed_kurt_toml_is_an_error_with_line_and_column(
    run_kurt: Callable[..., Any], demo: Path
) -> None:
    toml = demo / "kurt.toml"
    toml.write_text("[skills]\ndisabled = = 1\n", encoding="utf-8")
    before = digest(toml)
    outcome = run_kurt("config", "skills", "disable", "crawler", cwd=demo)
    assert outcome.exit_code == 1
    assert outcome.stderr.startswith(f"Error: {toml}:2:12: invalid TOML")
    assert "Traceback" not in outcome.stderr
    assert digest(toml) == before


def test_edits_outside_a_project_are_a_usage_error(
    run_kurt: Callable[..., Any], tmp_path: Path
) -> None:
    outcome = run_kurt("config", "skills", "disable", "x", cwd=tmp_path)
    assert outcome.exit_code == 2
    assert outcome.stderr.startswith(
        "Error: Not in a Kurt project: no kurt.toml here or in any parent folder."
    )


def test_twenty_concurrent_disables_are_all_recorded(
    make_project: Callable[..., Path],
) -> None:
    root = make_project("busy", "# many writers at once\n[fetch]\ntimeout = 3\n")
    names = [f"s{number}" for number in range(20)]
    for name in names:
        add_skill(root, name)
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "kurt", "config", "skills", "disable", name],
            cwd=root,
            env=dict(os.environ),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for name in names
    ]
    for process in processes:
        _, err = process.communicate(timeout=240)
        assert process.returncode == 0, err.decode()
    document = tomllib.loads((root / "kurt.toml").read_text("utf-8"))
    assert sorted(document["skills"]["disabled"]) == sorted(names)
    assert (root / "kurt.toml").read_text("utf-8").startswith("# many writers at once\n")


# -- runs: injection and checks before code ------------------------------------------------


def run_tool(run_kurt: Callable[..., Any], root: Path, tool: str, **env: str) -> Any:
    return run_kurt("tool", "run", tool, "--json", cwd=root, env=env)


def test_a_tool_gets_its_own_skills_settings_only(run_kurt: Callable[..., Any], demo: Path) -> None:
    (demo / "kurt.toml").write_text(
        PROJECT_TOML + "\n[skills.crawler]\ndepth = 4\n", encoding="utf-8"
    )
    archive = run_tool(run_kurt, demo, "archive", KURT_SKILLS__WEB_ARCHIVER__RETRIES="7")
    assert archive.exit_code == 0, archive.stderr
    data = json.loads(archive.stdout)["data"][0]
    assert data == {"timeout": 45.0, "token": None, "retries": 7, "tags": []}
    crawl = run_tool(run_kurt, demo, "crawl")
    assert json.loads(crawl.stdout)["data"][0] == {"depth": 4}


def test_secret_setting_reaches_the_tool_as_secret_str(
    run_kurt: Callable[..., Any], demo: Path
) -> None:
    outcome = run_tool(run_kurt, demo, "archive", WAYBACK_TOKEN=SECRET)
    assert outcome.exit_code == 0, outcome.stderr
    # model_dump(mode="json") of a SecretStr is masked: the secret never leaves the tool.
    assert json.loads(outcome.stdout)["data"][0]["token"] == "**********"
    assert SECRET not in outcome.stdout


def test_invalid_settings_stop_the_run_before_skill_code(
    run_kurt: Callable[..., Any], demo: Path
) -> None:
    toml = demo / "kurt.toml"
    toml.write_text('[skills.web-archiver]\n\ntimeout = "slow"\n', encoding="utf-8")
    outcome = run_tool(run_kurt, demo, "archive")
    assert outcome.exit_code == 1
    assert outcome.stderr == (
        f"Error: {toml}:3: invalid value for 'skills.web-archiver.timeout': expected float, "
        'found "slow" (str) (Input should be a valid number)\n'
        "  hint: write a value of type float, for example: "
        "kurt config skills set web-archiver timeout 2.5\n"
    )
    assert not (demo / "skills" / "web-archiver" / "IMPORTED").exists()


def test_secret_in_an_invalid_env_value_is_not_echoed_by_a_run(
    run_kurt: Callable[..., Any], make_project: Callable[..., Path]
) -> None:
    root = make_project("pins")
    add_skill(root, "pinned", "settings:\n  pin: {type: int, secret: true, env: PIN}\n", "pin")
    outcome = run_tool(run_kurt, root, "pin", PIN=SECRET)
    assert outcome.exit_code == 1
    assert SECRET not in outcome.stdout + outcome.stderr
    assert "from environment variable PIN: expected int, found a value of type str" in (
        outcome.stderr
    )


# -- schema --------------------------------------------------------------------------------


def test_schema_describes_kurt_toml_and_each_skill(
    run_kurt: Callable[..., Any], demo: Path
) -> None:
    outcome = run_kurt("config", "schema", cwd=demo)
    assert outcome.exit_code == 0, outcome.stderr
    schema = json.loads(outcome.stdout)
    assert schema["$schema"].startswith("http://json-schema.org/")
    assert schema["properties"]["fetch"]["properties"]["timeout"]["type"] == "number"
    skills = schema["properties"]["skills"]["properties"]
    assert skills["disabled"]["items"]["type"] == "string"
    archiver = skills["web-archiver"]
    assert archiver["additionalProperties"] is False
    assert archiver["properties"]["timeout"]["type"] == "number"
    assert archiver["properties"]["timeout"]["description"] == "Seconds per request"
    assert skills["crawler"]["properties"]["depth"]["default"] == 1


def test_schema_validates_the_demo_file(run_kurt: Callable[..., Any], demo: Path) -> None:
    """The schema accepts a correct kurt.toml and rejects a wrong type (checked
    with a small validator of the subset of JSON Schema it uses)."""
    schema = json.loads(run_kurt("config", "schema", cwd=demo).stdout)
    good = tomllib.loads(PROJECT_TOML)
    bad = tomllib.loads('[skills.web-archiver]\ntimeout = "slow"\n')
    assert validate(good, schema) == []
    assert validate(bad, schema) == ["skills.web-archiver.timeout: not number"]


def validate(value: Any, schema: dict[str, Any], path: str = "") -> list[str]:
    kinds = {"object": dict, "array": list, "string": str, "integer": int, "boolean": bool}
    if "anyOf" in schema:
        options = [validate(value, option, path) for option in schema["anyOf"]]
        return [] if any(not errors for errors in options) else options[0]
    kind = schema.get("type")
    if kind == "number" and not isinstance(value, int | float):
        return [f"{path}: not number"]
    if kind in kinds and not isinstance(value, kinds[kind]):
        return [f"{path}: not {kind}"]
    errors: list[str] = []
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for key, item in value.items():
            where = f"{path}.{key}" if path else key
            if key in properties:
                errors += validate(item, properties[key], where)
            elif schema.get("additionalProperties") is False:
                errors.append(f"{where}: unknown")
    return errors


def test_help_documents_the_editor_directive() -> None:
    from kurt.cli.config import config_schema

    assert "#:schema" in textwrap.dedent(config_schema.help or "")


# -- a misspelt section or key is never ignored ---------------------------------------------

SECTIONS_HINT = (
    "  hint: sections of kurt.toml: [fetch], [map], [database], [mcp], [llm], [skills]\n"
)
MISSPELT = [
    (
        '[skils]\ndisabled = ["crawler"]\n',
        "1: unknown key 'skils'; did you mean 'skills'?\n" + SECTIONS_HINT,
    ),
    (
        "[fetch]\ntimout = 5\n",
        "2: unknown key 'fetch.timout'; did you mean 'timeout'?\n"
        "  hint: keys of [fetch]: engine, timeout, retries, backoff, max_bytes, concurrency, "
        "user_agent, lease, routes\n",
    ),
    ("# demo\nmapp = 1\n", "2: unknown key 'mapp'; did you mean 'map'?\n" + SECTIONS_HINT),
    (
        '[skills]\ndisable = ["crawler"]\n',
        "2: unknown key 'disable' in [skills]; did you mean 'disabled'?\n"
        "  hint: keys of [skills]: paths, enabled, disabled "
        "(and one [skills.<name>] table per skill)\n",
    ),
]
EVERY_READER = [
    ("config", "skills"),
    ("config", "skills", "--json"),
    ("skill", "list"),
    ("skill", "list", "--json"),
    ("skill", "validate"),
    ("config", "skills", "enable", "crawler"),
    ("config", "skills", "disable", "crawler"),
    ("config", "skills", "set", "crawler", "depth", "3"),
    ("config", "skills", "unset", "web-archiver", "timeout"),
    ("fetch", "http://127.0.0.1:9/"),  # read through pydantic: the same words
]


@pytest.mark.parametrize(("text", "message"), MISSPELT)
def test_a_misspelt_name_stops_every_reader_and_every_edit(
    run_kurt: Callable[..., Any], demo: Path, text: str, message: str
) -> None:
    toml = demo / "kurt.toml"
    toml.write_text(text, encoding="utf-8")
    before = digest(toml)
    for args in EVERY_READER:
        outcome = run_kurt(*args, cwd=demo)
        assert (outcome.exit_code, outcome.stdout) == (1, ""), args
        assert outcome.stderr == f"Error: {toml}:{message}", args
    assert digest(toml) == before


def test_a_misspelt_name_in_the_user_file_refuses_user_edits(
    run_kurt: Callable[..., Any], demo: Path, kurt_home: Path
) -> None:
    user = kurt_home / "kurt.toml"
    user.write_text('[skils]\ndisabled = ["crawler"]\n', encoding="utf-8")
    before = digest(user), digest(demo / "kurt.toml")
    for args in (("disable", "--user", "crawler"), ("set", "--user", "crawler", "depth", "3")):
        outcome = run_kurt("config", "skills", *args, cwd=demo)
        assert outcome == (
            1,
            "",
            f"Error: {user}:1: unknown key 'skils'; did you mean 'skills'?\n" + SECTIONS_HINT,
        )
    assert (digest(user), digest(demo / "kurt.toml")) == before


def test_a_misspelt_name_is_never_cached_as_a_good_listing(
    run_kurt: Callable[..., Any], demo: Path
) -> None:
    toml = demo / "kurt.toml"
    good = run_kurt("skill", "list", "--json", cwd=demo)
    assert good.exit_code == 0, good.stderr
    assert run_kurt("skill", "list", "--json", cwd=demo) == good  # the warm path
    toml.write_text(PROJECT_TOML + "\n[skils]\n", encoding="utf-8")
    for _ in range(2):  # the failed full path leaves no snapshot behind
        outcome = run_kurt("skill", "list", "--json", cwd=demo)
        assert outcome == (
            1,
            "",
            f"Error: {toml}:8: unknown key 'skils'; did you mean 'skills'?\n" + SECTIONS_HINT,
        )
    toml.write_text(PROJECT_TOML, encoding="utf-8")
    assert run_kurt("skill", "list", "--json", cwd=demo) == good


# -- reserved names and unknown keys are usage errors ---------------------------------------

RESERVED_TOML = '[skills]\npaths = []  # none yet\nenabled = ["crawler", "web-archiver"]\n\n'


def reserved(name: str) -> str:
    return (
        f"Error: '{name}' is a reserved key of [skills], not a skill name.\n"
        f"  hint: edit `{name}` by hand in kurt.toml\n"
    )


USAGE_ERRORS = [
    (("disable", "paths"), reserved("paths")),
    (("disable", "enabled"), reserved("enabled")),
    (("enable", "disabled"), reserved("disabled")),
    (("enable", "--user", "paths"), reserved("paths")),
    (("unset", "paths", "foo"), reserved("paths")),
    (("set", "paths", "foo", "1"), reserved("paths")),
    (
        ("unset", "web-archiver", "timeot"),
        "Error: Unknown setting 'timeot' of skill 'web-archiver'. Did you mean 'timeout'?\n"
        "  hint: settings of 'web-archiver': retries, tags, timeout, token\n",
    ),
    (
        ("unset", "--user", "web-archiver", "timeot"),
        "Error: Unknown setting 'timeot' of skill 'web-archiver'. Did you mean 'timeout'?\n"
        "  hint: settings of 'web-archiver': retries, tags, timeout, token\n",
    ),
    (
        ("set", "web-archiver", "llm.timeout", "soon"),
        "Error: Unknown setting 'llm.timeout' of skill 'web-archiver'.\n"
        "  hint: the skill's own model is written by hand under [skills.web-archiver.llm] "
        "(model, timeout, max_tokens); `kurt config skills` checks it, "
        "`kurt config llm` shows it\n",
    ),
]


@pytest.mark.parametrize(("args", "message"), USAGE_ERRORS)
def test_reserved_names_and_unknown_keys_are_usage_errors(
    run_kurt: Callable[..., Any], demo: Path, kurt_home: Path, args: tuple[str, ...], message: str
) -> None:
    toml, user = demo / "kurt.toml", kurt_home / "kurt.toml"
    toml.write_text(RESERVED_TOML + PROJECT_TOML, encoding="utf-8")
    user.write_text(RESERVED_TOML, encoding="utf-8")
    before = digest(toml), digest(user)
    outcome = run_kurt("config", "skills", *args, cwd=demo)
    assert outcome == (2, "", message)
    assert (digest(toml), digest(user)) == before


def test_unset_of_a_declared_key_not_set_changes_nothing(
    run_kurt: Callable[..., Any], demo: Path
) -> None:
    toml = demo / "kurt.toml"
    before = digest(toml)
    outcome = run_kurt("config", "skills", "unset", "web-archiver", "retries", cwd=demo)
    assert outcome == (
        0,
        f"skills.web-archiver.retries is not set in {toml}; nothing to change.\n",
        "",
    )
    assert digest(toml) == before


def test_unset_removes_a_key_the_skill_no_longer_declares(
    run_kurt: Callable[..., Any], demo: Path
) -> None:
    toml = demo / "kurt.toml"
    toml.write_text(PROJECT_TOML + "retrys = 3\n", encoding="utf-8")
    outcome = run_kurt("config", "skills", "unset", "web-archiver", "retrys", cwd=demo)
    assert outcome == (0, f"Removed skills.web-archiver.retrys from {toml}.\n", "")
    assert toml.read_text("utf-8") == PROJECT_TOML


def test_set_keeps_the_next_sections_comment_above_it(
    run_kurt: Callable[..., Any], make_project: Callable[..., Path]
) -> None:
    text = '[skills.site-digest]\nlabel = "page"\n\n# Fetch defaults\n[fetch]\ntimeout = 5.0\n'
    root = make_project("digest", text)
    add_skill(root, "site-digest", "settings:\n  label: {type: str}\n  max_words: {type: int}\n")
    toml = root / "kurt.toml"
    outcome = run_kurt("config", "skills", "set", "site-digest", "max_words", "3", cwd=root)
    assert outcome == (0, f"Set skills.site-digest.max_words = 3 in {toml}.\n", "")
    assert toml.read_text("utf-8") == (
        '[skills.site-digest]\nlabel = "page"\nmax_words = 3\n\n# Fetch defaults\n'
        "[fetch]\ntimeout = 5.0\n"
    )
    assert run_kurt("config", "skills", "unset", "site-digest", "max_words", cwd=root)[0] == 0
    assert toml.read_text("utf-8") == text


# -- a disabled skill names the file that disables it --------------------------------------


@pytest.mark.parametrize("scope", ["user", "project"])
def test_a_disabled_skill_names_its_file_and_the_edit_that_enables_it(
    run_kurt: Callable[..., Any], demo: Path, kurt_home: Path, scope: str
) -> None:
    file = kurt_home / "kurt.toml" if scope == "user" else demo / "kurt.toml"
    file.write_text('[skills]\ndisabled = ["crawler"]\n', encoding="utf-8")
    flag = "--user " if scope == "user" else ""
    outcome = run_kurt("tool", "run", "crawl", cwd=demo)
    assert (outcome.exit_code, outcome.stdout) == (1, "")
    assert outcome.stderr == (
        f"Error: {file}: skill 'crawler' is disabled in kurt.toml "
        "(listed in [skills].disabled)\n"
        f"  hint: enable it with: kurt config skills enable {flag}crawler\n"
    )
    done = run_kurt("config", "skills", "enable", *flag.split(), "crawler", cwd=demo)
    assert done == (0, f"Enabled 'crawler' in {file}.\n", "")
    assert run_tool(run_kurt, demo, "crawl").exit_code == 0


def test_a_users_allow_list_is_named_when_it_leaves_a_skill_out(
    run_kurt: Callable[..., Any], demo: Path, kurt_home: Path
) -> None:
    user = kurt_home / "kurt.toml"
    user.write_text('[skills]\nenabled = ["web-archiver"]\n', encoding="utf-8")
    outcome = run_kurt("tool", "run", "crawl", cwd=demo)
    assert (outcome.exit_code, outcome.stdout) == (1, "")
    assert outcome.stderr == (
        f"Error: {user}: skill 'crawler' is disabled in kurt.toml "
        "(not listed in [skills].enabled)\n"
        "  hint: enable it with: kurt config skills enable --user crawler\n"
    )


# -- an engine named in kurt.toml is blamed on kurt.toml -----------------------------------

ENGINES = [
    (
        ("fetch", "--json", "http://127.0.0.1:9/"),
        '# defaults\n[fetch]\nengine = "htpx"\n',
        "{file}:3: [fetch].engine: Unknown fetcher 'htpx'. Did you mean 'httpx'?\n"
        "  hint: fix [fetch].engine in that file, or name another with --engine",
    ),
    (
        ("map", "--json", "http://127.0.0.1:9/"),
        '[map]\nmax_depth = 1\nengine = "sitemp"\n',
        "{file}:3: [map].engine: Unknown mapper 'sitemp'. Did you mean 'sitemap'?\n"
        "  hint: fix [map].engine in that file, or name another with --engine",
    ),
]


@pytest.mark.parametrize("scope", ["project", "user"])
@pytest.mark.parametrize(("args", "text", "message"), ENGINES)
def test_an_unknown_engine_from_kurt_toml_names_the_file_and_key(
    run_kurt: Callable[..., Any],
    demo: Path,
    kurt_home: Path,
    scope: str,
    args: tuple[str, ...],
    text: str,
    message: str,
) -> None:
    file = demo / "kurt.toml" if scope == "project" else kurt_home / "kurt.toml"
    file.write_text(text, encoding="utf-8")
    outcome = run_kurt(*args, cwd=demo)
    assert outcome.exit_code == 1, outcome.stderr
    (error,) = json.loads(outcome.stdout)["errors"]
    assert error["message"] == message.format(file=file)
    plain = run_kurt(*(arg for arg in args if arg != "--json"), cwd=demo)
    assert plain.exit_code == 1
    assert plain.stderr.startswith(f"error: {message.format(file=file)}\n")


def test_an_unknown_engine_on_the_command_line_stays_a_usage_error(
    run_kurt: Callable[..., Any], demo: Path
) -> None:
    (demo / "kurt.toml").write_text('[fetch]\nengine = "htpx"\n', encoding="utf-8")
    outcome = run_kurt("fetch", "--engine", "htpx", "http://127.0.0.1:9/", cwd=demo)
    assert outcome == (2, "", "Error: Unknown fetcher 'htpx'. Did you mean 'httpx'?\n")


def test_an_unknown_engine_from_the_environment_names_the_variable(
    run_kurt: Callable[..., Any], demo: Path
) -> None:
    outcome = run_kurt(
        "fetch", "--json", "http://127.0.0.1:9/", cwd=demo, env={"KURT_FETCH__ENGINE": "htpx"}
    )
    (error,) = json.loads(outcome.stdout)["errors"]
    assert error["message"] == (
        "Unknown fetcher 'htpx'. Did you mean 'httpx'? (from environment variable "
        "KURT_FETCH__ENGINE)\n  hint: fix or unset KURT_FETCH__ENGINE"
    )


# -- values as one line of TOML; every declared setting listed -----------------------------

SCOUT_SETTINGS = """\
settings:
  headers: {type: dict, default: {}}
  tags: {type: list, default: [a, b]}
  label: {type: str, default: 'say "hi"'}
  verbose: {type: bool, default: false}
  token: {type: str, secret: true, env: SCOUT_TOKEN, required: true}
  limits: {type: dict, secret: true, required: false}
"""


def test_a_table_setting_is_set_listed_and_unset_as_one_line_of_toml(
    run_kurt: Callable[..., Any], make_project: Callable[..., Path]
) -> None:
    root = make_project("scout", '[skills.scout]\ntoken = "t"\n')
    add_skill(root, "scout", SCOUT_SETTINGS)
    toml = root / "kurt.toml"
    before = toml.read_text("utf-8")

    outcome = run_kurt(
        "config", "skills", "set", "scout", "headers", '{A = "1", B = "2"}', cwd=root
    )

    assert outcome == (0, f'Set skills.scout.headers = {{A = "1", B = "2"}} in {toml}.\n', "")
    assert toml.read_text("utf-8") == before + 'headers = {A = "1", B = "2"}\n'
    table = run_kurt("config", "skills", cwd=root, env={"COLUMNS": "200"})
    assert table.exit_code == 0, table.stderr
    for line in (
        'headers = {A = "1", B = "2"} (project)',
        'tags = ["a", "b"] (default)',
        'label = "say \\"hi\\"" (default)',
        "verbose = false (default)",
        "token = *** (project)",
        "limits = (unset) (default)",
    ):
        assert line in table.stdout, line
    assert run_kurt("config", "skills", "unset", "scout", "headers", cwd=root)[0] == 0
    assert toml.read_text("utf-8") == before


def test_a_missing_required_setting_is_listed_as_null(
    run_kurt: Callable[..., Any], make_project: Callable[..., Path]
) -> None:
    root = make_project("scout", "")
    add_skill(root, "scout", SCOUT_SETTINGS + "  depth: {type: int, required: true}\n")

    row = skill_row(listing(run_kurt, root), "scout")

    assert row["settings"] == {
        "headers": {},
        "tags": ["a", "b"],
        "label": 'say "hi"',
        "verbose": False,
        "token": None,
        "limits": None,
        "depth": None,
    }
    assert (row["sources"]["token"], row["sources"]["depth"]) == ("missing", "missing")
    assert len(row["problems"]) == 2
    table = run_kurt("config", "skills", cwd=root, env={"COLUMNS": "200"})
    assert "depth = (unset) (missing)" in table.stdout
    # Set, a secret is masked; its own `env` name sets it.
    row = skill_row(listing(run_kurt, root, SCOUT_TOKEN=SECRET), "scout")
    assert (row["settings"]["token"], row["sources"]["token"]) == ("***", "env:SCOUT_TOKEN")


def test_skill_info_shows_settings_as_toml_with_required_secret_and_env(
    run_kurt: Callable[..., Any], make_project: Callable[..., Path]
) -> None:
    root = make_project("scout", '[skills.scout]\nheaders = {A = "1"}\n')
    add_skill(root, "scout", SCOUT_SETTINGS)

    outcome = run_kurt("skill", "info", "scout", cwd=root, env={"COLUMNS": "200"})

    assert outcome.exit_code == 0, outcome.stderr
    table = [
        [cell.strip() for cell in re.split("[│┃]", line)[1:-1]]
        for line in outcome.stdout.splitlines()
        if line.startswith(("│", "┃"))
    ]
    header = next(cells for cells in table if cells[:1] == ["key"])
    # No setting has a description: an empty column is left out (issue 15, item 4).
    assert header == ["key", "type", "value", "source", "default", "required", "secret", "env"]
    rows = {cells[0]: cells[1:] for cells in table if len(cells) == len(header)}
    assert rows["headers"][:4] == ["dict", '{A = "1"}', "project", "{}"]
    assert rows["tags"][:4] == ["list", '["a", "b"]', "default", '["a", "b"]']
    assert rows["label"][:4] == ["str", '"say \\"hi\\""', "default", '"say \\"hi\\""']
    assert rows["verbose"][:4] == ["bool", "false", "default", "false"]
    assert rows["token"] == ["str", "", "missing", "", "yes", "yes", "SCOUT_TOKEN"]
    assert rows["limits"][4:7] == ["no", "yes", ""]
    assert "missing required setting 'skills.scout.token'" in outcome.stderr
    # Set through its own `env` name, a secret is masked.
    secret = run_kurt(
        "skill", "info", "scout", cwd=root, env={"COLUMNS": "200", "SCOUT_TOKEN": SECRET}
    )
    assert SECRET not in secret.stdout + secret.stderr
    assert "│ ***" in secret.stdout


# -- a misspelt environment variable is never silently ignored (issue 15, item 7) ----------

SKILL_TYPO = (
    "environment variable KURT_SKILLS__WEB_ARCHIVR__TIMEOUT names no skill;"
    " did you mean KURT_SKILLS__WEB_ARCHIVER__TIMEOUT?\n"
    "  hint: unset KURT_SKILLS__WEB_ARCHIVR__TIMEOUT; a skill's setting is"
    " KURT_SKILLS__<SKILL>__<KEY> (the skill's name upper-cased, '-' as '_')"
)
SECTION_TYPO = (
    "environment variable KURT_FECTH__TIMEOUT names no section of kurt.toml;"
    " did you mean KURT_FETCH__TIMEOUT?\n"
    "  hint: unset KURT_FECTH__TIMEOUT; the sections are KURT_FETCH__<KEY>, KURT_MAP__<KEY>,"
    " KURT_DATABASE__<KEY>, KURT_MCP__<KEY>, KURT_LLM__<KEY> and KURT_SKILLS__<SKILL>__<KEY>"
)


def test_config_skills_reports_a_misspelt_skill_or_section_in_a_variable(
    run_kurt: Callable[..., Any], demo: Path
) -> None:
    env = {"KURT_SKILLS__WEB_ARCHIVR__TIMEOUT": "5", "KURT_FECTH__TIMEOUT": "5"}
    report = listing(run_kurt, demo, **env)
    assert report["problems"] == [SECTION_TYPO, SKILL_TYPO]
    human = run_kurt("config", "skills", cwd=demo, env=env)
    assert human.exit_code == 0
    assert f"warning: {SKILL_TYPO}\n" in human.stderr
    assert f"warning: {SECTION_TYPO}\n" in human.stderr


def test_a_misspelt_variable_without_a_close_name_is_reported_too(
    run_kurt: Callable[..., Any], demo: Path
) -> None:
    report = listing(run_kurt, demo, KURT_SKILLS__NOTHING_LIKE__X="1", KURT_ZZZ__Y="2")
    assert [problem.split("\n")[0] for problem in report["problems"]] == [
        "environment variable KURT_SKILLS__NOTHING_LIKE__X names no skill",
        "environment variable KURT_ZZZ__Y names no section of kurt.toml",
    ]  # in the variables' order


def test_correct_variables_are_not_reported(run_kurt: Callable[..., Any], demo: Path) -> None:
    env = {
        "KURT_SKILLS__WEB_ARCHIVER__TIMEOUT": "5",
        "KURT_FETCH__TIMEOUT": "5",
        "KURT_MAP__MAX_DEPTH": "1",
        "KURT_DATABASE__URL": "sqlite://",
        "KURT_DEBUG": "0",
        "KURT_PROJECT_ROOT": str(demo),
    }
    assert listing(run_kurt, demo, **env)["problems"] == []
    outcome = run_tool(run_kurt, demo, "archive", **env)
    assert (outcome.exit_code, outcome.stderr) == (0, "")


def test_a_run_warns_of_a_misspelt_variable_on_stderr(
    run_kurt: Callable[..., Any], demo: Path
) -> None:
    env = {"KURT_SKILLS__WEB_ARCHIVR__TIMEOUT": "5", "KURT_FECTH__TIMEOUT": "5"}
    outcome = run_tool(run_kurt, demo, "archive", **env)
    assert outcome.exit_code == 0
    assert json.loads(outcome.stdout)["data"][0]["timeout"] == 45.0  # the variable was ignored
    assert outcome.stderr == f"warning: {SECTION_TYPO}\nwarning: {SKILL_TYPO}\n"
    (demo / "empty").mkdir()
    mapped = run_kurt("map", "empty", "--json", cwd=demo, env={"KURT_FECTH__TIMEOUT": "5"})
    assert (mapped.exit_code, mapped.stderr) == (0, f"warning: {SECTION_TYPO}\n")
