"""A run's input values from -p text: types, defaults, and usage errors (exit 2)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kurt.errors import UsageError
from kurt.workflows.inputs import resolve_inputs
from kurt.workflows.model import InputSpec, Workflow

FLOW = Workflow(
    name="f",
    path=Path("f.toml"),
    inputs=(
        InputSpec("source", "str"),
        InputSpec("limit", "int", 20),
        InputSpec("deep", "bool", False),
        InputSpec("tags", "list", []),
    ),
)


def test_text_is_read_as_each_inputs_type_and_defaults_fill_in() -> None:
    values = resolve_inputs(FLOW, {"source": "docs/", "limit": "5", "deep": "yes"})
    assert values == {"source": "docs/", "limit": 5, "deep": True, "tags": []}
    assert resolve_inputs(FLOW, {"source": "d", "tags": '["a"]'})["tags"] == ["a"]
    assert resolve_inputs(FLOW, {"source": "d", "tags": ["a", "b"]})["tags"] == ["a", "b"]


@pytest.mark.parametrize(
    ("params", "message", "hint"),
    [
        ({}, "workflow 'f' needs input 'source'", "pass it with -p source=..."),
        (
            {"source": "d", "limt": "3"},
            "workflow 'f' takes no input 'limt'. Did you mean 'limit'?",
            None,
        ),
        (
            {"source": "d", "limit": "many"},
            "workflow 'f': input 'limit' must be of type int, got 'many'",
            None,
        ),
        (
            {"source": "d", "deep": "maybe"},
            "workflow 'f': input 'deep' must be of type bool, got 'maybe'",
            None,
        ),
    ],
)
def test_usage_errors(params: dict[str, Any], message: str, hint: str | None) -> None:
    with pytest.raises(UsageError) as caught:
        resolve_inputs(FLOW, params)
    assert caught.value.message == message
    assert caught.value.exit_code == 2
    assert "'f' takes: source (str, required), limit=20, deep=False, tags=[]" in (
        caught.value.hint or ""
    )
    if hint:
        assert (caught.value.hint or "").startswith(hint)
