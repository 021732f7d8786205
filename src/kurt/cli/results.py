"""Running a tool from the CLI and showing its ToolResult (shared by
``tool run``, ``fetch`` and ``map``)."""

from __future__ import annotations

import contextlib
import logging
import sys
from typing import Any

import click

from kurt.cli.output import print_json, print_listing
from kurt.cli.progress import progress_bar
from kurt.core.execute import execute_tool
from kurt.core.result import ErrorInfo, ToolResult
from kurt.errors import KurtError, UsageError
from kurt.runtime import Runtime


async def run_and_report(
    runtime: Runtime, name: str, params: dict[str, Any], *, as_json: bool
) -> ToolResult:
    """Run ``name``; print its result; exit 1 when it failed, else return it.

    Stdout carries Kurt's result only: whatever a skill prints while it is
    imported or run goes to stderr. A run refused or failing before the tool
    starts (untrusted project, disabled skill, invalid settings, a skill that
    does not load) still prints a failed ToolResult with ``as_json``, then the
    error goes on to the CLI's error boundary (``Error: ...``, exit 1). A usage
    error (exit 2: unknown name, invalid input) prints no result. Whatever the
    tool raises once it runs is already its failed result (see ``execute_tool``).
    """
    try:
        warn_misspelt_variables(runtime)  # inside: a broken kurt.toml is this run's failure
        note_fallback(runtime, name)
        with contextlib.redirect_stdout(sys.stderr):
            async with runtime.context() as context:
                with progress_bar(enabled=not as_json) as on_progress:
                    result = await execute_tool(name, params, context, on_progress)
    except KurtError as exc:
        if as_json and not isinstance(exc, UsageError):
            show_result(refused_result(name, exc), as_json=True)
        raise
    show_result(result, as_json=as_json)
    if result.metadata.get("stored") is False and runtime.locations.project_root is None:
        click.echo(
            "note: nothing was stored: there is no Kurt project here "
            "(run `kurt init` to make one, then fetch or map again to keep the results)",
            err=True,
        )
    if not result.success:
        raise click.exceptions.Exit(1)
    return result


def warn_misspelt_variables(runtime: Runtime) -> None:
    """Say on stderr which ``KURT_*`` variables this run ignores because their
    section or skill part is misspelt (``KURT_FECTH__TIMEOUT``)."""
    import os

    from kurt.config.keys import misspelt_variables

    def skill_names() -> list[str]:  # read only when a KURT_SKILLS__ variable is set
        return [row["name"] for row in runtime.skills.listing()]

    for problem in misspelt_variables(os.environ, skill_names):
        click.echo(f"warning: {problem}", err=True)


def note_fallback(runtime: Runtime, name: str) -> None:
    """Say on stderr when the skill that runs tool ``name`` stands in for an
    invalid one of the same name that comes first (SPEC: which ran, and why)."""
    skills = runtime.skills
    # Only names skills provide: asking about a built-in would scan every source.
    if name not in skills.names("tool"):
        return
    record = skills.provider("tool", name)
    if record is not None and record.usable:
        for note in skills.fallback_notes(record):
            click.echo(f"note: {note}", err=True)


def _names(message: str, item: str) -> bool:
    """Whether ``message`` names ``item`` already (a file by its path or its URI)."""
    if item in message:
        return True
    if item.startswith("file:"):
        from kurt.tools.paths import to_path

        return str(to_path(item)) in message
    return False


def refused_result(name: str, exc: KurtError) -> ToolResult:
    """The failed ToolResult of a run of ``name`` that ``exc`` stopped before it began.

    ``message`` is the first line(s) the user sees after ``Error:``, without
    the ``hint:`` line; ``file``, ``line``, ``key`` and ``hint`` are repeated
    as keys, where known, for scripts.
    """
    return ToolResult(success=False, errors=[ErrorInfo.from_error(exc)], metadata={"tool": name})


def show_result(result: ToolResult, *, as_json: bool) -> None:
    """Print ``result``: its JSON on stdout, or its items as a table on stdout
    and its errors and a summary line on stderr."""
    if as_json:
        print_json(result.model_dump(mode="json"))
        return
    show_items(result.data)
    for error in result.errors:
        where = f"{error.item}: " if error.item else ""
        if error.item and _names(error.message, error.item):
            where = ""
        click.echo(f"error: {where}{error.message}", err=True)
        hint = (error.model_extra or {}).get("hint")
        if isinstance(hint, str) and hint:
            click.echo(f"  hint: {hint}", err=True)
    if any(_crashed(error) for error in result.errors) and not _log.isEnabledFor(logging.DEBUG):
        click.echo(f"  hint: {DEBUG_HINT}", err=True)
    duration = result.metadata.get("duration_ms")
    summary = f"{len(result.data)} item(s), {len(result.errors)} error(s), {_status(result)}"
    if duration is not None:
        summary += f" in {duration:.0f} ms"
    click.echo(summary, err=True)


def _status(result: ToolResult) -> str:
    """``ok``, ``failed``, or for a run that failed in part how much did
    (``2 of 3 URLs failed``): "ok" would hide that most of a fetch failed."""
    if not result.errors:
        return "ok" if result.success else "failed"
    if not result.success:
        return "failed"
    done, failed = result.metadata.get("fetched"), result.metadata.get("failed")
    if isinstance(done, int) and isinstance(failed, int):
        return f"{failed} of {done + failed} URLs failed"
    return "partly failed"


def show_items(items: list[dict[str, Any]]) -> None:
    """Print a result's items as a table on stdout (nothing when there are none)."""
    if items:
        columns = _columns(items)
        rows = [[_cell(item.get(c)) for c in columns] for item in items]
        # tidy: a column with one value in every row (map's source) becomes a caption.
        # A URL is what a user copies: kept whole, under its row when the row is too wide.
        print_listing(columns, rows, own_line="url" if "url" in columns else None, tidy=True)


DEBUG_HINT = "run again with --debug to see where it was raised"

# Error types whose message is written for the user (a URL that failed, a
# mapper's complaint): a traceback would not help them.
_USER_MESSAGES = {"FetchError", "MapError"}

# Where a crash's traceback is logged: when it shows (--debug), the hint to ask
# for it again is noise.
_log = logging.getLogger("kurt.core.execute")


def _crashed(error: ErrorInfo) -> bool:
    """Whether ``error`` is an exception raised by code rather than a message
    meant for the user: its ``type`` names an exception other than Kurt's own
    errors (``ToolResult.failure(...)`` and per-item errors have no such type)."""
    if error.type is None or error.type in _USER_MESSAGES:
        return False
    return error.type not in _kurt_error_names()


def _kurt_error_names() -> set[str]:
    names: set[str] = set()
    pending: list[type[KurtError]] = [KurtError]
    while pending:
        cls = pending.pop()
        names.add(cls.__name__)
        pending.extend(cls.__subclasses__())
    return names


def _columns(items: list[dict[str, Any]]) -> list[str]:
    columns: list[str] = []
    for item in items:
        for key, value in item.items():
            if key not in columns and not isinstance(value, dict | list):
                columns.append(key)
    return columns[:6]


def _cell(value: Any) -> str:
    """A value as one table cell: prose cut after 80 characters; a single word
    (a URL, a path) kept whole, for the table to shorten in its middle if it
    must (cut at its end, two long URLs of one site would read the same)."""
    text = "" if value is None else str(value)
    text = " ".join(text.split())
    if len(text) <= 80 or " " not in text:
        return text
    return text[:79] + "…"
