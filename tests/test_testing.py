"""kurt.testing, the pytest plugin for skill authors, tested the way an author
uses it: pytester writes a skill and its test suite into a temporary folder
and runs pytest there (the plugin comes in through its ``pytest11`` entry
point, with nothing imported or configured by the suite)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from pytest_httpserver import HTTPServer

from kurt.core.context import ToolContext
from kurt.db.store import Database
from kurt.errors import ConfigError
from kurt.testing import (
    ContextFactory,
    KurtProject,
    KurtTestContext,
    load_skill,
    make_context,
    run_tool,
)

pytest_plugins = ["pytester"]

SKILL_MD = """\
---
name: greeter
description: Greets people, for the kurt.testing tests.
version: 0.1.0
implements:
  - {type: tool, class: GreetTool, name: greet}
settings:
  greeting: {type: str, default: Hello, description: First word}
  times: {type: int, default: 1}
  api_key: {type: str, secret: true, required: false}
---
"""

SKILL_PY = """\
from pydantic import BaseModel
from kurt import Tool, ToolResult, register_tool


class In(BaseModel):
    name: str = "world"


class Out(BaseModel):
    message: str
    has_key: bool


@register_tool
class GreetTool(Tool[In, Out]):
    name = "greet"
    InputModel = In
    OutputModel = Out

    async def run(self, params, context, on_progress=None):
        s = context.settings
        text = " ".join([f"{s.greeting}, {params.name}!"] * s.times)
        return ToolResult.ok([Out(message=text, has_key=s.api_key is not None)])
"""

AUTHOR_TESTS = """\
import os
from pathlib import Path

import pytest

from kurt.errors import KurtError
from kurt.testing import load_skill

SKILL = Path(__file__).parent / "greeter"


def test_defaults(kurt_project):
    kurt_project.add_skill(SKILL)
    result = kurt_project.run_tool("greet", name="Ada")
    assert result.success, result.errors
    assert result.data == [{"message": "Hello, Ada!", "has_key": False}]


def test_configured(kurt_project):
    kurt_project.add_skill(SKILL)
    kurt_project.configure("greeter", greeting="Hi", times=2)
    result = kurt_project.run_tool("greet", {"name": "Bo"})
    assert result.data[0]["message"] == "Hi, Bo! Hi, Bo!"


def test_secret_from_env(kurt_project, monkeypatch):
    kurt_project.add_skill(SKILL)
    monkeypatch.setenv("KURT_SKILLS__GREETER__API_KEY", "k-123")
    assert kurt_project.run_tool("greet").data[0]["has_key"] is True


def test_own_home(kurt_project):
    assert os.environ["KURT_HOME"] == str(kurt_project.home)
    assert kurt_project.home.is_dir() and (kurt_project.root / "kurt.toml").is_file()


def test_untrusted(kurt_project):
    kurt_project.add_skill(SKILL)
    kurt_project.trust(False)
    with pytest.raises(KurtError, match="kurt trust"):
        kurt_project.run_tool("greet")


def test_cli(kurt_project):
    kurt_project.add_skill(SKILL)
    outcome = kurt_project.kurt("tool", "run", "greet", "-p", "name=Cy")
    assert outcome.exit_code == 0, outcome.stderr
    assert "Hello, Cy!" in outcome.stdout


def test_unit(kurt_context, run_tool):
    load_skill(SKILL)
    context = kurt_context({"greeting": "Hey"}, skill_dir=SKILL)
    assert run_tool("greet", name="Di", context=context).data[0]["message"] == "Hey, Di!"


async def _arun(arun_tool, context):
    return await arun_tool("greet", name="Ed", context=context)


def test_async_variant(kurt_context, arun_tool):
    import asyncio

    load_skill(SKILL)
    result = asyncio.run(_arun(arun_tool, kurt_context(skill_dir=SKILL)))
    assert result.data[0]["message"] == "Hello, Ed!"


def test_a_real_failure_is_reported(kurt_project):
    kurt_project.add_skill(SKILL)
    assert kurt_project.run_tool("greet").data[0]["message"] == "Goodbye"
"""


@pytest.fixture
def author_suite(pytester: pytest.Pytester) -> pytest.Pytester:
    """A skill author's folder: ``greeter/`` (SKILL.md, skill.py) and ``test_greeter.py``."""
    skill = pytester.path / "greeter"
    skill.mkdir()
    (skill / "SKILL.md").write_text(SKILL_MD, encoding="utf-8")
    (skill / "skill.py").write_text(SKILL_PY, encoding="utf-8")
    pytester.makepyfile(test_greeter=AUTHOR_TESTS)
    return pytester


@pytest.mark.slow  # runs pytest in a subprocess
def test_the_plugin_offers_its_fixtures(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess("--fixtures", "-p", "no:cacheprovider")
    listed = result.stdout.str()
    for fixture in ("kurt_project", "kurt_context", "run_tool", "arun_tool"):
        assert f"{fixture} -- " in listed or f"{fixture}\n" in listed, fixture
    assert "kurt/testing/__init__.py" in listed


@pytest.mark.slow  # runs pytest in a subprocess
def test_an_author_suite_runs_with_the_plugin(author_suite: pytest.Pytester) -> None:
    result = author_suite.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=8, failed=1)
    result.stdout.fnmatch_lines(["*test_a_real_failure_is_reported*", "*Goodbye*"])


def test_each_project_is_fresh(kurt_project: KurtProject, tmp_path: Path) -> None:
    assert kurt_project.read_config() == {"skills": {}}
    assert kurt_project.home != tmp_path / "kurt-home"  # not the suite's own KURT_HOME
    kurt_project.configure("greeter", greeting="Hi")
    kurt_project.configure("greeter", times=3, greeting=None)
    assert kurt_project.read_config()["skills"]["greeter"] == {"times": 3}


def test_add_path_is_searched_in_place(kurt_project: KurtProject, tmp_path: Path) -> None:
    kurt_project.add_path(tmp_path / "shared-skills")
    kurt_project.add_path(tmp_path / "shared-skills")
    assert kurt_project.read_config()["skills"]["paths"] == [str(tmp_path / "shared-skills")]


def test_add_skill_refuses_a_folder_without_manifest(
    kurt_project: KurtProject, tmp_path: Path
) -> None:
    with pytest.raises(FileNotFoundError, match=r"holds no SKILL\.md"):
        kurt_project.add_skill(tmp_path)


@pytest.fixture
def greeter(tmp_path: Path) -> Path:
    skill = tmp_path / "greeter"
    skill.mkdir()
    (skill / "SKILL.md").write_text(SKILL_MD, encoding="utf-8")
    (skill / "skill.py").write_text(SKILL_PY, encoding="utf-8")
    return skill


def test_make_context_checks_settings_against_the_manifest(greeter: Path) -> None:
    context = make_context({"times": 2, "api_key": "k"}, skill_dir=greeter)

    assert (context.settings.greeting, context.settings.times) == ("Hello", 2)
    assert isinstance(context.settings.api_key, SecretStr)
    assert context.skill == "greeter"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"times": "two"}, "times"),
        ({"volume": 11}, "volume"),
    ],
)
def test_make_context_refuses_what_kurt_toml_would(
    greeter: Path, settings: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        make_context(settings, skill_dir=greeter)


def test_make_context_without_a_manifest_takes_settings_as_given() -> None:
    context = make_context({"anything": [1, 2]})
    assert context.settings.anything == [1, 2]
    assert context.for_skill("other").settings.anything == [1, 2]


def test_load_skill_twice_is_fine_and_attributes_the_tool(greeter: Path) -> None:
    load_skill(greeter)
    load_skill(greeter)
    result = run_tool("greet", context=make_context(skill_dir=greeter))
    assert result.metadata["skill"] == "greeter"
    assert result.data == [{"message": "Hello, world!", "has_key": False}]


def test_fixtures_are_usable_in_kurts_own_suite(
    kurt_context: ContextFactory, run_tool: Callable[..., Any]
) -> None:
    assert isinstance(kurt_context(), ToolContext)
    assert run_tool.__name__ == "run_tool"


# -- context.http and context.db, as a run has them -------------------------------------

FETCHER_MD = """\
---
name: echo-api
description: Fetches with context.http and stores with context.db, for the kurt.testing tests.
implements:
  - {type: fetcher, class: EchoFetcher, name: echo-api}
settings:
  label: {type: str, default: echo}
---
"""

FETCHER_PY = """\
from kurt import BaseFetcher, FetchResult, register_fetcher


@register_fetcher
class EchoFetcher(BaseFetcher):
    name = "echo-api"

    async def fetch(self, url, context):
        response = await context.http.get(url)
        context.db.save_mapped(url, [url], engine=context.settings.label)
        return FetchResult(url=url, content=response.text, title=context.settings.label)
"""

RESOURCE_TESTS = """\
import asyncio
from pathlib import Path

from kurt.testing import load_skill, make_context

SKILL = Path(__file__).parent / "echo-api"
SEEN = {}


def test_fetcher(httpserver):                      # the example of docs/skills.md
    httpserver.expect_request("/item").respond_with_data("Hi")
    module = load_skill(SKILL)
    context = make_context(skill_dir=SKILL)
    result = asyncio.run(module.EchoFetcher().fetch(httpserver.url_for("/item"), context))
    assert (result.content, result.title) == ("Hi", "echo")
    assert context.db.mapped() == [httpserver.url_for("/item")]
    SEEN["made"] = context.resources


def test_the_end_of_a_test_closed_them():
    assert SEEN["made"].opened == []


def test_fixture(httpserver, kurt_context):
    httpserver.expect_request("/item").respond_with_data("Ho")
    module = load_skill(SKILL)
    context = kurt_context({"label": "mine"}, skill_dir=SKILL)
    result = asyncio.run(module.EchoFetcher().fetch(httpserver.url_for("/item"), context))
    assert result.content == "Ho"
    assert kurt_context().db.mapped() == [httpserver.url_for("/item")]  # one database
    assert (kurt_context.root / ".kurt" / "kurt.sqlite").is_file()
    SEEN["fixture"] = kurt_context.resources


def test_the_fixture_closed_them():
    assert SEEN["fixture"].opened == []
"""


@pytest.mark.slow  # runs pytest in a subprocess
def test_documented_fetcher_test_gets_a_client_and_a_database(pytester: pytest.Pytester) -> None:
    skill = pytester.path / "echo-api"
    skill.mkdir()
    (skill / "SKILL.md").write_text(FETCHER_MD, encoding="utf-8")
    (skill / "skill.py").write_text(FETCHER_PY, encoding="utf-8")
    pytester.makepyfile(test_echo=RESOURCE_TESTS)

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-W", "error")

    result.assert_outcomes(passed=4)


def test_make_context_opens_a_client_and_a_database_on_first_use(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/a").respond_with_data("A")
    context = make_context()
    assert context.resources is not None
    assert context.resources.opened == []

    async def get() -> str:
        assert context.http is not None
        return (await context.http.get(httpserver.url_for("/a"))).text

    # One context through two event loops, as tests calling asyncio.run twice do.
    assert (asyncio.run(get()), asyncio.run(get())) == ("A", "A")
    client = context.http
    assert isinstance(client, httpx.AsyncClient)
    assert client.headers["User-Agent"].startswith("kurt/")
    assert isinstance(context.db, Database)
    assert not context.db.persistent
    assert context.db.save_mapped("src", ["https://a.test/"], engine="test") == 1
    assert context.for_skill("other").db is context.db  # one database per run
    assert context.resources.opened == ["db", "http"]
    context.close()
    assert context.resources.opened == []


def test_make_context_is_a_context_manager() -> None:
    with make_context() as context:
        database = context.db
        assert database.mapped() == []
    assert context.resources is not None
    assert context.resources.opened == []


@pytest.mark.slow  # a fresh interpreter: in this one the suite imported the registries
def test_make_context_works_in_a_plain_script(tmp_path: Path) -> None:
    script = tmp_path / "script.py"
    script.write_text(
        "from kurt.testing import make_context\n"
        "with make_context(state={'log': 'open'}) as context:\n"
        "    print(context.state['log'], context.tools.get('fetch').__name__)\n"
        "print(make_context().state)\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=False
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == "open FetchTool\nNone\n"  # the lifespan's state only when given


def test_make_context_is_an_async_context_manager() -> None:
    async def use() -> KurtTestContext:
        async with make_context() as context:
            assert context.http is not None
            assert not context.http.is_closed
            return context

    context = asyncio.run(use())
    assert context.resources is not None
    assert context.resources.opened == []


def test_a_sync_close_inside_a_running_loop_closes_too() -> None:
    async def use() -> KurtTestContext:
        context = make_context()
        assert context.db.mapped() == []
        assert context.http is not None
        context.close()  # from async code: the closing runs in a loop of its own
        return context

    context = asyncio.run(use())
    assert context.resources is not None
    assert context.resources.opened == []


def test_given_db_and_http_win_and_stay_open(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{(tmp_path / 'own.sqlite').as_posix()}")
    client = httpx.AsyncClient()
    with make_context(db=database, http=client) as context:
        assert (context.db, context.http) == (database, client)
    assert not client.is_closed
    assert database.mapped() == []  # still usable
    asyncio.run(client.aclose())
    database.close()


def test_kurt_context_uses_the_tests_project_database(
    kurt_project: KurtProject, kurt_context: ContextFactory
) -> None:
    async def store() -> None:
        async with kurt_project.runtime().context() as run:
            run.db.save_mapped("feed", ["https://a.test/"], engine="test")

    asyncio.run(store())

    assert kurt_context.root == kurt_project.root
    assert kurt_context().db.mapped("feed") == ["https://a.test/"]
    assert kurt_context().db is kurt_context({"x": 1}).db


# -- the developer's real environment never reaches a test run (issue 15, item 6) ------

SECRET_MD = SKILL_MD.replace(
    "api_key: {type: str, secret: true, required: false}",
    "api_key: {type: str, secret: true, required: false, env: GREETER_API_KEY}",
)

ENVIRONMENT_TESTS = """\
import json
import os
from pathlib import Path

SKILL = Path(__file__).parent / "greeter"


def has_key(outcome):
    assert outcome.exit_code == 0, outcome.stderr
    return json.loads(outcome.stdout)["data"][0]["has_key"]


def test_a_settings_own_variable_is_hidden(kurt_project):
    kurt_project.add_skill(SKILL)
    assert kurt_project.run_tool("greet").data[0]["has_key"] is False
    assert has_key(kurt_project.kurt("tool", "run", "greet", "--json")) is False
    shown = kurt_project.kurt("config", "skills", "--json").stdout
    assert "GREETER_API_KEY" not in shown


def test_a_value_the_test_sets_is_seen(kurt_project, monkeypatch):
    kurt_project.add_skill(SKILL)
    assert kurt_project.run_tool("greet").data[0]["has_key"] is False
    monkeypatch.setenv("GREETER_API_KEY", "test-key")
    assert kurt_project.run_tool("greet").data[0]["has_key"] is True
    assert has_key(kurt_project.kurt("tool", "run", "greet", "--json")) is True


def test_a_value_set_before_the_skill_is_added_is_seen(kurt_project, monkeypatch):
    monkeypatch.setenv("GREETER_API_KEY", "test-key")
    kurt_project.add_skill(SKILL)
    assert kurt_project.run_tool("greet").data[0]["has_key"] is True


def test_other_variables_are_left_alone(kurt_project):
    kurt_project.add_skill(SKILL)
    kurt_project.run_tool("greet")
    assert os.environ["UNRELATED_VARIABLE"] == "kept"


def test_without_kurt_project_nothing_is_hidden():
    assert os.environ["GREETER_API_KEY"] == "the developer's real key"
"""


@pytest.mark.slow  # runs pytest in a subprocess
def test_a_settings_env_variable_of_the_developer_never_reaches_the_skill(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    skill = pytester.path / "greeter"
    skill.mkdir()
    (skill / "SKILL.md").write_text(SECRET_MD, encoding="utf-8")
    (skill / "skill.py").write_text(SKILL_PY, encoding="utf-8")
    pytester.makepyfile(test_environment=ENVIRONMENT_TESTS)
    monkeypatch.setenv("GREETER_API_KEY", "the developer's real key")
    monkeypatch.setenv("UNRELATED_VARIABLE", "kept")

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")

    result.assert_outcomes(passed=5)
