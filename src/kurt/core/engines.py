"""The engine contracts: a fetcher turns one URL or path into content; a mapper
turns one source into a list of URLs."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from kurt.core.context import ToolContext


class FetchResult(BaseModel):
    """The content of one URL or path, with what is known about it."""

    url: str
    content: str = ""
    content_type: str | None = None
    status_code: int | None = None
    title: str | None = None
    author: str | None = None
    date: str | None = None
    language: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class BaseFetcher(ABC):
    """Base of every fetcher. Set ``name``; define ``fetch``.

    ``context.settings`` holds the settings of the skill that provides the
    fetcher (Kurt's own fetchers get Kurt's ``[fetch]`` section).
    Raise :class:`kurt.core.engines.FetchError` for a per-URL failure.
    """

    name: str
    description: str = ""

    @abstractmethod
    async def fetch(self, url: str, context: ToolContext) -> FetchResult:
        """Fetch ``url`` and return its content."""


class FetchError(Exception):
    """One URL could not be fetched; the batch goes on and reports it."""

    def __init__(self, url: str, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status_code = status_code


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
