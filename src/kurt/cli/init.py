"""``kurt init``: create a project."""

from __future__ import annotations

import os
from pathlib import Path

import click

from kurt.cli.state import CliState
from kurt.config.locations import DATA_DIR, PROJECT_FILE, SKILLS_DIR, Locations, user_home
from kurt.errors import KurtError

STARTER = """\
# Kurt project configuration. Reference: kurt config --help
# Print a JSON Schema of this file for your editor with: kurt config schema

[skills]
# Extra folders to search for skills, relative to this file (./skills is always searched).
paths = []
# Allow-list: uncomment to enable only these skills (absent = every skill found).
# enabled = ["web-archiver"]
# Skills never enabled, even if listed above (`kurt config skills disable NAME` writes it).
# disabled = ["legacy-crawler"]

# Each skill's own settings live in a table named after it, for example:
# [skills.web-archiver]
# timeout = 45
"""


@click.command("init")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.pass_obj
def init_command(state: CliState, directory: Path | None) -> None:
    """Create kurt.toml, skills/ and .kurt/ in DIRECTORY (default: here) and trust it.

    A folder that already holds a kurt.toml is left as it is (exit 1): trust
    an existing project, after reviewing its skills, with `kurt trust DIR`.
    """
    from kurt.config.trust import set_trusted

    root = (directory or Path(state.project or ".")).resolve()
    config = root / PROJECT_FILE
    # A kurt.toml already here means someone else's project (a clone, most
    # likely): trusting it would let its skills run unreviewed, so init only
    # trusts what it creates (SPEC section 9). lexists: a dangling symlink
    # named kurt.toml counts too, and is never written through.
    if os.path.lexists(config):
        raise KurtError(
            f"{config} already exists: kurt init changed nothing and did not trust it.",
            hint=f"review its skills, then trust it with: kurt trust {root}",
        )
    root.mkdir(parents=True, exist_ok=True)
    try:
        with config.open("x", encoding="utf-8") as out:  # "x": never overwrite a racing one
            out.write(STARTER)
    except FileExistsError:
        raise KurtError(
            f"{config} appeared while kurt init ran: it changed nothing.",
            hint=f"review its skills, then trust it with: kurt trust {root}",
        ) from None
    (root / SKILLS_DIR).mkdir(exist_ok=True)
    (root / DATA_DIR).mkdir(exist_ok=True)
    set_trusted(Locations(project_root=root, home=user_home()).trust_file, root)
    click.echo(f"Created {config}")
    click.echo(f"Project {root} is trusted: its skills/ may run code.")
