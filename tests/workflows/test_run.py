"""Running a workflow in-process: order, data between steps, concurrency,
failures stopping only their dependents."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, ClassVar

import pytest
from pydantic import BaseModel

from kurt.core.context import ToolContext
from kurt.core.result import ToolResult
from kurt.core.tool import Tool
from kurt.workflows.model import Step, Workflow
from kurt.workflows.run import run_workflow
from samples import Boom, Count, Registries


class Labels(BaseModel):
    labels: list[str] = []


class Label(BaseModel):
    label: str


class Join(Tool[Labels, Label]):
    """One item whose label joins the labels it is given."""

    name = "join"
    InputModel = Labels
    OutputModel = Label

    async def run(
        self, params: Labels, context: ToolContext, on_progress: Any = None
    ) -> ToolResult:
        return ToolResult.ok([Label(label="+".join(params.labels))])


class Meet(Tool[Label, Label]):
    """Waits until every other Meet has started: finishes only if they run at once."""

    name = "meet"
    InputModel = Label
    OutputModel = Label
    started: ClassVar[dict[str, asyncio.Event]] = {}

    async def run(self, params: Label, context: ToolContext, on_progress: Any = None) -> ToolResult:
        self.started[params.label].set()
        await asyncio.gather(*(event.wait() for event in self.started.values()))
        return ToolResult.ok([params])


class Counted(Tool[Label, Label]):
    """Records how many of its runs are in flight at once."""

    name = "counted"
    InputModel = Label
    OutputModel = Label
    now = 0
    most = 0

    async def run(self, params: Label, context: ToolContext, on_progress: Any = None) -> ToolResult:
        Counted.now += 1
        Counted.most = max(Counted.most, Counted.now)
        for _ in range(5):
            await asyncio.sleep(0)
        Counted.now -= 1
        return ToolResult.ok([params])


@pytest.fixture
def context(registries: Registries) -> ToolContext:
    for tool in (Count, Boom, Join, Meet, Counted):
        registries.tools.register(tool)
    return registries.context()


def flow(*steps: Step) -> Workflow:
    return Workflow(name="f", path=Path("f.toml"), steps=steps)


def run(workflow: Workflow, context: ToolContext, **inputs: Any) -> ToolResult:
    return asyncio.run(run_workflow(workflow, inputs, context))


def test_data_flows_from_step_to_step(context: ToolContext) -> None:
    workflow = flow(
        Step("join", "join", {"labels": "{{ steps.count.data.label }}"}),
        Step("count", "count", {"n": "{{ inputs.n }}", "label": "x{{ inputs.n }}"}),
    )
    result = run(workflow, context, n=2)
    assert result.success
    assert [(item["step"], item["status"]) for item in result.data] == [
        ("join", "ok"),
        ("count", "ok"),
    ]
    assert result.data[0]["result"]["data"] == [{"label": "x2+x2"}]
    assert result.metadata["steps"] == {"ok": 2, "failed": 0, "skipped": 0}


def test_independent_steps_run_at_the_same_time(context: ToolContext) -> None:
    Meet.started = {"a": asyncio.Event(), "b": asyncio.Event()}

    async def both() -> ToolResult:
        workflow = flow(Step("a", "meet", {"label": "a"}), Step("b", "meet", {"label": "b"}))
        # One after the other, the first would wait for the second forever.
        return await asyncio.wait_for(run_workflow(workflow, {}, context), timeout=30)

    assert asyncio.run(both()).success


def test_at_most_max_parallel_steps_run_at_once(context: ToolContext) -> None:
    Counted.now = Counted.most = 0
    workflow = flow(*(Step(f"s{i}", "counted", {"label": str(i)}) for i in range(5)))
    result = asyncio.run(run_workflow(workflow, {}, context, max_parallel=2))
    assert result.success
    assert Counted.most == 2


def test_a_failed_step_skips_its_dependents_only(context: ToolContext) -> None:
    seen: list[tuple[str, str]] = []
    workflow = flow(
        Step("boom", "boom"),
        Step("after", "count", {"n": 1}, depends_on=("boom",)),
        Step("later", "join", {"labels": "{{ steps.after.data.label }}"}),
        Step("free", "count", {"n": 1}),
    )
    result = asyncio.run(
        run_workflow(
            workflow, {}, context, on_step=lambda s, status, r: seen.append((s.id, status))
        )
    )
    assert not result.success
    statuses = {item["step"]: item["status"] for item in result.data}
    assert statuses == {"boom": "failed", "after": "skipped", "later": "skipped", "free": "ok"}
    assert sorted(seen) == sorted(statuses.items())
    assert [error.message for error in result.errors] == [
        "step 'boom': ValueError: the disk is on fire",
        "step 'after': skipped, as step(s) boom did not succeed",
        "step 'later': skipped, as step(s) after did not succeed",
    ]


def test_a_refused_call_is_that_steps_failure(context: ToolContext) -> None:
    workflow = flow(Step("bad", "count", {"n": "many"}), Step("ok", "count", {"n": 1}))
    result = run(workflow, context)
    assert [item["status"] for item in result.data] == ["failed", "ok"]
    [error] = result.errors
    assert error.message.startswith("step 'bad': Invalid input for tool 'count': field 'n'")
    assert error.type == "ToolInputError"
