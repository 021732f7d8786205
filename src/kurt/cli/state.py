"""What every command shares: the global options and the project they select."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from kurt.config.locations import Locations

if TYPE_CHECKING:
    from kurt.runtime import Runtime


class CliState:
    """Global options of ``kurt`` (``--project``, ``--debug``), resolved lazily."""

    def __init__(self, project: str | None = None, debug: bool = False) -> None:
        self.project = project
        self.debug = debug

    @cached_property
    def locations(self) -> Locations:
        return Locations.discover(self.project)

    @cached_property
    def runtime(self) -> Runtime:
        from kurt.runtime import Runtime

        return Runtime(self.locations)
