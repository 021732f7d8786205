"""What a tool, fetcher or mapper gets at run time: :class:`ToolContext`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, Protocol

import attrs

from kurt.redaction import remember_settings

if TYPE_CHECKING:
    import httpx

    from kurt.core.lifespan import LifespanScope
    from kurt.core.llm import LlmClient
    from kurt.core.progress import ProgressCallback
    from kurt.core.resources import RunResources
    from kurt.core.result import ToolResult

SettingsFactory = Callable[[str | None], Any]


class Lookup(Protocol):
    """What a context needs of a registry (:class:`kurt.registry.Registry` is one)."""

    kind: str

    def entry(self, name: str) -> Any: ...

    def get(self, name: str) -> type[Any]: ...

    def names(self) -> list[str]: ...


#: The registries a context uses when none are given: the process-wide ones,
#: which :mod:`kurt.registry` puts here when it is imported (this floor may not
#: import it). ``kurt`` imports the registry before handing out any of these names.
DEFAULT_REGISTRIES: dict[str, Lookup] = {}


def _default(kind: str) -> Callable[[], Lookup]:
    def factory() -> Lookup:
        try:
            return DEFAULT_REGISTRIES[kind]
        except KeyError:
            raise RuntimeError(
                "no registries: import kurt.registry (or pass tools=, fetchers=, mappers=)"
            ) from None

    return factory


def no_settings(skill: str | None) -> Any:
    """Settings for code that declares none: an empty namespace."""
    return SimpleNamespace()


@attrs.frozen(kw_only=True)
class ToolContext:
    """Shared resources of one run, plus the running skill's own settings.

    ``settings`` holds the validated settings of the skill that provides the
    running tool, fetcher or mapper, and nothing else: :meth:`for_skill` gives a
    copy with another skill's settings, built by ``settings_for``.
    ``config`` is Kurt's own configuration (``[fetch]``, ``[map]``, ...).

    ``progress`` is where a fetcher or mapper reports the steps of a long job
    (a crawl, page by page); ``None`` when nobody is watching.

    ``db``, ``http`` and ``llm`` are given (``ToolContext(db=..., http=...)``)
    or, in a run Kurt made, opened from ``resources`` the first time a tool
    reads them.

    ``state`` is what the running skill's ``lifespan(context)`` yielded
    (``None`` without one); ``lifespans`` is the scope of the command,
    workflow run or MCP session that enters those (:mod:`kurt.core.lifespan`),
    and :meth:`enter` is how the tool execution path asks it.
    """

    _db: Any = attrs.field(default=None, alias="db")
    _http: httpx.AsyncClient | None = attrs.field(default=None, alias="http")
    resources: RunResources | None = None
    _llm: LlmClient | None = attrs.field(default=None, alias="llm")
    settings: Any = attrs.field(factory=SimpleNamespace)
    _config: Any = attrs.field(default=None, alias="config")
    skill: str | None = None
    tools: Lookup = attrs.field(factory=_default("tool"))
    fetchers: Lookup = attrs.field(factory=_default("fetcher"))
    mappers: Lookup = attrs.field(factory=_default("mapper"))
    settings_for: SettingsFactory = no_settings
    state: Any = None
    lifespans: LifespanScope | None = None
    progress: ProgressCallback | None = None

    @property
    def db(self) -> Any:
        """The project's database (:class:`kurt.db.store.Database`), or ``None``."""
        if self._db is None and self.resources is not None:
            return self.resources.db
        return self._db

    @property
    def config(self) -> Any:
        """Kurt's own configuration (``[fetch]``, ``[map]``, ...), or ``None``;
        in a run Kurt made, read the first time a tool asks for it."""
        if self._config is None and self.resources is not None:
            return self.resources.config
        return self._config

    @property
    def http(self) -> httpx.AsyncClient | None:
        """The run's shared ``httpx.AsyncClient``, or ``None``."""
        if self._http is None and self.resources is not None:
            return self.resources.http
        return self._http

    @property
    def llm(self) -> LlmClient | None:
        """The running skill's language model client (:mod:`kurt.core.llm`):
        ``await context.llm.complete(prompt, output_type=Model)``; ``None``
        when this context has none (a run Kurt made always has one)."""
        if self._llm is None and self.resources is not None:
            return self.resources.llm_for(self.skill)
        return self._llm

    def opened_llm(self) -> LlmClient | None:
        """The client :attr:`llm` gives, only if it was made already (so
        that reading its usage never makes one)."""
        if self._llm is None and self.resources is not None:
            return self.resources.opened_llm(self.skill)
        return self._llm

    def for_skill(self, skill: str | None) -> ToolContext:
        """This context with ``skill``'s settings in place of the current ones."""
        if skill == self.skill and self.skill is not None:
            return self
        settings = self.settings_for(skill)
        remember_settings(settings)  # its secrets are masked in all Kurt prints and stores
        return attrs.evolve(self, settings=settings, skill=skill)

    async def enter(self, skill: str | None) -> ToolContext:
        """:meth:`for_skill`, with ``skill``'s ``state`` from its lifespan,
        entered in this context's scope the first time (a
        :class:`~kurt.errors.SkillError` naming skill.py and the line when it
        fails). What runs skill code calls this just before it does."""
        context = self.for_skill(skill)
        if skill is None or self.lifespans is None:
            return context
        state = await self.lifespans.state(skill, context)
        return context if state is context.state else attrs.evolve(context, state=state)

    async def run_tool(
        self,
        name: str,
        params: Mapping[str, Any] | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> ToolResult:
        """Run another registered tool by name, with its own skill's settings."""
        from kurt.core.execute import execute_tool

        return await execute_tool(name, params or {}, self, on_progress)
