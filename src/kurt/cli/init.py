"""``kurt init``: create a project."""

from __future__ import annotations

from pathlib import Path

import click

from kurt.cli.state import CliState
from kurt.config.locations import DATA_DIR, PROJECT_FILE, SKILLS_DIR, Locations, user_home

STARTER = """\
# Kurt project configuration. Reference: docs/configuration.md
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

    An existing kurt.toml is left as it is.
    """
    from kurt.skills.trust import set_trusted

    root = (directory or Path(state.project or ".")).resolve()
    root.mkdir(parents=True, exist_ok=True)
    config = root / PROJECT_FILE
    created = not config.exists()
    if created:
        config.write_text(STARTER, encoding="utf-8")
    (root / SKILLS_DIR).mkdir(exist_ok=True)
    (root / DATA_DIR).mkdir(exist_ok=True)
    set_trusted(Locations(project_root=root, home=user_home()).trust_file, root)
    verb = "Created" if created else "Kept the existing"
    click.echo(f"{verb} {config}")
    click.echo(f"Project {root} is trusted: its skills/ may run code.")
