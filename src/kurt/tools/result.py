"""What every tool run returns: a :class:`ToolResult`.

Its JSON form is part of the contract (SPEC section 6):
``{"success", "data": [object], "errors": [{"message", ...}], "metadata"}``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ErrorInfo(BaseModel):
    """One error of a run; ``item`` names the URL or path it concerns, if any."""

    model_config = ConfigDict(extra="allow")

    message: str
    item: str | None = None
    type: str | None = None


class ToolResult(BaseModel):
    """The outcome of one tool run: data items, per-item errors and metadata.

    ``metadata`` always holds ``tool`` and ``duration_ms`` after
    :func:`kurt.tools.execute.execute_tool`; tools add their own keys, such as
    ``substeps`` (a list of ``{"name", "duration_ms", ...}``).
    """

    success: bool
    data: list[dict[str, Any]] = Field(default_factory=list)
    errors: list[ErrorInfo] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def ok(
        cls,
        items: Iterable[BaseModel | dict[str, Any]] = (),
        *,
        errors: Iterable[ErrorInfo] = (),
        **metadata: Any,
    ) -> ToolResult:
        """A result holding ``items``; successful unless every item failed."""
        data = [_dump(item) for item in items]
        error_list = list(errors)
        return cls(
            success=bool(data) or not error_list,
            data=data,
            errors=error_list,
            metadata=metadata,
        )

    @classmethod
    def failure(cls, message: str, **metadata: Any) -> ToolResult:
        """A failed result with one error message."""
        return cls(success=False, errors=[ErrorInfo(message=message)], metadata=metadata)


def _dump(item: BaseModel | dict[str, Any]) -> dict[str, Any]:
    return item.model_dump(mode="json") if isinstance(item, BaseModel) else dict(item)
