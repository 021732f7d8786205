"""``kurt skill export``: a skill as an Agent Skills folder for agent clients."""

from __future__ import annotations

import click

from kurt.cli.complete import skill_names
from kurt.cli.state import CliState


@click.command("export")
@click.argument("name", shell_complete=skill_names)
@click.argument("folder", metavar="[DIR]", required=False, type=click.Path(file_okay=False))
@click.option(
    "--agent",
    type=click.Choice(["claude", "codex", "agents"]),
    default="agents",
    show_default=True,
    help="The client: where the copy goes (.claude/skills/ or .agents/skills/).",
)
@click.option(
    "--mcp-server",
    metavar="SERVER",
    help="Allow the skill's tools as served by the MCP server SERVER (Claude Code's names).",
)
@click.option("--force", is_flag=True, help="Replace an earlier export.")
@click.pass_obj
def skill_export(
    state: CliState,
    name: str,
    folder: str | None,
    agent: str,
    mcp_server: str | None,
    force: bool,
) -> None:
    """Copy skill NAME as a strict Agent Skills folder, into DIR/NAME or the agent's folder.

    Kurt's own SKILL.md keys are folded into metadata as strings or dropped
    (settings, commands, workflows); the body and bundled files are kept.
    Without DIR the copy goes to the project's .claude/skills/ (--agent
    claude) or .agents/skills/ (codex, agents). It passes
    kurt skill validate --agentskills.

    \b
    Examples:
      kurt skill export site-digest --agent claude
      kurt skill export site-digest --agent claude --mcp-server kurt
      kurt skill export site-digest ~/shared-skills
    """
    from pathlib import Path

    from kurt.errors import UsageError
    from kurt.skills.export import AGENT_DIRS, export_skill
    from kurt.skills.manifest.frontmatter import read_front_matter

    record = state.runtime.skills.record(name)
    manifest = read_front_matter(record.manifest_path.read_bytes(), record.manifest_path)
    tools: list[str] = []
    if mcp_server is not None:
        if agent != "claude":
            raise UsageError(
                "--mcp-server names tools as Claude Code does (mcp__SERVER__TOOL)",
                hint="use it with --agent claude",
            )
        tools = [f"mcp__{mcp_server}__{p.name}" for p in record.provided("tool")]
    if folder is not None:
        parent = Path(folder)
    else:
        base = state.locations.project_root or Path.cwd()
        parent = base / AGENT_DIRS[agent]
    target = export_skill(
        record, manifest.fields, manifest.body, parent, force=force, mcp_tools=tools
    )
    click.echo(f"exported '{record.name}' to {target}")
