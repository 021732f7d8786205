"""Printing: JSON for scripts, rich tables for people (rich imported on demand)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from kurt.redaction import redact_value

if TYPE_CHECKING:
    from rich.console import Console


def print_json(value: Any) -> None:
    """Print ``value`` as JSON on stdout: indented for a person at a terminal,
    compact for a pipe (a script). An indent makes Python use its pure-Python
    encoder, which took most of ``kurt config skills --json`` among 10,000 skills.
    Secrets are masked in the value, before it is written (:mod:`kurt.redaction`)."""
    value = redact_value(value)
    if _stdout_is_tty():
        click.echo(json.dumps(value, indent=2, ensure_ascii=False, default=str))
        return
    sys.stdout.write(json.dumps(value, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def _stdout_is_tty() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def console(*, stderr: bool = False) -> Console:
    """A rich console for Kurt's tables: it writes under the escaping stream
    (its own styles are escape sequences) and reads no markup, emoji codes or
    highlighting into any text it is given; cells come as escaped ``Text``."""
    from rich.console import Console

    from kurt.cli.escape import raw

    return Console(
        file=raw(sys.stderr if stderr else sys.stdout),
        soft_wrap=False,
        markup=False,
        emoji=False,
        highlight=False,
    )


def print_table(
    columns: Sequence[str], rows: Sequence[Sequence[Any]], *, title: str | None = None
) -> None:
    """Print ``rows`` as a rich table (plain text when not a terminal)."""
    from rich.table import Table
    from rich.text import Text

    from kurt.cli.plain import clean

    table = Table(title=title, show_lines=False, header_style="bold")
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        # Text, not str: a manifest's "[red]" is shown, never read as rich markup.
        table.add_row(*(Text(clean("" if cell is None else str(cell), lines=True)) for cell in row))
    console().print(table)


def print_listing(
    columns: Sequence[str], rows: Sequence[Sequence[Any]], *, own_line: str | None = None
) -> None:
    """Print a listing that grows with the number of skills: a rich table in a
    terminal while it fits a screen, else plain aligned text (:mod:`kurt.cli.plain`),
    where ``own_line`` (a path column) moves under its row when the row is too wide."""
    from kurt.cli import plain

    if not plain.use_plain(len(rows)):
        print_table(columns, rows)
        return
    cells = [["" if cell is None else str(cell) for cell in row] for row in rows]
    text = plain.render(columns, cells, columns_wide=plain.width(), own_line=own_line)
    # Written as is: click.echo would scan every line for ANSI codes off a terminal.
    sys.stdout.write(text)
    sys.stdout.flush()


def stderr_is_tty() -> bool:
    return sys.stderr.isatty()
