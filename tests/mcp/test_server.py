"""``kurt mcp serve`` in a trusted project, driven by the SDK's own client over
a real stdio subprocess (SPEC section 12): one server, one scripted
conversation, each test asserting on one part of what the client saw."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import mcp_types as types
import pytest
from mcp_conversation import Conversation, converse, names, text_of

from mcp import ClientSession

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "skills"))
from skill_helpers import imported, write_skill

from kurt.config.trust import set_trusted

GREET = """
import os

from kurt.core.progress import ProgressEvent, report


class GreetInput(BaseModel):
    name: str


class Greeting(BaseModel):
    greeting: str


@register_tool
class GreetImpl(Tool[GreetInput, Greeting]):
    name = "greet"
    description = "Greet someone"
    InputModel = GreetInput
    OutputModel = Greeting

    async def run(self, params, context, on_progress=None):
        print("printed by greet")
        os.write(1, b"written to fd 1 by greet\\n")
        for step in (1, 2):
            report(on_progress, ProgressEvent(tool="greet", stage="greeting", current=step,
                                              total=2, message=f"step {step}"))
        mark = context.settings.punctuation
        return ToolResult.ok([{"greeting": f"Hello, {params.name}{mark}"}])
"""

GREET_SETTINGS = """
settings:
  punctuation: {type: str, default: "!"}
"""

FAILS = """
class Nothing(BaseModel):
    pass


@register_tool
class FailsImpl(Tool[Nothing, Nothing]):
    name = "fails"
    description = "Always fails"
    InputModel = Nothing
    OutputModel = Nothing

    async def run(self, params, context, on_progress=None):
        return ToolResult.failure("the archive is closed today")
"""

COUNTER = """
import contextlib


@contextlib.asynccontextmanager
async def lifespan(context):
    with (_marker.parent / "counter-lifespan").open("a") as log:
        log.write("enter\\n")
    yield {"calls": 0}
    with (_marker.parent / "counter-lifespan").open("a") as log:
        log.write("exit\\n")


class Nothing(BaseModel):
    pass


class Count(BaseModel):
    calls: int


@register_tool
class CountImpl(Tool[Nothing, Count]):
    name = "count"
    description = "Count the calls in this session"
    InputModel = Nothing
    OutputModel = Count

    async def run(self, params, context, on_progress=None):
        context.state["calls"] += 1
        return ToolResult.ok([{"calls": context.state["calls"]}])
"""

TOML = """\
[skills]
disabled = ["hidden"]

[skills.greet]
punctuation = "?"

[mcp]
exclude = ["*-debug"]
"""


async def script(session: ClientSession, project: Path) -> dict[str, Any]:
    seen: dict[str, Any] = {"progress": []}

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen["progress"].append((progress, total, message))

    seen["tools"] = await session.list_tools()
    seen["greet"] = await session.call_tool("greet", {"name": "Ada"}, progress_callback=on_progress)
    seen["greet-bad-input"] = await session.call_tool("greet", {"nmae": "Ada"})
    seen["fails"] = await session.call_tool("fails", {})
    seen["hidden"] = await session.call_tool("hidden", {})
    seen["excluded"] = await session.call_tool("greet-debug", {})
    seen["unknown"] = await session.call_tool("gret", {})
    seen["counts"] = [await session.call_tool("count", {}) for _ in range(2)]
    seen["resources"] = await session.list_resources()
    seen["greet-doc"] = await session.read_resource("skill://greet/SKILL.md")
    # Edit kurt.toml in the same session: only greet and fetch now; and a new skill.
    toml = project / "kurt.toml"
    toml.write_text(TOML + 'include = ["greet", "fetch", "late*"]\n', encoding="utf-8")
    write_skill(project / "skills", "late", markers=project.parent / "markers")
    seen["tools-after-edit"] = await session.list_tools()
    return seen


@pytest.fixture(scope="module")
def talk(tmp_path_factory: pytest.TempPathFactory) -> Conversation:
    base = tmp_path_factory.mktemp("mcp-served")
    home = base / "home"
    project = base / "project"
    markers = base / "markers"
    skills = project / "skills"
    skills.mkdir(parents=True)
    home.mkdir()
    (project / "kurt.toml").write_text(TOML, encoding="utf-8")
    write_skill(skills, "greet", code=GREET, manifest_extra=GREET_SETTINGS, markers=markers)
    write_skill(skills, "fails", code=FAILS, markers=markers)
    write_skill(skills, "counter", code=COUNTER, markers=markers, provides=[("tool", "count")])
    write_skill(skills, "hidden", markers=markers)
    write_skill(skills, "greet-debug", markers=markers)
    set_trusted(home / "trusted-projects.json", project)

    async def run(session: ClientSession) -> dict[str, Any]:
        return await script(session, project)

    conversation = converse(project, home, run, base / "server.log")
    conversation.results["markers"] = imported(markers)
    conversation.results["project"] = project
    conversation.results["lifespan"] = (markers / "counter-lifespan").read_text().split()
    return conversation


def test_tools_list_has_kurts_own_and_the_enabled_skills_tools(talk: Conversation) -> None:
    assert names(talk["tools"]) == ["count", "fails", "fetch", "greet", "map"]


def test_a_disabled_skill_is_absent_and_never_imported(talk: Conversation) -> None:
    assert "hidden" not in names(talk["tools"])
    assert "hidden" not in talk["markers"]


def test_exclude_globs_narrow_the_list(talk: Conversation) -> None:
    assert "greet-debug" not in names(talk["tools"])


def test_input_schema_comes_from_the_input_model(talk: Conversation) -> None:
    greet = next(tool for tool in talk["tools"].tools if tool.name == "greet")
    assert greet.description == "The greet skill."  # the manifest's, not the class's
    assert greet.input_schema["properties"] == {"name": {"title": "Name", "type": "string"}}
    assert greet.input_schema["required"] == ["name"]
    fetch = next(tool for tool in talk["tools"].tools if tool.name == "fetch")
    assert "urls" in fetch.input_schema["properties"]


def test_a_call_runs_like_kurt_tool_run_with_the_skills_settings(talk: Conversation) -> None:
    result = talk["greet"]
    assert result.is_error is False
    assert result.structured_content["data"] == [{"greeting": "Hello, Ada?"}]
    assert json.loads(text_of(result))["success"] is True


def test_progress_reaches_the_client_that_asked_for_it(talk: Conversation) -> None:
    assert talk["progress"] == [(1.0, 2.0, "step 1"), (2.0, 2.0, "step 2")]


def test_what_a_skill_prints_goes_to_the_servers_stderr(talk: Conversation) -> None:
    # The call above succeeded, so the protocol stream was not corrupted.
    assert "printed by greet" in talk.stderr
    assert "written to fd 1 by greet" in talk.stderr


def test_a_failed_result_is_an_error_result_not_a_protocol_error(talk: Conversation) -> None:
    result = talk["fails"]
    assert result.is_error is True
    assert text_of(result).startswith("error: the archive is closed today\n")
    assert result.structured_content["success"] is False


def test_bad_input_is_an_error_result_with_the_validation_message(talk: Conversation) -> None:
    result = talk["greet-bad-input"]
    assert result.is_error is True
    assert text_of(result).splitlines()[:2] == [
        "error: Invalid input for tool 'greet': field 'nmae': Extra inputs are not "
        "permitted; did you mean 'name'?",
        "  hint: 'greet' takes: name (required)",
    ]


def test_a_disabled_skills_tool_cannot_be_called(talk: Conversation) -> None:
    result = talk["hidden"]
    assert result.is_error is True
    toml = talk["project"] / "kurt.toml"
    assert text_of(result).splitlines()[:2] == [
        f"error: {toml}: skill 'hidden' is disabled in kurt.toml (listed in [skills].disabled)",
        "  hint: enable it with: kurt config skills enable hidden",
    ]


def test_an_excluded_tool_cannot_be_called(talk: Conversation) -> None:
    result = talk["excluded"]
    assert result.is_error is True
    assert text_of(result).startswith(
        "error: tool 'greet-debug' is not served here: [mcp] include/exclude in kurt.toml "
        "leave it out\n"
    )


def test_an_unknown_tool_is_an_error_result_with_a_suggestion(talk: Conversation) -> None:
    result = talk["unknown"]
    assert result.is_error is True
    assert text_of(result).startswith("error: Unknown tool 'gret'. Did you mean 'greet'?")


def test_each_enabled_skills_manifest_is_a_resource(talk: Conversation) -> None:
    uris = sorted(str(resource.uri) for resource in talk["resources"].resources)
    assert uris == [
        "skill://counter/SKILL.md",
        "skill://fails/SKILL.md",
        "skill://greet-debug/SKILL.md",
        "skill://greet/SKILL.md",
    ]
    (content,) = talk["greet-doc"].contents
    assert content.text.startswith('---\nname: "greet"\n')


def test_an_edit_is_seen_by_the_next_list_and_announced(talk: Conversation) -> None:
    assert names(talk["tools-after-edit"]) == ["fetch", "greet", "late"]
    changed = [n for n in talk.notifications if isinstance(n, types.ToolListChangedNotification)]
    assert len(changed) == 1


def test_the_instructions_name_the_project(talk: Conversation) -> None:
    instructions = talk["initialize"].instructions
    assert "Tools of the Kurt project at" in instructions
    assert "not trusted" not in instructions


def test_a_skills_lifespan_spans_the_session(talk: Conversation) -> None:
    counts = [result.structured_content["data"] for result in talk["counts"]]
    assert counts == [[{"calls": 1}], [{"calls": 2}]]
    assert talk["lifespan"] == ["enter", "exit"]  # entered once, exited when the client left
