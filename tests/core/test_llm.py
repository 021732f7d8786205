"""context.llm (kurt.core.llm): a validated answer from pydantic-ai's offline
models, the tokens in the tool's result, and clear errors instead of tracebacks."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import pytest
from pydantic import BaseModel
from pydantic_ai.messages import ModelMessage, ModelResponse
from pydantic_ai.models.function import AgentInfo, FunctionModel
from pydantic_ai.models.test import TestModel

from kurt import Tool, ToolContext, ToolResult
from kurt.core.llm import LlmClient, LlmError, LlmOptions
from kurt.core.progress import ProgressCallback
from kurt.testing import offline_llm
from samples import Registries


class Verdict(BaseModel):
    topic: str
    score: int


def test_an_output_type_gives_a_validated_object_and_counts_tokens() -> None:
    client = LlmClient(
        LlmOptions(), model=TestModel(custom_output_args={"topic": "compost", "score": 4})
    )
    answer = asyncio.run(client.complete("What is the page about?", output_type=Verdict))
    assert answer == Verdict(topic="compost", score=4)
    assert client.usage.requests == 1
    assert client.usage.input_tokens > 0
    assert client.usage.output_tokens > 0


def test_without_an_output_type_the_answer_is_text() -> None:
    client = LlmClient(LlmOptions(), model=TestModel(custom_output_text="Soil, mostly."))
    assert asyncio.run(client.complete("Summarise")) == "Soil, mostly."


def test_the_configured_name_test_is_pydantic_ais_offline_model() -> None:
    client = LlmClient(LlmOptions(model="test", max_tokens=50, timeout=5))
    assert isinstance(asyncio.run(client.complete("hi", output_type=Verdict)), Verdict)
    assert client.model_name == "test"


def test_no_model_configured_says_where_to_set_one() -> None:
    with pytest.raises(LlmError) as caught:
        asyncio.run(LlmClient(LlmOptions()).complete("hi"))
    assert str(caught.value) == (
        "no language model is configured for context.llm\n"
        '  hint: set one in kurt.toml: [llm] model = "openai:gpt-4o-mini" (see: kurt config llm)'
    )


def test_without_pydantic_ai_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pydantic_ai", None)  # as if not installed
    with pytest.raises(LlmError) as caught:
        asyncio.run(LlmClient(LlmOptions(model="test")).complete("hi"))
    assert "pip install 'kurt-skills[llm]'" in str(caught.value)
    assert caught.value.exit_code == 1


def test_a_provider_failure_is_a_message_naming_the_model() -> None:
    def refuse(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        raise ConnectionError("connection refused")

    client = LlmClient(LlmOptions(model="openai:gpt-4o-mini"), model=FunctionModel(refuse))
    with pytest.raises(LlmError) as caught:
        asyncio.run(client.complete("hi"))
    assert str(caught.value).startswith(
        "the model 'function:refuse:' failed: ConnectionError: connection refused\n  hint: "
    )
    assert client.usage.requests == 0


# -- the tokens in the result's metadata -------------------------------------------------


class AskInput(BaseModel):
    times: int = 1


class Asked(BaseModel):
    topic: str


class Ask(Tool[AskInput, Asked]):
    name = "ask"
    description = "Ask the model `times` times"
    InputModel = AskInput
    OutputModel = Asked

    async def run(
        self, params: AskInput, context: ToolContext, on_progress: ProgressCallback | None = None
    ) -> ToolResult:
        assert context.llm is not None
        answers = [
            await context.llm.complete("topic?", output_type=Verdict) for _ in range(params.times)
        ]
        return ToolResult(success=True, data=[{"topic": a.topic} for a in answers])


def run_ask(registries: Registries, llm: Any, times: int) -> ToolResult:
    from kurt.core.execute import execute_tool

    registries.tools.register(Ask)
    return asyncio.run(execute_tool("ask", {"times": times}, registries.context(llm=llm)))


def test_the_tokens_a_tool_spent_are_in_its_metadata(registries: Registries) -> None:
    result = run_ask(registries, offline_llm(), times=2)
    assert result.success, result.errors
    spent = result.metadata["llm"]
    assert spent["model"] == "test"
    assert spent["requests"] == 2
    assert spent["input_tokens"] > 0
    assert spent["output_tokens"] > 0


def test_a_tool_that_asks_nothing_has_no_llm_metadata(registries: Registries) -> None:
    result = run_ask(registries, offline_llm(), times=0)
    assert result.success
    assert "llm" not in result.metadata


def test_a_missing_model_fails_the_tool_with_the_hint(registries: Registries) -> None:
    result = run_ask(registries, LlmClient(LlmOptions()), times=1)
    assert not result.success
    assert result.errors[0].type == "LlmError"
    assert '[llm] model = "openai:gpt-4o-mini"' in result.errors[0].message
