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


def console(*, stderr: bool = False, width: int | None = None) -> Console:
    """A rich console for Kurt's tables: it writes redacted, unescaped text
    (:func:`kurt.cli.streams.unescaped`: its own styles are escape sequences)
    and reads no markup, emoji codes or highlighting into any text it is given;
    cells come as escaped ``Text``."""
    from rich.console import Console

    from kurt.cli.streams import unescaped

    return Console(
        file=unescaped(sys.stderr if stderr else sys.stdout),
        width=width,
        soft_wrap=False,
        markup=False,
        emoji=False,
        highlight=False,
    )


def print_table(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    title: str | None = None,
    below: Sequence[str] = (),
    tidy: bool = False,
) -> None:
    """Print ``rows`` as a rich table fitted to the width (:mod:`kurt.cli.fit`:
    ``below`` names free-text columns that move under the table when it does not
    fit; ``tidy`` captions a column with one value in every row)."""
    from rich.table import Table
    from rich.text import Text

    from kurt.cli.fit import fit_table
    from kurt.cli.plain import clean, width

    room = width()
    fitted = fit_table(
        [clean(column) for column in columns],
        [[clean("" if cell is None else str(cell), lines=True) for cell in row] for row in rows],
        room=room,
        border=(3, 1),  # "│ " before each cell, " " after it, and the last "│"
        below=below,
        tidy=tidy,
    )
    table = Table(title=clean(title) if title else None, show_lines=False, header_style="bold")
    for column, size in zip(fitted.columns, fitted.widths, strict=True):
        table.add_column(column, width=size, overflow="fold")
    for row in fitted.rows:
        # Text, not str: a manifest's "[red]" is shown, never read as rich markup.
        table.add_row(*(Text(cell) for cell in row))
    # Never narrower than the fitted columns: rich would squeeze them, cutting words.
    console(width=max(room, sum(fitted.widths) + 3 * len(fitted.widths) + 1)).print(table)
    _print_notes(fitted.caption, fitted.below, room)


def print_listing(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    own_line: str | None = None,
    tidy: bool = False,
) -> None:
    """Print a listing that grows with the number of skills: a rich table in a
    terminal while it fits a screen, else plain aligned text (:mod:`kurt.cli.plain`),
    where ``own_line`` (a path or URL column) moves under its row when the row is
    too wide, so that it stays whole (also in a terminal: a rich table would
    shorten it); otherwise fitted as :func:`print_table` fits it."""
    from kurt.cli import plain
    from kurt.cli.fit import fit_table, tidied

    room = plain.width()
    cells = [["" if cell is None else str(cell) for cell in row] for row in rows]
    if not plain.use_plain(len(rows)) and not (own_line and _too_wide(columns, cells, room)):
        print_table(columns, rows, tidy=tidy)
        return
    caption: list[str] = []
    below: list[str] = []
    if own_line is None:
        fitted = fit_table(
            [plain.clean(c) for c in columns],
            [[plain.clean(cell) for cell in row] for row in cells],
            room=room,
            tidy=tidy,
        )
        columns, cells, caption, below = fitted.columns, fitted.rows, fitted.caption, fitted.below
    elif tidy:  # empty and repeated columns give way, as fit_table does
        columns, cells, caption = tidied(columns, cells)
        if own_line not in columns:  # one URL in every row: the caption holds it
            own_line = None
    text = plain.render(columns, cells, columns_wide=room, own_line=own_line)
    # Written as is: click.echo would scan every line for ANSI codes off a terminal.
    sys.stdout.write(text)
    sys.stdout.flush()
    _print_notes(caption, below, room)


def _too_wide(columns: Sequence[str], cells: Sequence[Sequence[str]], room: int) -> bool:
    """Whether a rich table of ``cells`` at their natural widths exceeds ``room``
    (its boxes: three columns per cell and one, as :func:`print_table` counts)."""
    from kurt.cli.fit import natural_widths

    return sum(natural_widths(columns, cells)) + 3 * len(columns) + 1 > room


def print_fields(fields: Sequence[tuple[str, Any]], *, indent: int, margin: str = "") -> None:
    """Print ``label: value`` lines, values aligned at ``indent`` and wrapped
    between words within the width; a value too long for its line (a path)
    goes on its own line under the label."""
    from kurt.cli.fit import field_lines
    from kurt.cli.plain import clean, width

    room = width() - len(margin)
    for label, value in fields:
        text = clean("" if value is None else str(value))
        for line in field_lines(f"{label}:", text, room=room, indent=indent):
            click.echo(f"{margin}{line}".rstrip())


def _print_notes(caption: Sequence[str], below: Sequence[str], room: int) -> None:
    """What a fitted table moved out of its columns, each wrapped within ``room``:
    the caption (a column's one value), then the moved cells."""
    from kurt.cli.fit import wrap

    together = "  ".join(caption)
    if caption and len(together) <= room:
        caption = [together]  # `source: project  required: no` on one line
    for note in [*caption, *below]:
        lines = wrap(note, room - 2, whole=True)  # a path in a problem stays whole
        click.echo(lines[0])
        for line in lines[1:]:
            click.echo(f"  {line}")


def stderr_is_tty() -> bool:
    return sys.stderr.isatty()
