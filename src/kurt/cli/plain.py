"""Plain tables for listings that grow with the number of skills.

rich renders a table row in 2 to 8 ms, so ``kurt skill list`` among a
thousand skills spent seconds drawing boxes. Long listings, and any listing
that goes to a pipe, are printed here instead: columns aligned with spaces,
each fitted to the terminal (SPEC section 6: at 80 columns no header or word
is broken mid-word). When the row is too wide, the column named ``own_line``
(a path) moves to its own indented line under the row, whole, and the other
columns wrap between words. Standard library only.

Text from manifests is shown, never obeyed: control characters (an escape
sequence in a description, say) are spelled out, and secrets masked, before
anything is laid out.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from kurt.cli.escape import escape_line
from kurt.redaction import redact

GAP = "  "
#: Beyond this many rows a terminal listing is printed plain too (see
#: :func:`use_plain`): a screenful is where rich's boxes stop paying for their cost.
RICH_ROWS = 40


def clean(text: str, *, lines: bool = False) -> str:
    """``text`` as a cell or field shows it: every remembered secret masked
    (:mod:`kurt.redaction`) and every control character spelled out
    (``\\x1b``, see :mod:`kurt.cli.escape`); line breaks and tabs become spaces
    unless ``lines`` keeps line breaks (a multi-line rich cell).

    Masked here, before the layout, not only by the stream that prints it: a
    cell shortened to fit (``tok-abc…23456789``) would show most of a secret
    that the stream no longer recognises."""
    text = redact(text)  # the same text when no secret is known
    if text.isprintable():  # nearly every cell: skip building a copy
        return text
    if lines:
        return "\n".join(escape_line(line) for line in text.split("\n"))
    return escape_line(text)


def width() -> int:
    """The columns to fit: ``COLUMNS``, else the terminal's, else 80 (a pipe)."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.stdout.fileno()).columns
        except (AttributeError, ValueError, OSError):  # not a terminal, or no real file
            columns = 0
    return columns if columns > 0 else 80


def use_plain(rows: int) -> bool:
    """Whether a listing of ``rows`` rows is printed plain: always to a pipe or
    a file, and in a terminal once it is longer than a screenful."""
    try:
        terminal = sys.stdout.isatty()
    except (AttributeError, ValueError):
        terminal = False
    return not terminal or rows > RICH_ROWS


def render(
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    columns_wide: int,
    own_line: str | None = None,
) -> str:
    """``rows`` under ``columns`` as aligned text at most ``columns_wide`` wide
    where words allow; ends with a newline."""
    header = [clean(c) for c in columns]
    # One check over every cell first: nearly always nothing needs cleaning,
    # and a call per cell was a good part of a long listing's cost.
    printable = "".join(["".join(row) for row in rows]).isprintable()
    body = [list(row) for row in rows] if printable else [[clean(c) for c in row] for row in rows]
    natural = [max([len(cell) for cell in column]) for column in zip(header, *body, strict=True)]
    moved: int | None = None
    if own_line is not None and len(header) > 1 and _total(natural) > columns_wide:
        # Under its row; a column alone is on its own line already, and stays whole.
        moved = header.index(own_line)
        header = header[:moved] + header[moved + 1 :]
        natural = natural[:moved] + natural[moved + 1 :]
    table = [row[:moved] + row[moved + 1 :] if moved is not None else row for row in body]
    widths = _fit(header, table, natural, columns_wide)
    lines = _lines(header, widths)
    # Columns at their natural widths hold every cell on one line: each row is
    # then one format call (the same text as _lines gives, without its checks).
    one_line = GAP.join(f"{{:<{size}}}" for size in widths) if widths == natural else None
    for index, row in enumerate(table):
        if one_line is not None:
            lines.append(one_line.format(*row).rstrip())
        else:
            lines += _lines(row, widths)
        if moved is not None and body[index][moved]:
            lines.append(GAP + body[index][moved])
    return "\n".join(lines) + "\n"


def _total(widths: Sequence[int]) -> int:
    return sum(widths) + len(GAP) * (len(widths) - 1)


def _fit(
    header: Sequence[str], table: Sequence[Sequence[str]], natural: list[int], limit: int
) -> list[int]:
    """Column widths within ``limit``, never narrower than a column's longest
    word (or its header): a table that cannot fit overflows instead."""
    widths = list(natural)
    if _total(widths) <= limit:
        return widths
    least = [
        max(len(head), *(len(word) for row in table for word in row[i].split(" ")))
        if table
        else len(head)
        for i, head in enumerate(header)
    ]
    from kurt.cli.fit import shrink  # the rich tables' fit: one rule for both

    return shrink(widths, least, limit - len(GAP) * (len(widths) - 1))


def _lines(cells: Sequence[str], widths: Sequence[int]) -> list[str]:
    """One table row as text lines, each cell wrapped between words."""
    if all(len(cell) <= size for cell, size in zip(cells, widths, strict=True)):
        # The common case, once per row of a long listing: no cell wraps.
        return [
            GAP.join(cell.ljust(size) for cell, size in zip(cells, widths, strict=True)).rstrip()
        ]
    wrapped = [_wrap(cell, size) for cell, size in zip(cells, widths, strict=True)]
    height = max(len(parts) for parts in wrapped)
    out = []
    for n in range(height):
        parts = [parts[n] if n < len(parts) else "" for parts in wrapped]
        text = GAP.join(part.ljust(size) for part, size in zip(parts, widths, strict=True))
        out.append(text.rstrip())
    return out


def _wrap(text: str, size: int) -> list[str]:
    """``text`` in lines of at most ``size`` characters, broken between words
    only (a longer word keeps its own line whole)."""
    if len(text) <= size:
        return [text]
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        if current and len(current) + 1 + len(word) > size:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return lines
