"""What every tool run returns: a :class:`ToolResult`.

Its JSON form is part of the contract (SPEC section 6):
``{"success", "data": [object], "errors": [{"message", ...}], "metadata"}``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from kurt.redaction import redact

if TYPE_CHECKING:
    from kurt.errors import KurtError


class ErrorInfo(BaseModel):
    """One error of a run; ``item`` names the URL or path it concerns, if any."""

    model_config = ConfigDict(extra="allow")

    message: str
    item: str | None = None
    type: str | None = None

    @model_validator(mode="after")
    def _no_secret(self) -> ErrorInfo:
        # An error is printed and stored (the database's error column): a secret
        # setting's value in an exception message stops here (kurt.redaction).
        self.message = redact(self.message)
        for key, value in (self.model_extra or {}).items():
            if isinstance(value, str):
                self.model_extra[key] = redact(value)  # type: ignore[index]
        return self

    @classmethod
    def from_error(cls, exc: KurtError, **extra: Any) -> ErrorInfo:
        """The error a user reads for ``exc``: ``message`` is what follows
        ``Error:`` on stderr without its ``hint:`` line; ``file``, ``line``,
        ``key`` and ``hint`` are keys of their own, where known, for scripts."""
        message = str(exc)
        hint_line = f"\n  hint: {exc.hint}"
        if exc.hint and message.endswith(hint_line):
            message = message[: -len(hint_line)]
        where = {"file": exc.file, "line": exc.line, "key": exc.key, "hint": exc.hint}
        found = {key: value for key, value in where.items() if value is not None}
        return cls(message=message, type=type(exc).__name__, **found, **extra)


class ToolResult(BaseModel):
    """The outcome of one tool run: data items, per-item errors and metadata.

    ``metadata`` always holds ``tool`` and ``duration_ms`` after
    :func:`kurt.core.execute.execute_tool`; tools add their own keys, such as
    ``substeps`` (a list of ``{"name", "duration_ms", ...}``).
    """

    success: bool
    data: list[dict[str, Any]] = Field(default_factory=list)
    errors: list[ErrorInfo] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)

    @field_validator("data", mode="before")
    @classmethod
    def _a_list(cls, value: Any) -> Any:
        # pydantic's own "Input should be a valid list" is vaguer.
        if (problem := _not_a_list(value, "ToolResult.data")) is not None:
            raise ValueError(problem)
        return value

    @classmethod
    def ok(
        cls,
        items: Iterable[BaseModel | Mapping[str, Any]] = (),
        *,
        errors: Iterable[ErrorInfo] = (),
        **metadata: Any,
    ) -> ToolResult:
        """A result holding ``items``; successful unless every item failed.

        ``items`` is a list (any iterable) of ``OutputModel`` instances or
        dicts; one item alone, or a dict, is refused with a ``TypeError``.
        """
        if (problem := _not_a_list(items, "ToolResult.ok()")) is not None:
            raise TypeError(problem)
        data = [_dump(index, item) for index, item in enumerate(items)]
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


def _not_a_list(items: Any, where: str) -> str | None:
    """Why ``items`` is one item where a list of them belongs, or ``None``.

    A dict, a model or a string is iterable, so ``ok({"message": "hi"})``
    would otherwise fail far from the mistake, with "dictionary update
    sequence element #0 has length 1; 2 is required".
    """
    if not isinstance(items, Mapping | BaseModel | str | bytes):
        return None
    kind = "dict" if isinstance(items, Mapping) else type(items).__name__
    return f"{where} takes a list of items, not a {kind}"


def _dump(index: int, item: BaseModel | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(item, BaseModel):
        return item.model_dump(mode="json")
    if isinstance(item, Mapping):
        return dict(item)
    raise TypeError(
        f"ToolResult.ok(): item {index} is {type(item).__name__}, not a pydantic model or a dict"
    )
