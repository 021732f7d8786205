"""``kurt fetch``: fetch URLs or local files with the built-in ``fetch`` tool."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import click

from kurt.cli.complete import names_of
from kurt.cli.state import CliState


@click.command("fetch")
@click.argument("urls", nargs=-1, metavar="[URL|-]...")
@click.option(
    "--pending", is_flag=True, help="Fetch every stored URL not fetched yet (see: kurt map)."
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    metavar="N",
    help="With --pending: fetch at most N stored URLs.",
)
@click.option(
    "--engine",
    metavar="NAME",
    help="Fetcher to use (see: kurt tool list).",
    shell_complete=names_of("fetcher"),
)
@click.option("--json", "as_json", is_flag=True, help="Print the ToolResult as JSON.")
@click.pass_obj
def fetch_command(
    state: CliState,
    urls: tuple[str, ...],
    pending: bool,
    limit: int | None,
    engine: str | None,
    as_json: bool,
) -> None:
    """Fetch the content of URLs or local files and store it in the project database.

    `-` reads URLs or paths from standard input, one a line (blank lines and
    lines starting with # are skipped). --pending fetches the URLs `kurt map`
    stored and nothing has fetched yet; several `kurt fetch --pending` sharing
    one database split them.

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
      kurt fetch --pending --limit 100
      cat urls.txt | kurt fetch -
    """
    from kurt.cli.results import run_and_report
    from kurt.errors import UsageError

    if limit is not None and not pending:
        raise UsageError("--limit counts stored URLs: it needs --pending")
    given = _with_stdin(list(urls))
    if not given and not pending:
        message = (
            "nothing to fetch: no URL on standard input" if "-" in urls else "nothing to fetch"
        )
        raise UsageError(
            message,
            hint="name URLs or paths, `-` to read them from standard input, "
            "or --pending for the URLs `kurt map` stored",
        )
    params: dict[str, Any] = {"urls": given, "engine": engine}
    if pending:
        params.update(pending=True, limit=limit)
    result = asyncio.run(run_and_report(state.runtime, "fetch", params, as_json=as_json))
    if pending and not given and not result.data and not result.errors:
        click.echo(
            "note: no stored URL was waiting to be fetched (see them: kurt content list); "
            "store more with: kurt map SOURCE",
            err=True,
        )


def _with_stdin(urls: list[str]) -> list[str]:
    """``urls`` with ``-`` replaced by the lines of standard input."""
    if "-" not in urls:
        return urls
    lines = sys.stdin.read().splitlines()
    stripped = (line.strip() for line in lines)
    read = [line for line in stripped if line and not line.startswith("#")]
    out: list[str] = []
    for url in urls:
        out.extend(read if url == "-" else [url])
    return out
