"""``kurt content``: what the project's database holds, URL by URL."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from kurt.cli.state import CliState

if TYPE_CHECKING:
    from kurt.db import Database, DocumentRecord

STATUSES = ("mapped", "fetched", "failed")
_LISTED = ("url", "status", "title", "source", "engine", "error")


@click.group("content")
def content_group() -> None:
    """List and show the URLs stored by `kurt map` and `kurt fetch`."""


@content_group.command("list")
@click.option("--status", type=click.Choice(STATUSES), help="Only URLs in this state.")
@click.option("--source", metavar="SOURCE", help="Only URLs that `kurt map SOURCE` found.")
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
@click.pass_obj
def content_list(state: CliState, status: str | None, source: str | None, as_json: bool) -> None:
    """List the stored URLs, in the order first stored.

    \b
    Examples:
      kurt content list --status failed
      kurt content list --source https://example.com/sitemap.xml --json
    """
    from kurt.cli.output import print_json, print_listing
    from kurt.tools.paths import canonical

    with _database(state) as db:
        wanted = canonical(source) if source is not None else None
        rows = db.documents(status=status, source=wanted, content=False)
    if as_json:
        print_json([_fields(row) for row in rows])
        return
    if not rows:  # a header over nothing says less than a sentence
        click.echo(_nothing_stored(status, source), err=True)
        return
    print_listing(
        _LISTED,
        # The URL whole, on its own line when the row is too wide: it is what a
        # user copies; other cells are shortened.
        [[row.url if c == "url" else _cell(getattr(row, c)) for c in _LISTED] for row in rows],
        own_line="url",
        tidy=True,
    )
    click.echo(f"{len(rows)} URL(s)", err=True)


def _nothing_stored(status: str | None, source: str | None) -> str:
    """What an empty ``content list`` says, and how to store something."""
    from kurt.cli.plain import clean

    which = " ".join(
        part
        for part in (
            f"with status {status}" if status else "",
            f"found by `kurt map {clean(source)}`" if source is not None else "",
        )
        if part
    )
    if status == "mapped":
        hint = "store URLs to fetch with: kurt map SOURCE"
    elif status == "failed":
        hint = "nothing has failed"
    else:
        hint = "store some with: kurt map SOURCE, then kurt fetch --pending (or kurt fetch URL)"
    return f"no stored URL{' ' + which if which else ''}; {hint}"


@content_group.command("show")
@click.argument("url")
@click.option("--json", "as_json", is_flag=True, help="Print the row, content included, as JSON.")
@click.option("--raw", is_flag=True, help="Print only the stored content, exactly as stored.")
@click.pass_obj
def content_show(state: CliState, url: str, as_json: bool, raw: bool) -> None:
    """Show what is stored for URL: its metadata, then its text.

    \b
    Examples:
      kurt content show https://example.com/a
      kurt content show docs/guide.md --raw > guide.txt
    """
    from kurt.cli.output import print_json
    from kurt.cli.plain import clean
    from kurt.errors import KurtError
    from kurt.tools.paths import canonical

    with _database(state) as db:
        row = db.document(canonical(url))
    if row is None:
        raise KurtError(
            f"nothing is stored for {clean(url)}",
            hint="see what is: kurt content list; store it: kurt fetch URL",
        )
    if as_json:
        print_json({**_fields(row), "content": row.content})
        return
    if raw:
        from kurt.cli.streams import unescaped

        text = row.content or ""
        # Exactly as stored for a pipe or a file; a terminal is never sent its control codes.
        terminal = sys.stdout.isatty()
        out = sys.stdout if terminal else unescaped(sys.stdout)
        out.write(clean(text, lines=True) if terminal else text)
        out.flush()
        return
    for name, value in _fields(row).items():
        if value is not None:
            click.echo(f"{name}: {clean(str(value))}")
    if row.content:
        click.echo("")
        click.echo(clean(row.content, lines=True))


def _database(state: CliState) -> Database:
    """The project's database; an error outside a project (there is none)."""
    from kurt.db import open_database
    from kurt.errors import KurtError

    db = open_database(state.locations, state.runtime.config)
    if not db.persistent:
        raise KurtError(
            "there is no Kurt project here, so nothing is stored",
            hint="run `kurt init` to make one, then `kurt map` or `kurt fetch`",
        )
    return db


def _fields(row: DocumentRecord) -> dict[str, Any]:
    """A row's metadata as JSON values (no content)."""
    import attrs

    fields = attrs.asdict(row)
    fields.pop("content")
    for name, value in fields.items():
        if hasattr(value, "isoformat"):
            fields[name] = value.isoformat()
    return fields


def _cell(value: Any) -> str:
    text = "" if value is None else " ".join(str(value).split())
    return text if len(text) <= 60 else text[:57] + "..."
