"""ToolResult: what every tool run returns; its JSON form is part of SPEC section 6."""

from __future__ import annotations

import json

from pydantic import BaseModel

from kurt.tools.result import ErrorInfo, ToolResult


class Page(BaseModel):
    url: str
    words: int = 0


def test_json_shape_is_the_contract() -> None:
    result = ToolResult.ok([Page(url="https://a.example")], tool_version="1")
    dumped = result.model_dump(mode="json")
    assert dumped == {
        "success": True,
        "data": [{"url": "https://a.example", "words": 0}],
        "errors": [],
        "metadata": {"tool_version": "1"},
    }
    assert json.loads(result.model_dump_json()) == dumped


def test_ok_takes_models_and_dicts() -> None:
    result = ToolResult.ok([Page(url="a"), {"url": "b", "extra": [1]}])
    assert result.data == [{"url": "a", "words": 0}, {"url": "b", "extra": [1]}]


def test_success_when_something_came_out_or_nothing_failed() -> None:
    failed_item = ErrorInfo(message="404 Not Found", item="https://b.example")
    assert ToolResult.ok().success is True
    assert ToolResult.ok([Page(url="a")], errors=[failed_item]).success is True  # partial
    assert ToolResult.ok([], errors=[failed_item]).success is False  # every item failed


def test_failure_holds_one_message() -> None:
    result = ToolResult.failure("the source is empty", source="docs/")
    assert result.model_dump(mode="json") == {
        "success": False,
        "data": [],
        "errors": [{"message": "the source is empty", "item": None, "type": None}],
        "metadata": {"source": "docs/"},
    }


def test_error_info_keeps_extra_keys() -> None:
    error = ErrorInfo(message="Not Found", item="https://x.example", status_code=404)
    assert error.model_dump() == {
        "message": "Not Found",
        "item": "https://x.example",
        "type": None,
        "status_code": 404,
    }


def test_a_result_survives_a_json_round_trip() -> None:
    result = ToolResult.ok(
        [Page(url="a", words=3)],
        errors=[ErrorInfo(message="timeout", item="b", type="FetchError")],
        substeps=[{"name": "download", "duration_ms": 1.5}],
    )
    assert ToolResult.model_validate_json(result.model_dump_json()) == result


def test_defaults_are_not_shared() -> None:
    first, second = ToolResult(success=True), ToolResult(success=True)
    first.data.append({"a": 1})
    first.metadata["k"] = "v"
    assert second.data == []
    assert second.metadata == {}
