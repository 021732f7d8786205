"""Progress events a tool, fetcher or mapper reports while it works."""

from __future__ import annotations

from collections.abc import Callable

import attrs


@attrs.frozen
class ProgressEvent:
    """One step of progress: ``current`` of ``total`` items done at ``stage``."""

    tool: str
    stage: str
    current: int = 0
    total: int | None = None
    message: str = ""
    item: str | None = None
    failed: bool = False


ProgressCallback = Callable[[ProgressEvent], None]


def report(on_progress: ProgressCallback | None, event: ProgressEvent) -> None:
    """Send ``event`` to ``on_progress`` when there is one."""
    if on_progress is not None:
        on_progress(event)
