"""``kurt workflow``: list, inspect, validate, run and create workflows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from kurt.cli.complete import workflow_names
from kurt.cli.output import print_json, print_listing
from kurt.cli.params import input_options
from kurt.cli.state import CliState

if TYPE_CHECKING:
    from kurt.skills.record import SkillProblem
    from kurt.workflows.load import Loaded


@click.group("workflow")
def workflow_group() -> None:
    """List, inspect, validate, run and create workflows.

    A workflow is a TOML file of steps that run tools in dependency order:
    the project's workflows/*.toml and those skills list under workflows:
    in SKILL.md. kurt workflow new NAME writes one to start from.
    """


def _found(state: CliState) -> list[Loaded]:
    from kurt.workflows.load import find_workflows

    return find_workflows(state.locations.project_root, state.runtime.skills)


def _untrusted_note(state: CliState, found: list[Loaded]) -> None:
    """SPEC section 9: say once that an untrusted project's workflows do not run."""
    if any(not loaded.workflow.trusted for loaded in found):
        root = state.locations.project_root
        click.echo(
            f"note: this project's workflows are shown but do not run until you trust it: "
            f"kurt trust {root}",
            err=True,
        )


@workflow_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_obj
def workflow_list(state: CliState, as_json: bool) -> None:
    """Every workflow: name, where it comes from, description."""
    found = _found(state)
    _untrusted_note(state, found)
    rows = [loaded.workflow.to_json() for loaded in found]
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo("No workflows. Create one with: kurt workflow new NAME", err=True)
        return
    print_listing(
        ["name", "from", "description", "path"],
        [
            [
                row["name"],
                (row["skill"] or "project") + ("" if row["trusted"] else " (untrusted)"),
                row["description"],
                row["path"],
            ]
            for row in rows
        ],
    )


@workflow_group.command("info")
@click.argument("name", shell_complete=workflow_names)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_obj
def workflow_info(state: CliState, name: str, as_json: bool) -> None:
    """Description, inputs and steps of workflow NAME."""
    from kurt.workflows.load import pick_workflow

    found = _found(state)
    workflow = pick_workflow(found, name).workflow
    _untrusted_note(state, [loaded for loaded in found if loaded.workflow is workflow])
    details = workflow.details_json()
    if as_json:
        print_json(details)
        return
    click.echo(f"workflow {workflow.name}")
    click.echo(f"  from:        {workflow.skill or 'project'}")
    click.echo(f"  file:        {workflow.path}")
    click.echo(f"  description: {workflow.description}")
    if workflow.inputs:
        click.echo("  inputs:")
        print_listing(
            ["input", "type", "required", "default", "description"],
            [
                [s.name, s.type, "yes" if s.required else "no", s.default, s.description]
                for s in workflow.inputs
            ],
        )
    click.echo("  steps:")
    from kurt.workflows.graph import needs

    print_listing(
        ["step", "tool", "waits for"],
        [[step.id, step.tool, ", ".join(needs(step))] for step in workflow.steps],
    )


@workflow_group.command("validate")
@click.argument("target", required=False, shell_complete=workflow_names)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_obj
def workflow_validate(state: CliState, target: str | None, as_json: bool) -> None:
    """Check workflow TARGET (a name or a .toml file; default: every workflow).

    Tool names, each step's input, references, depends_on and cycles are
    checked from manifests, importing no skill code; each problem names the
    file and the line. Exit 1 when there is an error.
    """
    from kurt.workflows.validate import CatalogTools, duplicate_names, validate

    tools = CatalogTools(state.runtime.skills)
    chosen = _chosen(state, target)
    problems: list[SkillProblem] = []
    for loaded in chosen:
        problems += validate(loaded, tools)
    if target is None:
        problems += duplicate_names(loaded.workflow for loaded in chosen)
    errors = [problem for problem in problems if problem.is_error]
    if as_json:
        print_json(
            {
                "valid": not errors,
                "workflows": [str(loaded.workflow.path) for loaded in chosen],
                "problems": [{**p.to_json(), "severity": p.severity} for p in problems],
            }
        )
    else:
        for problem in problems:
            click.echo(f"{problem.severity}: {problem}", err=True)
        checked = len(chosen)
        verdict = "invalid" if errors else "valid"
        click.echo(f"{checked} workflow(s) checked, {len(errors)} error(s): {verdict}", err=True)
    if errors:
        raise click.exceptions.Exit(1)


def _chosen(state: CliState, target: str | None) -> list[Loaded]:
    """The workflows ``validate`` checks: all, one by name, or one file."""
    from pathlib import Path

    from kurt.workflows.load import pick_workflow, read_workflow

    if target is not None and target.endswith(".toml"):
        path = Path(target)
        if not path.is_file():
            from kurt.errors import UsageError

            raise UsageError(f"no workflow file {target}", hint="give a workflow name or a file")
        return [read_workflow(path.resolve())]
    found = _found(state)
    if target is None:
        return found
    return [pick_workflow(found, target)]


@workflow_group.command("run")
@click.argument("name", shell_complete=workflow_names)
@input_options(what="Inputs", one="One workflow input")
@click.pass_obj
def workflow_run(
    state: CliState, name: str, raw_input: str | None, pairs: tuple[str, ...], as_json: bool
) -> None:
    """Run workflow NAME with inputs from -p (and --input).

    Steps run in dependency order, independent ones at the same time; a
    failed step's dependents are skipped. The result holds every step's
    ToolResult (--json prints it). Exit 1 when a step failed or the
    workflow is invalid, 2 for an unknown workflow or input.

    \b
    Example:
      kurt workflow run digest -p source=examples/site --json
    """
    import asyncio

    from kurt.cli.params import parse_params
    from kurt.cli.results import refused_result, show_result
    from kurt.errors import KurtError, UsageError
    from kurt.workflows.inputs import resolve_inputs
    from kurt.workflows.load import pick_workflow

    loaded = pick_workflow(_found(state), name)
    workflow = loaded.workflow
    try:
        _refuse_untrusted(state, loaded)
        _refuse_invalid(state, loaded)
    except KurtError as exc:  # as `tool run`: --json still gets a (failed) result
        if as_json and not isinstance(exc, UsageError):
            show_result(refused_result(name, exc), as_json=True)
        raise
    inputs = resolve_inputs(workflow, parse_params(pairs, raw_input))
    result = asyncio.run(_run(state, loaded, inputs, as_json=as_json))

    if as_json:
        show_result(result, as_json=True)
    else:
        _show_steps(result.data)
        for error in result.errors:
            click.echo(f"error: {error.message}", err=True)
        steps = result.metadata["steps"]
        status = "ok" if result.success else "failed"
        click.echo(
            f"workflow {workflow.name}: {steps['ok']} ok, {steps['failed']} failed, "
            f"{steps['skipped']} skipped, {status} in {result.metadata['duration_ms']:.0f} ms",
            err=True,
        )
    if not result.success:
        raise click.exceptions.Exit(1)


async def _run(state: CliState, loaded: Loaded, inputs: dict[str, Any], *, as_json: bool) -> Any:
    """One workflow run: one ToolContext for every step, so one database, one
    HTTP client and one lifespan scope (SPEC section 11) for the whole run."""
    import contextlib
    import sys

    from kurt.cli.results import warn_misspelt_variables
    from kurt.workflows.run import run_workflow

    warn_misspelt_variables(state.runtime)
    with contextlib.redirect_stdout(sys.stderr):  # stdout carries the result only
        async with state.runtime.context() as context:
            return await run_workflow(
                loaded.workflow,
                inputs,
                context,
                on_step=None if as_json else _step_line,
            )


def _step_line(step: Any, status: str, result: Any) -> None:
    """A line on stderr as each step ends."""
    if result is None:
        click.echo(f"step {step.id} ({step.tool}): {status}", err=True)
        return
    duration = result.metadata.get("duration_ms")
    took = f" in {duration:.0f} ms" if duration is not None else ""
    click.echo(
        f"step {step.id} ({step.tool}): {status}, {len(result.data)} item(s){took}", err=True
    )


def _show_steps(data: list[dict[str, Any]]) -> None:
    """The items of the last step (in file order) that ran, as a table on stdout."""
    from kurt.cli.results import show_items

    finished = [item for item in data if item["result"] is not None]
    if finished:
        show_items(finished[-1]["result"]["data"])


def _refuse_untrusted(state: CliState, loaded: Loaded) -> None:
    if loaded.workflow.trusted:
        return
    from kurt.errors import UntrustedProjectError

    root = state.locations.project_root
    raise UntrustedProjectError(
        f"workflow '{loaded.workflow.name}' comes with the project at {root}, which you have "
        "not trusted, so it does not run here",
        file=loaded.workflow.path,
        hint=f"review the project's workflows and skills, then trust it with: kurt trust {root}",
    )


def _refuse_invalid(state: CliState, loaded: Loaded) -> None:
    from kurt.errors import KurtError
    from kurt.workflows.validate import CatalogTools, validate

    errors = [p for p in validate(loaded, CatalogTools(state.runtime.skills)) if p.is_error]
    if not errors:
        return
    first = errors[0]
    more = "".join(f"\n  {problem}" for problem in errors[1:])
    raise KurtError(
        f"workflow '{loaded.workflow.name}' is invalid: {first.message}{more}",
        file=first.file,
        line=first.line,
        hint=first.hint or f"see every problem with: kurt workflow validate {loaded.workflow.name}",
    )


@workflow_group.command("new")
@click.argument("name")
@click.pass_obj
def workflow_new(state: CliState, name: str) -> None:
    """Create workflows/NAME.toml in the project: map a source, fetch its pages."""
    from kurt.errors import UsageError
    from kurt.workflows.load import FOLDER
    from kurt.workflows.scaffold import new_workflow

    root = state.locations.project_root
    if root is None:
        raise UsageError(
            "Not inside a Kurt project (no kurt.toml here or above).",
            hint="create one with kurt init",
        )
    path = new_workflow(root / FOLDER, name)
    click.echo(f"Created {path}")
    click.echo(f"  validate it: kurt workflow validate {name}")
    click.echo(f"  run it:      kurt workflow run {name} -p source=examples/site")
