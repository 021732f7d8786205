"""``kurt trust``: allow (or stop allowing) a project's own skill code to run."""

from __future__ import annotations

from pathlib import Path

import click

from kurt.cli.state import CliState
from kurt.config.locations import PROJECT_FILE
from kurt.errors import UsageError


@click.command("trust")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--revoke", is_flag=True, help="Stop trusting the project.")
@click.pass_obj
def trust_command(state: CliState, directory: Path | None, revoke: bool) -> None:
    """Trust the project in DIRECTORY (default: the current project).

    Skills that come with a project (its skills/ folder and [skills].paths) run
    only in a project you trust, so cloning a repository and running kurt in it
    never executes its code unasked. Trust is recorded under KURT_HOME, for this
    folder only; a copy of the project elsewhere is not trusted. An unreadable
    record is rewritten, its bytes kept beside it as a backup.
    """
    from kurt.config.trust import repair_trust_record, set_trusted

    if directory is not None:
        root = directory.resolve()
        if not root.is_dir():
            raise UsageError(
                f"'{directory}' does not exist.", hint="pass the folder of a Kurt project"
            )
        if not (root / PROJECT_FILE).is_file():
            raise UsageError(
                f"'{directory}' is not a Kurt project (no {PROJECT_FILE}).",
                hint=f"create one with: kurt init {directory}",
            )
    else:
        found = state.locations.project_root
        if found is None:
            raise UsageError(
                "Not inside a Kurt project (no kurt.toml here or above).",
                hint="pass the folder: kurt trust DIR, or create a project with kurt init",
            )
        root = found
    trust_file = state.locations.trust_file
    backup = repair_trust_record(trust_file)
    if backup is not None:
        click.echo(
            f"warning: the trust record {trust_file} was unreadable; it is rewritten and its "
            f"old bytes kept in {backup}. Every other project you trusted must be trusted "
            "again (kurt trust DIR).",
            err=True,
        )
    changed = set_trusted(trust_file, root, trusted=not revoke)
    if revoke:
        click.echo(f"{root} is {'no longer' if changed else 'not'} trusted.")
    else:
        click.echo(f"{root} is {'now' if changed else 'already'} trusted.")
