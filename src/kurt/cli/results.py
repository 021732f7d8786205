"""Running a tool from the CLI and showing its ToolResult (shared by
``tool run``, ``fetch`` and ``map``)."""

from __future__ import annotations

import contextlib
import sys
from typing import Any

import click

from kurt.cli.output import print_json, print_table
from kurt.cli.progress import progress_bar
from kurt.errors import KurtError, UsageError
from kurt.runtime import Runtime
from kurt.tools.execute import execute_tool
from kurt.tools.result import ErrorInfo, ToolResult


async def run_and_report(
    runtime: Runtime, name: str, params: dict[str, Any], *, as_json: bool
) -> None:
    """Run ``name``; print its result; exit 1 when it failed.

    Stdout carries Kurt's result only: whatever a skill prints while it is
    imported or run goes to stderr. A run refused or failing before the tool
    starts (untrusted project, disabled skill, invalid settings, a skill that
    does not load) still prints a failed ToolResult with ``as_json``, then the
    error goes on to the CLI's error boundary (``Error: ...``, exit 1). A usage
    error (exit 2: unknown name, invalid input) prints no result.
    """
    try:
        with contextlib.redirect_stdout(sys.stderr):
            async with runtime.context() as context:
                with progress_bar(enabled=not as_json) as on_progress:
                    result = await execute_tool(name, params, context, on_progress)
    except KurtError as exc:
        if as_json and not isinstance(exc, UsageError):
            show_result(refused_result(name, exc), as_json=True)
        raise
    show_result(result, as_json=as_json)
    if not result.success:
        raise click.exceptions.Exit(1)


def refused_result(name: str, exc: KurtError) -> ToolResult:
    """The failed ToolResult of a run of ``name`` that ``exc`` stopped before it began.

    ``message`` is the text the user sees after ``Error:``; ``file``, ``line``,
    ``key`` and ``hint`` are repeated as keys, where known, for scripts.
    """
    where = {"file": exc.file, "line": exc.line, "key": exc.key, "hint": exc.hint}
    error = ErrorInfo(
        message=str(exc),
        type=type(exc).__name__,
        **{key: value for key, value in where.items() if value is not None},
    )
    return ToolResult(success=False, errors=[error], metadata={"tool": name})


def show_result(result: ToolResult, *, as_json: bool) -> None:
    if as_json:
        print_json(result.model_dump(mode="json"))
        return
    if result.data:
        columns = _columns(result.data)
        print_table(columns, [[_cell(item.get(c)) for c in columns] for item in result.data])
    for error in result.errors:
        where = f"{error.item}: " if error.item else ""
        if error.message.startswith(where):  # a mapper's message may name the URL already
            where = ""
        click.echo(f"error: {where}{error.message}", err=True)
    status = "ok" if result.success else "failed"
    duration = result.metadata.get("duration_ms")
    summary = f"{len(result.data)} item(s), {len(result.errors)} error(s), {status}"
    if duration is not None:
        summary += f" in {duration:.0f} ms"
    click.echo(summary, err=True)


def _columns(items: list[dict[str, Any]]) -> list[str]:
    columns: list[str] = []
    for item in items:
        for key, value in item.items():
            if key not in columns and not isinstance(value, dict | list):
                columns.append(key)
    return columns[:6]


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    text = " ".join(text.split())
    return text if len(text) <= 80 else text[:77] + "..."
