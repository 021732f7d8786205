"""ToolResult: what every tool run returns; its JSON form is part of SPEC section 6."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from kurt.core.result import ErrorInfo, ToolResult
from kurt.errors import ConfigError, SkillError


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


@pytest.mark.parametrize(
    ("items", "kind"),
    [({"url": "a"}, "dict"), (Page(url="a"), "Page"), ("https://a.example", "str")],
)
def test_ok_refuses_one_item_where_a_list_belongs(items: Any, kind: str) -> None:
    with pytest.raises(TypeError) as caught:
        ToolResult.ok(items)
    assert str(caught.value) == f"ToolResult.ok() takes a list of items, not a {kind}"


def test_ok_refuses_an_item_that_is_neither_a_model_nor_a_dict() -> None:
    with pytest.raises(TypeError) as caught:
        ToolResult.ok([{"url": "a"}, 42])  # type: ignore[list-item]
    assert str(caught.value) == "ToolResult.ok(): item 1 is int, not a pydantic model or a dict"


def test_ok_takes_any_iterable_of_items() -> None:
    pages = (Page(url=url) for url in "ab")
    assert [item["url"] for item in ToolResult.ok(pages).data] == ["a", "b"]


def test_data_refuses_a_dict() -> None:
    with pytest.raises(ValidationError) as caught:
        ToolResult(success=True, data={"url": "a"})
    [error] = caught.value.errors()
    assert error["msg"] == "Value error, ToolResult.data takes a list of items, not a dict"
    with pytest.raises(ValidationError, match=r"ToolResult\.data takes a list of items"):
        ToolResult.model_validate_json('{"success": true, "data": {"url": "a"}}')


def test_error_info_from_a_kurt_error_keeps_the_hint_apart() -> None:
    exc = ConfigError("bad value", file="/p/kurt.toml", line=3, key="fetch.engine", hint="fix it")
    error = ErrorInfo.from_error(exc)
    assert error.model_dump() == {
        "message": "/p/kurt.toml:3: bad value (key 'fetch.engine')",
        "item": None,
        "type": "ConfigError",
        "file": "/p/kurt.toml",
        "line": 3,
        "key": "fetch.engine",
        "hint": "fix it",
    }
    assert ErrorInfo.from_error(SkillError("no")).model_dump() == {
        "message": "no",
        "item": None,
        "type": "SkillError",
    }
