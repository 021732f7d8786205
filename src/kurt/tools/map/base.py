"""The mapper contract: turn one source into a list of URLs."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from kurt.tools.context import ToolContext


class MapResult(BaseModel):
    """The URLs (or paths) a source leads to, and what went wrong on the way."""

    source: str
    urls: list[str] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)


class BaseMapper(ABC):
    """Base of every mapper. Set ``name``; define ``map``.

    ``context.settings`` holds the settings of the skill that provides the
    mapper (Kurt's own mappers get Kurt's ``[map]`` section).
    """

    name: str
    description: str = ""

    @abstractmethod
    async def map(self, source: str, context: ToolContext) -> MapResult:
        """Discover the URLs that ``source`` leads to."""
