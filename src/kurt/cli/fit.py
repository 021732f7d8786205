"""Fitting human output to the terminal's width (SPEC section 6).

At 80 columns, and when piped, no header or word is broken mid-word: a column
is never narrower than its header's longest word or its longest word. When a
table cannot fit that way it gives up, in this order, what a person can do
without: a column holding one value in every row becomes a caption line
(``source: https://example.com``) and an empty column goes; long free text
(a problem, a description) moves under the table, one wrapped line per row;
and only then is a word too long for any column (a URL, a path) shortened in
its middle (``file:///tmp/…/guide/compost.md``), never wrapped letter by
letter. ``--json`` always has the whole value. Standard library only: the
plain tables (:mod:`kurt.cli.plain`) and the rich ones (:mod:`kurt.cli.output`)
lay out from the same :class:`Fitted` table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

ELLIPSIS = "…"
#: A column is never shortened below this (or its header's longest word).
NARROWEST = 12
#: A free-text column narrower than this would read a word or two a line: it
#: moves under the table instead.
WRAPPED = 30


class Fitted(NamedTuple):
    """A table laid out for a width: what stays a column, and what moved out."""

    columns: list[str]
    rows: list[list[str]]
    widths: list[int]
    #: ``header: value`` of each column that held one value in every row.
    caption: list[str]
    #: ``first cell: text`` of each moved cell (a problem, a description).
    below: list[str]


def fit_table(
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    room: int,
    border: tuple[int, int] = (2, -2),
    below: Sequence[str] = (),
    tidy: bool = False,
) -> Fitted:
    """Lay ``rows`` (cleaned text; a cell may hold line breaks) out within
    ``room`` columns. ``border`` is what the table costs beyond its cells: per
    column, and once (plain: two spaces between columns; rich's boxes: three
    per column and one). ``below`` names columns of free text that move under
    the table when it does not fit; ``tidy`` moves a column with one value in
    every row (of two or more) to the caption, and drops empty columns."""
    names = list(columns)
    table = [list(row) for row in rows]
    caption: list[str] = []
    if tidy:
        names, table, caption = tidied(names, table)
    per_column, once = border

    def cost(widths: Sequence[int]) -> int:
        return sum(widths) + per_column * len(widths) + once

    natural = natural_widths(names, table)
    moved: list[str] = []
    out = [i for i, name in enumerate(names) if name in below and i > 0]
    left = room - cost([n for i, n in enumerate(natural) if i not in out]) - per_column
    if out and cost(natural) > room and left < min(WRAPPED, *(natural[i] for i in out)):
        # Too little room left to wrap them readably: under the table instead.
        for row in table:
            moved += [f"{row[0]}: {row[i]}" for i in out if row[i]]
        keep = [i for i in range(len(names)) if i not in out]
        names, table = _take(names, table, keep)
        natural = [natural[i] for i in keep]
    if cost(natural) <= room:
        return Fitted(names, table, natural, caption, moved)
    floor = [_longest_word(name) for name in names]
    # Each cell's longest word, measured once (a listing may hold 10,000 rows).
    words = [[_longest_word(cell) for cell in row] for row in table]
    least = [max(floor[i], *(row[i] for row in words)) for i in range(len(names))]
    excess = cost(least) - room
    while excess > 0:
        # Shorten the words of the column with the most to give above its floor.
        give, index = max((least[i] - max(floor[i], NARROWEST), i) for i in range(len(names)))
        if give <= 0:
            break  # nothing left to shorten: the table overflows instead
        cut = min(give, excess)
        least[index] -= cut
        excess -= cut
    for i, limit in enumerate(least):
        for row, longest in zip(table, words, strict=True):
            if longest[i] > limit:
                row[i] = "\n".join(
                    " ".join(shorten(word, limit) for word in line.split(" "))
                    for line in row[i].split("\n")
                )
    natural = natural_widths(names, table)
    widths = shrink(natural, least, room - cost([0] * len(names)))
    return Fitted(names, table, widths, caption, moved)


def tidied(
    columns: Sequence[str], rows: Sequence[Sequence[str]]
) -> tuple[list[str], list[list[str]], list[str]]:
    """``columns`` and ``rows`` without their empty columns, and without the
    columns holding one value in every row (of two or more), which become the
    caption (``source: project``)."""
    names = list(columns)
    table = [list(row) for row in rows]
    if not table:
        return names, table, []
    filled = [i for i in range(len(names)) if any(row[i] for row in table)]
    same = {i for i in filled if len(table) > 1 and len({row[i] for row in table}) == 1}
    keep = [i for i in filled if i not in same] or filled[:1] or [0]
    caption = [f"{names[i]}: {table[0][i]}" for i in filled if i in same and i not in keep]
    names, table = _take(names, table, keep)
    return names, table, caption


def _take(
    names: list[str], table: list[list[str]], keep: list[int]
) -> tuple[list[str], list[list[str]]]:
    return [names[i] for i in keep], [[row[i] for i in keep] for row in table]


def shrink(natural: Sequence[int], least: Sequence[int], limit: int) -> list[int]:
    """Column widths within ``limit`` (their sum), none below its ``least``:
    taken first from the column with the most room above its least."""
    widths = [max(n, lst) for n, lst in zip(natural, least, strict=True)]
    excess = sum(widths) - limit
    while excess > 0:
        room, index = max((widths[i] - least[i], i) for i in range(len(widths)))
        if room <= 0:
            break
        cut = min(room, excess, max(1, room // 2))
        widths[index] -= cut
        excess -= cut
    return widths


def shorten(word: str, size: int) -> str:
    """``word`` in at most ``size`` characters, its middle replaced by ``…``
    (both ends say most about a URL or a path)."""
    if len(word) <= size:
        return word
    if size <= 1:
        return ELLIPSIS[:size]
    head = (size - 1) // 2
    tail = size - 1 - head
    return word[:head] + ELLIPSIS + (word[-tail:] if tail else "")


def wrap(text: str, size: int, *, whole: bool = False) -> list[str]:
    """``text`` in lines of at most ``size`` characters, broken between words
    only; a word longer than ``size`` is shortened (:func:`shorten`), or with
    ``whole`` kept whole on a line of its own (a file named in a message)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split(" "):
            word = word if whole else shorten(word, size)
            if current and len(current) + 1 + len(word) > size:
                lines.append(current)
                current = word
            else:
                current = f"{current} {word}" if current else word
        lines.append(current)
    return lines


def field_lines(label: str, value: str, *, room: int, indent: int) -> list[str]:
    """``label`` padded to ``indent``, then ``value`` wrapped between words in the
    rest of the line; a value with a word too long for that starts on its own
    line, indented two spaces under the label (a long path stays whole there
    while it fits the line)."""
    first = label.ljust(indent) if len(label) < indent else f"{label} "
    size = room - len(first)
    if size >= NARROWEST and _longest_word(value) <= size:
        lines = wrap(value, size)
        return [first + lines[0], *(" " * len(first) + line for line in lines[1:])]
    return [label.rstrip(), *("  " + line for line in wrap(value, room - 2))]


def natural_widths(names: Sequence[str], table: Sequence[Sequence[str]]) -> list[int]:
    """Each column's width with no cell wrapped: its longest line, header included."""
    return [
        max(_longest_line(name), *(_longest_line(row[i]) for row in table))
        for i, name in enumerate(names)
    ]


def _longest_line(text: str) -> int:
    if "\n" not in text:  # nearly every cell: no split
        return len(text)
    return max(map(len, text.split("\n")))


def _longest_word(text: str) -> int:
    if " " not in text and "\n" not in text:
        return len(text)
    return max(map(len, text.replace("\n", " ").split(" ")))
