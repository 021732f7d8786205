"""The Tool contract: a named, typed operation.

A tool declares ``name``, ``description``, an ``InputModel`` and an
``OutputModel`` (pydantic models), and implements ``run``. Register it with
``@register_tool``; run it with :func:`kurt.core.execute.execute_tool`, which
validates input, times the run and turns a crash into a failed result.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Generic, TypeVar

from pydantic import BaseModel

if TYPE_CHECKING:
    from kurt.core.context import ToolContext
    from kurt.core.progress import ProgressCallback
    from kurt.core.result import ToolResult

In = TypeVar("In", bound=BaseModel)
Out = TypeVar("Out", bound=BaseModel)


class Tool(ABC, Generic[In, Out]):
    """Base of every tool. Subclass it, set the four attributes, define ``run``."""

    name: str
    description: str = ""
    InputModel: type[In]
    OutputModel: type[Out]

    @abstractmethod
    async def run(
        self,
        params: In,
        context: ToolContext,
        on_progress: ProgressCallback | None = None,
    ) -> ToolResult:
        """Do the work; return data items as ``OutputModel`` instances in a ToolResult."""
