"""Running a workflow: its steps in dependency order, independent steps at
the same time (at most :data:`MAX_PARALLEL` at once), each through
:func:`kurt.core.execute.execute_tool` as ``kurt tool run`` runs a tool, so
each step gets its own skill's settings.

A step that fails (its result failed, or the call was refused: an unknown
tool, invalid input, an untrusted or disabled skill) stops the steps that
wait for it, which are skipped; the others run on. The run's
:class:`~kurt.core.result.ToolResult` holds one item per step, in the file's
order: ``{"step", "tool", "status" (ok|failed|skipped), "result"}``, where
``result`` is that step's ToolResult (``None`` when skipped); it succeeds
when every step did.
"""

from __future__ import annotations

import asyncio
import graphlib
import time
from collections.abc import Callable, Mapping
from typing import Any

from kurt.core.context import ToolContext
from kurt.core.execute import execute_tool
from kurt.core.result import ErrorInfo, ToolResult
from kurt.errors import KurtError
from kurt.workflows import template
from kurt.workflows.graph import dependencies
from kurt.workflows.model import Step, Workflow

#: How many steps run at once, at most.
MAX_PARALLEL = 4

OK = "ok"
FAILED = "failed"
SKIPPED = "skipped"

#: Called once per step as it ends: the step, its status and its result.
StepCallback = Callable[[Step, str, ToolResult | None], None]


async def run_workflow(
    workflow: Workflow,
    inputs: Mapping[str, Any],
    context: ToolContext,
    *,
    on_step: StepCallback | None = None,
    max_parallel: int = MAX_PARALLEL,
) -> ToolResult:
    """Run ``workflow`` with input values ``inputs`` (see the module doc);
    the workflow has been validated."""
    graph = dependencies(workflow)
    sorter = graphlib.TopologicalSorter(graph)
    sorter.prepare()
    statuses: dict[str, str] = {}
    results: dict[str, ToolResult] = {}
    limit = asyncio.Semaphore(max_parallel)
    running: dict[asyncio.Task[ToolResult], Step] = {}
    start = time.perf_counter()

    async def one(step: Step) -> ToolResult:
        async with limit:
            data = {done: results[done].data for done in graph[step.id]}
            payload = template.render(step.input, inputs, data)
            try:
                return await execute_tool(step.tool, payload, context)
            except KurtError as exc:  # refused before the tool ran: this step's failure
                error = ErrorInfo.from_error(exc)
                return ToolResult(success=False, errors=[error], metadata={"tool": step.tool})

    try:
        while sorter.is_active():
            for step_id in sorter.get_ready():
                step = _step(workflow, step_id)
                if any(statuses[other] != OK for other in graph[step_id]):
                    statuses[step_id] = SKIPPED
                    sorter.done(step_id)
                    if on_step is not None:
                        on_step(step, SKIPPED, None)
                else:
                    running[asyncio.create_task(one(step))] = step
            if not running:
                continue  # skipped steps may have made others ready
            finished, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            for task in finished:
                step = running.pop(task)
                result = task.result()
                results[step.id] = result
                statuses[step.id] = OK if result.success else FAILED
                sorter.done(step.id)
                if on_step is not None:
                    on_step(step, statuses[step.id], result)
    finally:
        for task in running:  # interrupted (Ctrl-C) or crashed: stop what still runs
            task.cancel()
        if running:
            await asyncio.gather(*running, return_exceptions=True)
    return _result(workflow, statuses, results, time.perf_counter() - start)


def _step(workflow: Workflow, step_id: str) -> Step:
    step = workflow.step(step_id)
    if step is None:  # dependencies() knows only the workflow's own ids
        raise LookupError(step_id)
    return step


def _result(
    workflow: Workflow,
    statuses: Mapping[str, str],
    results: Mapping[str, ToolResult],
    seconds: float,
) -> ToolResult:
    data: list[dict[str, Any]] = []
    errors: list[ErrorInfo] = []
    graph = dependencies(workflow)
    for step in workflow.steps:
        status = statuses[step.id]
        result = results.get(step.id)
        data.append(
            {
                "step": step.id,
                "tool": step.tool,
                "status": status,
                "result": None if result is None else result.model_dump(mode="json"),
            }
        )
        if status == FAILED and result is not None:
            for error in result.errors:
                errors.append(
                    error.model_copy(update={"message": f"step '{step.id}': {error.message}"})
                )
            if not result.errors:
                errors.append(ErrorInfo(message=f"step '{step.id}': the tool '{step.tool}' failed"))
        elif status == SKIPPED:
            stopped = [other for other in graph[step.id] if statuses[other] != OK]
            errors.append(
                ErrorInfo(
                    message=f"step '{step.id}': skipped, as step(s) {', '.join(stopped)} "
                    "did not succeed",
                )
            )
    return ToolResult(
        success=all(status == OK for status in statuses.values()),
        data=data,
        errors=errors,
        metadata={
            "workflow": workflow.name,
            "file": str(workflow.path),
            "steps": {
                status: sum(1 for s in statuses.values() if s == status)
                for status in (OK, FAILED, SKIPPED)
            },
            "duration_ms": round(seconds * 1000, 3),
        },
    )
