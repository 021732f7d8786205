"""``kurt mcp``: serve a project to agent clients over the Model Context Protocol."""

from __future__ import annotations

import click

from kurt.cli.state import CliState
from kurt.errors import KurtError

INSTALL_HINT = "pip install 'kurt-skills[mcp]'"


@click.group("mcp")
def mcp_group() -> None:
    """Serve this project's tools to agent clients (Claude Code, Codex, Cursor, VS Code)."""


@mcp_group.command("serve")
@click.pass_obj
def mcp_serve(state: CliState) -> None:
    """Serve the project's tools and skill documents over stdio (MCP).

    An agent client starts this command itself; set it up with
    kurt mcp config --client NAME. Tools are those kurt tool run can run
    here, narrowed by [mcp] include and exclude in kurt.toml; in a project
    you have not trusted, its own skills' tools are not served.

    \b
    Example (what a client runs):
      kurt --project ~/my-project mcp serve
    """
    try:
        import mcp  # noqa: F401  (the SDK comes with the extra)
    except ImportError:
        raise KurtError(
            "kurt mcp serve needs the MCP SDK, which is not installed",
            hint=f"install it with: {INSTALL_HINT}",
        ) from None
    from kurt.mcp.server import serve

    serve(state.locations)


@mcp_group.command("config")
@click.option(
    "--client",
    "client_name",
    type=click.Choice(["claude", "codex", "cursor", "vscode"]),
    required=True,
    help="The agent client to set up.",
)
@click.option("--name", default="kurt", show_default=True, help="The server's name there.")
@click.option("--write", is_flag=True, help="Merge it into the client's file (else print it).")
@click.pass_obj
def mcp_config(state: CliState, client_name: str, name: str, write: bool) -> None:
    """Print (or --write) the client entry that starts kurt --project DIR mcp serve.

    DIR is this project. --write merges the entry into the client's user
    file (Claude Code: ~/.claude.json; Codex: ~/.codex/config.toml; Cursor:
    ~/.cursor/mcp.json; VS Code: the profile's mcp.json), keeping everything
    else in it; the client then starts the server itself.

    \b
    Examples:
      kurt mcp config --client claude            print the entry
      kurt mcp config --client codex --write     add it to ~/.codex/config.toml
    """
    from pathlib import Path

    from kurt.mcp.clients import client, merge, snippet

    project = state.locations.project_root
    if project is None:
        raise KurtError(
            "kurt mcp config serves a project, and there is none here",
            hint="run it inside a project, or name one: kurt --project DIR mcp config ...",
        )
    target = client(client_name, Path.home())
    if not write:
        click.echo(snippet(target, name, project), nl=False)
        click.echo(f"Add this to {target.file}, or run again with --write.", err=True)
        return
    outcome = merge(target, name, project)
    words = {"added": "added to", "updated": "updated in", "unchanged": "already in"}
    click.echo(f"MCP server '{name}' {words[outcome]} {target.file}", err=True)
