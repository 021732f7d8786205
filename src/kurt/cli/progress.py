"""A rich progress bar on stderr for multi-item work, fed by ProgressEvents.

Quiet with ``--json`` or when stderr is not a terminal.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kurt.core.progress import ProgressCallback, ProgressEvent


@contextlib.contextmanager
def progress_bar(enabled: bool) -> Iterator[ProgressCallback | None]:
    """Yield an ``on_progress`` callback drawing a bar, or ``None`` when quiet."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

    from kurt.cli.plain import clean
    from kurt.cli.streams import unescaped

    tasks: dict[str, TaskID] = {}
    # The item is a URL or path from outside: escaped, and no column reads markup.
    with Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(bar_width=_BAR),
        MofNCompleteColumn(),
        TextColumn("{task.fields[item]}", style="dim", markup=False),
        console=Console(file=unescaped(sys.stderr), markup=False, emoji=False, highlight=False),
        transient=True,
    ) as bar:
        label_width = 0  # the widest label: the item gets what it leaves

        def on_progress(event: ProgressEvent) -> None:
            nonlocal label_width
            key = f"{event.tool}:{event.stage}"
            if key not in tasks:
                text = clean(label(event))
                tasks[key] = bar.add_task(text, total=event.total, item="")
                label_width = max(label_width, len(text))
            bar.update(
                tasks[key],
                completed=event.current,
                total=event.total,
                item=shown_item(event.item, bar.console.width - label_width),
            )

        yield on_progress


# What a line holds beside the label and the item: the bar, the count
# (``1234/5678``) and the gaps between the four columns.
_BAR = 30
_BAR_AND_COUNT = _BAR + 9 + 3


def label(event: ProgressEvent) -> str:
    """``fetch``, or ``workflow: map`` when the stage is not the tool's own name."""
    if not event.stage or event.stage == event.tool:
        return event.tool
    return f"{event.tool}: {event.stage}"


def shown_item(item: str | None, room: int) -> str:
    """The item (a URL or a path) cleaned and shortened in its middle to fit the
    ``room`` left beside the label, so that the bar and the count stay in view."""
    from kurt.cli.fit import shorten
    from kurt.cli.plain import clean

    return shorten(clean(item or ""), max(room - _BAR_AND_COUNT, 12))
