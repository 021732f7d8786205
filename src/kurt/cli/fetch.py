"""``kurt fetch``: fetch URLs or local files with the built-in ``fetch`` tool."""

from __future__ import annotations

import asyncio
from typing import Any

import click

from kurt.cli.complete import names_of
from kurt.cli.state import CliState


@click.command("fetch")
@click.argument("urls", nargs=-1, required=True, metavar="URL...")
@click.option(
    "--engine",
    metavar="NAME",
    help="Fetcher to use (see: kurt tool list).",
    shell_complete=names_of("fetcher"),
)
@click.option("--json", "as_json", is_flag=True, help="Print the ToolResult as JSON.")
@click.pass_obj
def fetch_command(
    state: CliState, urls: tuple[str, ...], engine: str | None, as_json: bool
) -> None:
    """Fetch the content of URLs or local files and store it in the project database.

    The engine is chosen per URL: --engine, else [fetch.routes] in kurt.toml,
    else the most specific url_patterns a skill declares, else `file` for
    local paths, else [fetch].engine, else `trafilatura` (see: kurt skill why
    URL). Failed URLs are reported; the others are kept. Exit code 1 when every
    URL failed.

    \b
    Examples:
      kurt fetch https://example.com/a https://example.com/b
      kurt fetch docs/guide.md --json
      kurt fetch https://example.com --engine httpx
    """
    from kurt.cli.results import run_and_report

    params: dict[str, Any] = {"urls": list(urls), "engine": engine}
    asyncio.run(run_and_report(state.runtime, "fetch", params, as_json=as_json))
