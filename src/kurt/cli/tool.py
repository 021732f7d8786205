"""``kurt tool``: list, inspect and run tools, fetchers and mappers."""

from __future__ import annotations

import click

from kurt.cli.complete import names_of
from kurt.cli.output import print_json, print_listing
from kurt.cli.params import input_options, parse_params
from kurt.cli.state import CliState
from kurt.kinds import KINDS


@click.group("tool")
def tool_group() -> None:
    """List, inspect and run tools, fetchers and mappers."""


@tool_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_obj
def tool_list(state: CliState, as_json: bool) -> None:
    """Every tool, fetcher and mapper: kind, name, skill (or built-in), description.

    Skill-provided names come from their manifests; no skill code is imported.
    """
    from kurt.cli.tool_rows import rows_of, tool_rows
    from kurt.skills.catalog.warm import warm_tools
    from kurt.skills.status import STATUS_INVALID

    # As `kurt skill list`: from the snapshot while kurt.toml and every
    # manifest are as they were (no configuration read, no record built),
    # else through the manager, which rebuilds it.
    warm = warm_tools(state.project)
    rows = rows_of(warm[0]) if warm is not None else tool_rows(state.runtime.skills)
    if as_json:
        print_json(rows)
        return
    print_listing(
        ["kind", "name", "skill", "description"],
        [[r["kind"], r["name"], r["skill"] or "(built-in)", r["description"]] for r in rows],
    )
    # An invalid skill's tools are not listed (they cannot run): say so, or a
    # user looking for one would take it for a missing name.
    invalid = warm[1] if warm is not None else None
    if invalid is None:
        invalid = [r.name for r in state.runtime.skills.records if r.status == STATUS_INVALID]
    if invalid:
        more = f" and {len(invalid) - 5} more" if len(invalid) > 5 else ""
        shown = ", ".join(invalid[:5]) + more
        click.echo(
            f"note: not listed: what {len(invalid)} invalid skill(s) provide ({shown}); "
            f"see why with: kurt skill validate {invalid[0]}",
            err=True,
        )


@tool_group.command("info")
@click.argument("name", shell_complete=names_of(*KINDS))
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_obj
def tool_info(state: CliState, name: str, as_json: bool) -> None:
    """Kind, skill, description and input fields of NAME (--json: the JSON Schema).

    The input schema is shown for Kurt's own tools. A skill's tool is
    described from its manifest only (its code is not imported): see
    kurt skill info SKILL for its settings.
    """
    from kurt.cli.tool_rows import tool_info

    info = tool_info(state.runtime.skills, name)
    if as_json:
        print_json(info)
        return
    from kurt.cli.output import print_fields

    for row in info:
        click.echo(f"{row['kind']} {row['name']}")
        about = [("skill", row["skill"] or "(built-in)"), ("description", row["description"])]
        if row.get("url_patterns"):
            about += [
                ("url_patterns", ", ".join(row["url_patterns"])),
                ("priority", row["priority"]),
            ]
        print_fields(about, indent=13, margin="  ")
        if row.get("input_schema") is not None:
            from kurt.cli.input_fields import COLUMNS, input_fields

            fields = input_fields(row["input_schema"])
            if fields:
                click.echo("  input:")
                print_listing(COLUMNS, fields)
            else:
                click.echo("  input:       none")
        elif row.get("note"):
            print_fields([("note", row["note"])], indent=13, margin="  ")


@tool_group.command("run")
@click.argument("name", shell_complete=names_of("tool"))
@input_options(what="Input", one="One input field")
@click.pass_obj
def tool_run(
    state: CliState, name: str, raw_input: str | None, pairs: tuple[str, ...], as_json: bool
) -> None:
    """Run the tool NAME with input from --input and -p; the result goes to stdout.

    -p values are strings that the tool's input model converts ("5" for an
    int); a value starting with [ or { is read as JSON; a key given twice
    becomes a list; a key the tool does not take is refused, with a
    did-you-mean. Exit 1 when the tool failed, 2 for an unknown tool or
    invalid input.

    \b
    Examples:
      kurt tool run fetch -p urls=https://example.com --json
      kurt tool run map --input '{"source": "docs/"}'
    """
    import asyncio  # here, not at the top: it costs `kurt tool list` a third of click

    from kurt.cli.results import run_and_report

    params = parse_params(pairs, raw_input)
    asyncio.run(run_and_report(state.runtime, name, params, as_json=as_json))
