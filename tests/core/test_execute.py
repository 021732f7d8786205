"""execute_tool: look up, validate, time, check the output, catch (SPEC sections 1 and 7)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, Field

from kurt.core.context import ToolContext
from kurt.core.progress import ProgressEvent
from kurt.core.result import ToolResult
from kurt.core.tool import Tool
from kurt.errors import ConfigError, ToolInputError, UnknownNameError
from kurt.registry import attributed_to
from samples import Boom, Count, CountIn, CountOut, Empty

Run = Callable[..., ToolResult]


def test_good_input_runs_the_tool(run: Run) -> None:
    result = run("count", {"n": "2", "label": "x"})  # "2" is converted by the InputModel
    assert result.success is True
    assert result.data == [{"index": 0, "label": "x"}, {"index": 1, "label": "x"}]
    assert result.errors == []


def test_a_model_instance_is_accepted_as_input(run: Run) -> None:
    assert len(run("count", CountIn(n=3)).data) == 3


def test_metadata_records_timing_and_keeps_the_tools_own(run: Run) -> None:
    metadata = run("count", {"n": 1}).metadata
    assert metadata["tool"] == "count"
    assert metadata["skill"] is None
    assert isinstance(metadata["duration_ms"], float)
    assert metadata["duration_ms"] >= 0
    assert datetime.fromisoformat(metadata["started_at"]).tzinfo is not None
    assert metadata["substeps"] == [{"name": "count", "duration_ms": 0.0}]


def test_progress_events_reach_the_callback(run: Run) -> None:
    events: list[ProgressEvent] = []
    run("count", {"n": 3}, on_progress=events.append)
    assert [(e.tool, e.stage, e.current) for e in events] == [
        ("count", "count", 1),
        ("count", "count", 2),
        ("count", "count", 3),
    ]


def test_bad_input_is_an_error_naming_the_field(run: Run) -> None:
    with pytest.raises(ToolInputError) as caught:
        run("count", {"n": "many"})
    assert caught.value.exit_code == 2
    assert str(caught.value) == (
        "Invalid input for tool 'count': field 'n': Input should be a valid integer, "
        "unable to parse string as an integer (got 'many')\n"
        "  hint: 'count' takes: n (required), label='item'; its schema: kurt tool info count"
    )


def test_missing_and_out_of_range_fields_are_all_named(run: Run) -> None:
    with pytest.raises(ToolInputError) as caught:
        run("count", {})
    assert "field 'n': Field required" in str(caught.value)
    with pytest.raises(ToolInputError) as caught:
        run("count", {"n": -1})
    assert "field 'n': Input should be greater than or equal to 0 (got -1)" in str(caught.value)


def test_an_undeclared_input_key_is_refused_with_a_did_you_mean(run: Run) -> None:
    with pytest.raises(ToolInputError) as caught:
        run("count", {"n": 1, "lable": "x"})
    assert str(caught.value).splitlines()[0] == (
        "Invalid input for tool 'count': field 'lable': Extra inputs are not permitted; "
        "did you mean 'label'?"
    )


class Open(BaseModel):
    model_config = ConfigDict(extra="ignore")
    n: int = 1


class Aliased(BaseModel):
    source_url: str = Field(alias="source-url")


class Lenient(Tool[Open, Open]):
    name = "lenient"
    InputModel = Open
    OutputModel = Open

    async def run(self, params: Open, context: ToolContext, on_progress: Any = None) -> ToolResult:
        return ToolResult.ok([params])


class Echo(Tool[Aliased, Aliased]):
    name = "echo"
    InputModel = Aliased
    OutputModel = Aliased

    async def run(
        self, params: Aliased, context: ToolContext, on_progress: Any = None
    ) -> ToolResult:
        return ToolResult.ok([{"source-url": params.source_url}])


def test_a_model_that_says_extra_ignore_gets_its_way_and_aliases_are_known(
    run: Run, tools: Any
) -> None:
    tools.register(Lenient)
    tools.register(Echo)
    assert run("lenient", {"n": 2, "whatever": 1}).data == [{"n": 2}]
    assert run("echo", {"source-url": "u"}).data == [{"source-url": "u"}]


def test_a_skill_tools_hint_lists_its_fields_itself(run: Run, tools: Any) -> None:
    """kurt tool info does not import skill code, so the hint says what the tool takes."""
    with attributed_to("echo-skill"):
        tools.register(Echo)
        with pytest.raises(ToolInputError) as caught:
            run("echo", {})
    assert caught.value.hint == "'echo' takes: source-url (required)"


def test_a_key_that_is_the_skills_setting_points_at_config_skills_set(
    run: Run, tools: Any, registries: Any
) -> None:
    """``-p top=3`` for a setting ``top`` is a mistake of place, not a typo."""

    class Settings(BaseModel):
        top: int = 10

    with attributed_to("echo-skill"):
        tools.register(Echo)
    context = registries.context(settings_for=lambda skill: Settings())
    with pytest.raises(ToolInputError) as caught:
        run("echo", {"source-url": "u", "top": "3"}, context)
    assert caught.value.hint == (
        "'top' is a setting of skill 'echo-skill', not an input; "
        "set it with: kurt config skills set echo-skill top VALUE"
    )
    with pytest.raises(ToolInputError) as other:  # a key that is neither: the fields
        run("echo", {"source-url": "u", "bottom": "3"}, context)
    assert other.value.hint == "'echo' takes: source-url (required)"


def test_an_unknown_tool_suggests_the_closest(run: Run) -> None:
    with pytest.raises(UnknownNameError) as caught:
        run("cont", {})
    assert str(caught.value) == "Unknown tool 'cont'. Did you mean 'count'?"


def test_a_raising_tool_gives_a_failed_result_with_the_message(run: Run) -> None:
    result = run("boom", {})
    assert result.success is False
    assert result.data == []
    assert [(e.message, e.type) for e in result.errors] == [
        ("ValueError: the disk is on fire", "ValueError")
    ]
    assert result.metadata["tool"] == "boom"
    assert "duration_ms" in result.metadata


def test_a_kurt_error_inside_a_tool_keeps_its_message(run: Run, tools: Any) -> None:
    @tools.register
    class Misconfigured(Boom):
        name = "misconfigured"

        async def run(
            self, params: Empty, context: ToolContext, on_progress: Any = None
        ) -> ToolResult:
            raise ConfigError("no token", key="skills.x.token", hint="set it")

    result = run("misconfigured", {})
    assert result.success is False
    assert result.errors[0].message == "no token (key 'skills.x.token')\n  hint: set it"
    assert result.errors[0].type == "ConfigError"


def test_output_not_matching_the_output_model_fails_the_run(run: Run, tools: Any) -> None:
    @tools.register
    class Liar(Count):
        name = "liar"

        async def run(
            self, params: CountIn, context: ToolContext, on_progress: Any = None
        ) -> ToolResult:
            return ToolResult.ok([{"index": "first", "label": "x"}])

    result = run("liar", {"n": 1})
    assert result.success is False
    assert result.errors[0].message == (
        "TypeError: run() returned data that does not match CountOut: item 0: field 'index': "
        "Input should be a valid integer, unable to parse string as an integer (got 'first')"
    )


class Greeting(BaseModel):
    message: str


class Greeter(Tool[Empty, Greeting]):
    name = "greeter"
    InputModel = Empty
    OutputModel = Greeting

    async def run(self, params: Empty, context: ToolContext, on_progress: Any = None) -> ToolResult:
        return ToolResult.ok([Greeting(message="a"), {"message": "b"}, {"text": "c"}])


def test_an_output_mismatch_names_the_item_counted_from_zero(run: Run, tools: Any) -> None:
    tools.register(Greeter)
    [error] = run("greeter", {}).errors
    assert error.message == (
        "TypeError: run() returned data that does not match Greeting: item 2: "
        "field 'message': Field required"
    )


def test_data_replaced_by_a_dict_after_the_result_was_built_fails_the_run(
    run: Run, tools: Any
) -> None:
    @tools.register
    class Sneaky(Greeter):
        name = "sneaky"

        async def run(
            self, params: Empty, context: ToolContext, on_progress: Any = None
        ) -> ToolResult:
            result = ToolResult.ok()
            result.data = {"message": "hi"}  # type: ignore[assignment]
            return result

    [error] = run("sneaky", {}).errors
    assert error.message == "TypeError: run() returned data as a dict, not a list"


def test_ok_given_a_dict_fails_the_run_with_a_clear_message(run: Run, tools: Any) -> None:
    @tools.register
    class Unwrapped(Greeter):
        name = "unwrapped"

        async def run(
            self, params: Empty, context: ToolContext, on_progress: Any = None
        ) -> ToolResult:
            return ToolResult.ok({"message": "ok"})  # type: ignore[dict-item]

    [error] = run("unwrapped", {}).errors
    assert (error.message, error.type) == (
        "TypeError: ToolResult.ok() takes a list of items, not a dict",
        "TypeError",
    )


def test_returning_something_else_than_a_tool_result_fails_the_run(run: Run, tools: Any) -> None:
    @tools.register
    class Sloppy(Count):
        name = "sloppy"

        async def run(  # type: ignore[override]
            self, params: CountIn, context: ToolContext, on_progress: Any = None
        ) -> list[int]:
            return [1, 2]

    result = run("sloppy", {"n": 1})
    assert result.success is False
    assert result.errors[0].message == "TypeError: run() returned list, not a ToolResult"


def test_a_failed_result_returned_by_the_tool_is_kept(run: Run, tools: Any) -> None:
    @tools.register
    class Refuses(Boom):
        name = "refuses"

        async def run(
            self, params: Empty, context: ToolContext, on_progress: Any = None
        ) -> ToolResult:
            return ToolResult.failure("nothing to do")

    result = run("refuses", {})
    assert (result.success, result.errors[0].message) == (False, "nothing to do")
    assert result.metadata["tool"] == "refuses"


# -- what run() may raise -----------------------------------------------------------


def exits_with(code: object) -> type[Tool[Empty, Empty]]:
    class Exits(Boom):
        name = "exits"

        async def run(
            self, params: Empty, context: ToolContext, on_progress: Any = None
        ) -> ToolResult:
            raise SystemExit(code)

    return Exits


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (0, "run() called sys.exit(0)"),
        (3, "run() called sys.exit(3)"),
        (None, "run() called sys.exit()"),
        ("bye", "run() called sys.exit('bye')"),
    ],
)
def test_sys_exit_in_run_becomes_a_failed_result(
    code: object, message: str, run: Run, tools: Any
) -> None:
    tools.register(exits_with(code))
    result = run("exits", {})
    assert result.success is False
    assert [(e.message, e.type) for e in result.errors] == [(message, "SystemExit")]
    assert result.metadata["tool"] == "exits"


def test_sys_exit_for_real_is_caught(run: Run, tools: Any) -> None:
    import sys

    @tools.register
    class Quitter(Boom):
        name = "quitter"

        async def run(
            self, params: Empty, context: ToolContext, on_progress: Any = None
        ) -> ToolResult:
            sys.exit(0)

    assert run("quitter", {}).errors[0].message == "run() called sys.exit(0)"


def test_keyboard_interrupt_in_run_goes_on(run: Run, tools: Any) -> None:
    @tools.register
    class Interrupted(Boom):
        name = "interrupted"

        async def run(
            self, params: Empty, context: ToolContext, on_progress: Any = None
        ) -> ToolResult:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run("interrupted", {})


# -- errors of the tools a tool runs in turn ---------------------------------------


class Call(BaseModel):
    tool: str
    params: dict[str, Any] = Field(default_factory=dict)


class Caller(Tool[Call, CountOut]):
    """Run another tool through the context and return its items."""

    name = "caller"
    InputModel = Call
    OutputModel = CountOut

    async def run(self, params: Call, context: ToolContext, on_progress: Any = None) -> ToolResult:
        inner = await context.run_tool(params.tool, params.params)
        if not inner.success:
            return inner
        return ToolResult.ok(inner.data, inner_tool=inner.metadata["tool"])


@pytest.fixture
def call(tools: Any, run: Run) -> Run:
    """Run ``tool`` through the sample ``caller``, a skill's tool that calls it in turn."""
    with attributed_to("calling-skill"):
        tools.register(Caller)

    def through_caller(tool: str, params: dict[str, Any] | None = None) -> ToolResult:
        return run("caller", {"tool": tool, "params": params or {}})

    return through_caller


def test_a_nested_call_with_invalid_input_fails_the_outer_tool(call: Run) -> None:
    result = call("count", {"n": "many"})
    assert result.success is False
    assert result.metadata["tool"] == "caller"
    [error] = result.errors
    assert error.type == "ToolInputError"
    assert error.message == (
        "Invalid input for tool 'count': field 'n': Input should be a valid integer, "
        "unable to parse string as an integer (got 'many')\n"
        "  hint: 'count' takes: n (required), label='item'; its schema: kurt tool info count"
    )


def test_a_nested_call_of_an_unknown_tool_fails_the_outer_tool(call: Run) -> None:
    result = call("cont")
    assert (result.success, result.metadata["tool"]) == (False, "caller")
    assert [(e.message, e.type) for e in result.errors] == [
        ("Unknown tool 'cont'. Did you mean 'count'?", "UnknownNameError")
    ]


def test_a_nested_call_that_succeeds_gives_its_items(call: Run) -> None:
    result = call("count", {"n": 2})
    assert result.success is True
    assert result.data == [{"index": 0, "label": "item"}, {"index": 1, "label": "item"}]
    assert result.metadata["inner_tool"] == "count"


def test_the_inner_tools_failed_result_reaches_the_caller(call: Run) -> None:
    result = call("boom")
    assert result.success is False
    assert [(e.message, e.type) for e in result.errors] == [
        ("ValueError: the disk is on fire", "ValueError")
    ]
    # The caller returned the inner result; execute_tool then stamped it as the caller's.
    assert result.metadata["tool"] == "caller"


def test_a_skill_that_may_not_run_fails_the_tool_that_called_it(run: Run, tools: Any) -> None:
    from kurt.errors import SkillError

    @tools.register
    class Gatekeeper(Boom):
        name = "gatekeeper"

        async def run(
            self, params: Empty, context: ToolContext, on_progress: Any = None
        ) -> ToolResult:
            raise SkillError("skill 'other' is disabled", hint="enable it")

    result = run("gatekeeper", {})
    assert [(e.message, e.type) for e in result.errors] == [
        ("skill 'other' is disabled\n  hint: enable it", "SkillError")
    ]


def test_a_usage_error_of_kurts_own_tool_about_its_input_stays_one(run: Run, call: Run) -> None:
    """`kurt fetch --engine htpx` is a bad command line (exit 2), not a failed fetch."""
    with pytest.raises(UnknownNameError) as caught:
        run("fetch", {"urls": ["https://example.com/"], "engine": "htpx"})
    assert str(caught.value) == "Unknown fetcher 'htpx'. Did you mean 'httpx'?"
    # Called by a skill's tool, the same mistake is that tool's failure.
    result = call("fetch", {"urls": ["https://example.com/"], "engine": "htpx"})
    assert [(e.message, e.type) for e in result.errors] == [
        ("Unknown fetcher 'htpx'. Did you mean 'httpx'?", "UnknownNameError")
    ]
