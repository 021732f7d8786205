"""``kurt map``: list the URLs a source leads to with the built-in ``map`` tool."""

from __future__ import annotations

import asyncio
from typing import Any

import click

from kurt.cli.complete import names_of
from kurt.cli.state import CliState


@click.command("map")
@click.argument("source")
@click.option(
    "--engine",
    metavar="NAME",
    help="Mapper to use (see: kurt tool list).",
    shell_complete=names_of("mapper"),
)
@click.option("--depth", type=click.IntRange(min=0), help="Crawl depth ([map].max_depth).")
@click.option("--max-urls", type=click.IntRange(min=1), help="Most URLs ([map].max_urls).")
@click.option("--include", multiple=True, metavar="GLOB", help="Keep only matches (repeatable).")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Drop matches (repeatable).")
@click.option("--fetch", is_flag=True, help="Fetch every URL found, in the same command.")
@click.option("--json", "as_json", is_flag=True, help="Print the ToolResult as JSON.")
@click.pass_obj
def map_command(
    state: CliState,
    source: str,
    engine: str | None,
    depth: int | None,
    max_urls: int | None,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    fetch: bool,
    as_json: bool,
) -> None:
    """List the URLs SOURCE (a site, sitemap, feed or local folder) leads to, and store them.

    The engine is --engine, else [map.routes] in kurt.toml, else the most
    specific url_patterns (`rss` for feeds, `sitemap` for sitemaps, or a
    skill's), else `folder` for a local folder, else [map].engine, else
    `crawl` (see: kurt skill why SOURCE --kind mapper). Globs match a URL or
    its path (a file's path relative to the folder). Each URL is stored as
    `mapped`; --fetch fetches them all right away (else: kurt fetch --pending).

    \b
    Examples:
      kurt map docs/ --include '*.md'
      kurt map https://example.com/sitemap.xml --json
      kurt map https://example.com --depth 1 --exclude '/tag/*'
      kurt map https://example.com/feed --fetch
    """
    from kurt.cli.results import run_and_report

    params: dict[str, Any] = {"source": source, "engine": engine, "depth": depth}
    params["max_urls"] = max_urls
    params["include"] = list(include) or None
    params["exclude"] = list(exclude) or None
    if fetch:
        params["fetch"] = True
    asyncio.run(run_and_report(state.runtime, "map", params, as_json=as_json))
