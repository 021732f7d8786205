"""``context.llm``: one call to a language model, answered as text or as a
validated pydantic object, through pydantic-ai.

:class:`LlmClient` is cheap to build and imports pydantic-ai only when
:meth:`LlmClient.complete` is first awaited: a command whose tools never ask a
model never pays for it, and without the ``llm`` extra only those tools fail.
The runtime builds one per skill from ``[llm]`` (and ``[skills.NAME.llm]``);
this floor knows no configuration, only the options it is given.

The API key is the provider's own business: pydantic-ai reads the provider's
usual environment variable (``OPENAI_API_KEY``, ``ANTHROPIC_API_KEY``, ...).
Kurt never reads, stores or prints it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, overload

import attrs

from kurt.errors import KurtError

if TYPE_CHECKING:
    from pydantic import BaseModel

OutputT = TypeVar("OutputT", bound="BaseModel")

#: What to install when pydantic-ai is missing (Kurt's distribution name).
INSTALL = "pip install 'kurt-skills[llm]'"


class LlmError(KurtError):
    """A model could not be asked: none configured, the extra missing, or the
    provider refused (a failed ToolResult of the tool that asked, exit 1)."""


@attrs.frozen(kw_only=True)
class LlmOptions:
    """What :class:`LlmClient` asks with: ``[llm]`` of kurt.toml, as given.

    ``model`` is pydantic-ai's ``"provider:model"`` name (``None``: none
    configured). ``api_key`` (a skill's secret ``llm_api_key`` setting) is
    given to the provider in place of its environment variable; it is never
    part of a repr.
    """

    model: str | None = None
    timeout: float | None = None
    max_tokens: int | None = None
    api_key: str | None = attrs.field(default=None, repr=False)


@attrs.define
class LlmUsage:
    """Tokens and requests spent so far by one client."""

    input_tokens: int = 0
    output_tokens: int = 0
    requests: int = 0

    def copy(self) -> LlmUsage:
        return attrs.evolve(self)


class LlmClient:
    """Ask a model: ``await context.llm.complete(prompt, output_type=Model)``.

    ``model`` (a pydantic-ai ``Model`` object, e.g. its ``TestModel``) replaces
    the configured name: :func:`kurt.testing.offline_llm` gives one so that
    tests need no network and no key.
    """

    def __init__(self, options: LlmOptions, *, model: Any = None) -> None:
        self.options = options
        self._model = model
        self.usage = LlmUsage()

    @property
    def model_name(self) -> str | None:
        """The model asked (``"test"`` for an offline one), or ``None``."""
        if self._model is not None:
            return str(getattr(self._model, "model_name", type(self._model).__name__))
        return self.options.model

    @overload
    async def complete(self, prompt: str, *, output_type: None = None) -> str: ...

    @overload
    async def complete(self, prompt: str, *, output_type: type[OutputT]) -> OutputT: ...

    async def complete(self, prompt: str, *, output_type: type[Any] | None = None) -> Any:
        """The model's answer to ``prompt``: a validated ``output_type`` object
        (pydantic-ai asks again when the answer does not validate), or text.

        Raises :class:`LlmError` when no model is configured, pydantic-ai is
        not installed, or the provider fails (no key, timeout, refusal).
        """
        model = self._model if self._model is not None else self._configured()
        agent_type = _agent_type()
        settings: dict[str, Any] = {}
        if self.options.max_tokens is not None:
            settings["max_tokens"] = self.options.max_tokens
        if self.options.timeout is not None:
            settings["timeout"] = self.options.timeout
        try:
            agent = agent_type(model, output_type=output_type or str)
            result = await agent.run(prompt, model_settings=settings or None)
        except KurtError:
            raise
        except Exception as exc:  # the provider's or pydantic-ai's: a message, not a traceback
            raise LlmError(
                f"the model '{self.model_name}' failed: {type(exc).__name__}: {exc}",
                hint=_provider_hint(self.model_name),
            ) from exc
        usage = result.usage
        if not hasattr(usage, "input_tokens"):  # a method in older pydantic-ai
            usage = usage()
        self.usage.input_tokens += usage.input_tokens or 0
        self.usage.output_tokens += usage.output_tokens or 0
        self.usage.requests += usage.requests or 0
        return result.output

    def _configured(self) -> Any:
        if self.options.model is None:
            raise LlmError(
                "no language model is configured for context.llm",
                hint='set one in kurt.toml: [llm] model = "openai:gpt-4o-mini" '
                "(see: kurt config llm)",
            )
        if self.options.api_key is None:
            return self.options.model  # pydantic-ai reads the provider's variable
        return _with_key(self.options.model, self.options.api_key)


def _with_key(name: str, api_key: str) -> Any:
    """The pydantic-ai model ``name`` whose provider is given ``api_key``."""
    _agent_type()  # pydantic-ai missing: say which extra to install
    from pydantic_ai.models import infer_model
    from pydantic_ai.providers import infer_provider_class

    def provider(provider_name: str) -> Any:
        try:
            provider_class: Any = infer_provider_class(provider_name)
            return provider_class(api_key=api_key)
        except TypeError:  # a provider that takes no key (ollama, test...)
            raise LlmError(
                f"the provider '{provider_name}' takes no API key, but llm_api_key is set",
                hint="unset the skill's llm_api_key setting for this model",
            ) from None

    try:
        return infer_model(name, provider_factory=provider)
    except KurtError:
        raise
    except Exception as exc:  # an unknown provider or model name
        raise LlmError(
            f"the model '{name}' cannot be used: {type(exc).__name__}: {exc}",
            hint=_provider_hint(name),
        ) from exc


def _agent_type() -> Any:
    try:
        from pydantic_ai import Agent
    except ImportError:
        raise LlmError(
            "context.llm needs pydantic-ai, which is not installed",
            hint=f"install it with: {INSTALL}",
        ) from None
    return Agent


def _provider_hint(model: str | None) -> str:
    provider = (model or "").partition(":")[0]
    variable = key_variable(provider)
    if variable is None:
        return "check the model name and its provider's set-up: kurt config llm"
    return f"check the model name and that {variable} holds the key: kurt config llm"


#: The environment variable pydantic-ai's provider reads its key from.
KEY_VARIABLES = {
    "openai": "OPENAI_API_KEY",
    "openai-chat": "OPENAI_API_KEY",
    "openai-responses": "OPENAI_API_KEY",
    "anthropic": "ANTHROPIC_API_KEY",
    "groq": "GROQ_API_KEY",
    "mistral": "MISTRAL_API_KEY",
    "cohere": "CO_API_KEY",
    "deepseek": "DEEPSEEK_API_KEY",
    "openrouter": "OPENROUTER_API_KEY",
    "huggingface": "HF_TOKEN",
}


def key_variable(provider: str) -> str | None:
    """The environment variable holding ``provider``'s API key, if Kurt knows it."""
    return KEY_VARIABLES.get(provider)
