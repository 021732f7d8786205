"""Tool contexts and runs for tests, without a project: :func:`make_context`,
:func:`run_tool`, :func:`arun_tool`, :func:`load_skill` and the
:class:`ContextFactory` the ``kurt_context`` fixture gives.

Part of the :mod:`kurt.testing` pytest plugin. Nothing heavy is imported at
module level: pytest loads the plugin in every run.
"""

from __future__ import annotations

import os
import types
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    import httpx

    from kurt.config.locations import Locations
    from kurt.core.context import ToolContext
    from kurt.core.llm import LlmClient
    from kurt.core.resources import RunResources
    from kurt.core.result import ToolResult
    from kurt.testing.project import KurtProject


class _ClosesResources:
    """What :class:`KurtTestContext` adds to :class:`~kurt.ToolContext`."""

    __slots__ = ()
    resources: RunResources | None

    def close(self) -> None:
        """Close the database and client this context opened (it may be used again:
        they reopen on first use, an in-memory database empty)."""
        if self.resources is not None:
            _close_now(self.resources)

    async def aclose(self) -> None:
        """:meth:`close` for async code."""
        if self.resources is not None:
            await self.resources.aclose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


if TYPE_CHECKING:

    class KurtTestContext(_ClosesResources, ToolContext):
        """A :class:`~kurt.ToolContext` that closes the database and client it opened
        (``with`` / ``async with`` / :meth:`close`). ``db=`` or ``http=`` given to
        :func:`make_context` are the caller's and are never closed here."""

else:

    def __getattr__(name: str) -> Any:
        # KurtTestContext subclasses ToolContext, whose import costs a quarter
        # of a second: it is made when first asked for, not when pytest loads
        # the plugin.
        if name == "KurtTestContext":
            return _context_class()
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_CONTEXT_CLASS: list[type[KurtTestContext]] = []

# Resources of make_context's contexts, closed at the end of each test.
_SCRATCH: list[RunResources] = []


def _context_class() -> type[KurtTestContext]:
    if not _CONTEXT_CLASS:
        import attrs

        from kurt.core.context import ToolContext

        namespace = {"__module__": __name__, "__qualname__": "KurtTestContext"}
        made = attrs.frozen(kw_only=True)(
            type("KurtTestContext", (_ClosesResources, ToolContext), namespace)
        )
        _CONTEXT_CLASS.append(made)
    return _CONTEXT_CLASS[0]


def make_context(
    settings: Mapping[str, Any] | Any = None,
    *,
    skill_dir: str | os.PathLike[str] | None = None,
    **resources: Any,
) -> KurtTestContext:
    """A :class:`~kurt.ToolContext` whose ``settings`` are the ones given.

    With ``skill_dir`` (a folder holding SKILL.md), ``settings`` is checked
    against that skill's schema exactly as kurt.toml would be: defaults fill
    the gaps, types are enforced, secrets become ``pydantic.SecretStr``
    (``pydantic.Secret[...]`` for the other types), and an unknown key or
    wrong type raises Kurt's ``ConfigError``. Without it, a mapping becomes an
    attribute namespace as given (any other object is used as is).
    ``resources`` are the context's other fields (``db``, ``http``, ``llm``,
    ``config``, ``state``); ``llm`` is :func:`offline_llm` unless given. The
    context belongs to no lifespan scope: ``state`` (what the skill's
    ``lifespan`` would yield) is ``None`` unless given.

    As in a run, ``context.http`` and ``context.db`` are opened the first time
    they are read: Kurt's ``httpx.AsyncClient`` (``[fetch]`` of ``config=``,
    defaults without it) keeping no idle connection, so that one context
    serves several ``asyncio.run`` calls; and an in-memory SQLite database.
    The plugin closes them when the test ends; ``with make_context(...) as
    context:`` (or ``async with``, or ``context.close()``) closes them sooner,
    and is how to close them outside pytest. A ``db=`` or ``http=`` given here
    wins, and stays yours to close.

    Every skill run through this context (other tools it calls included) sees
    these settings. Kurt's built-in tools and engines are registered.
    """
    import kurt.registry  # noqa: F401  (fills the registries a context looks names up in)
    from kurt.db.store import Database

    config = resources.get("config")
    scratch = _lazy_resources(Database.in_memory, lambda: _client(config))
    _SCRATCH.append(scratch)
    return _build_context(settings, skill_dir, scratch, resources)


def offline_llm(model: Any = None) -> LlmClient:
    """A ``context.llm`` that asks no network and needs no key: pydantic-ai's
    ``TestModel`` (answers built from the output type's schema), or ``model``
    (another pydantic-ai model, e.g. ``TestModel(custom_output_args={...})``
    or a ``FunctionModel`` giving the answers a test wants).

    :func:`make_context` gives one unless ``llm=`` is passed. A
    :class:`~kurt.testing.KurtProject` runs as ``kurt`` does, with its
    kurt.toml's model: ``[llm] model = "test"`` is this same offline model.
    The client's ``usage`` counts what was asked.
    """
    from kurt.core.llm import LlmClient, LlmOptions

    return LlmClient(LlmOptions(model="test"), model=model)


def _client(config: Any) -> httpx.AsyncClient:
    """A run's client with ``config``'s ``[fetch]`` options, keeping no idle
    connection: a kept one belongs to the event loop that opened it."""
    from kurt.tools.http import make_client

    section = getattr(config, "fetch", None)
    return make_client(section if _is_fetch_section(section) else None, keep_alive=False)


def _is_fetch_section(section: Any) -> bool:
    from kurt.config.model import FetchSection

    return isinstance(section, FetchSection)


def _lazy_resources(open_db: Callable[[], Any], open_http: Callable[[], Any]) -> RunResources:
    from kurt.core.resources import RunResources

    return RunResources(open_db, open_http)


def _build_context(
    settings: Mapping[str, Any] | Any,
    skill_dir: str | os.PathLike[str] | None,
    scratch: RunResources,
    resources: dict[str, Any],
) -> KurtTestContext:
    from types import SimpleNamespace

    skill: str | None = None
    if skill_dir is not None:
        skill, value = _validated_settings(Path(skill_dir), dict(settings or {}))
    elif settings is None or isinstance(settings, Mapping):
        value = SimpleNamespace(**dict(settings or {}))
    else:
        value = settings
    resources.setdefault("resources", scratch)
    resources.setdefault("llm", offline_llm())
    return _context_class()(
        settings=value, skill=skill, settings_for=lambda _skill: value, **resources
    )


def _close_now(resources: RunResources) -> None:
    """Close ``resources`` from synchronous code (a loop of its own does the closing)."""
    import asyncio

    if not resources.opened:
        return
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(resources.aclose())
        return
    # Called inside a running loop (a sync close in async code), which cannot
    # be blocked on: another thread does the closing. The client keeps no
    # connection, so no other loop's transport is touched.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, resources.aclose()).result()


def _close_scratch() -> None:
    """Close what make_context's contexts opened: every one, even if one fails."""
    errors: list[Exception] = []
    while _SCRATCH:
        try:
            _close_now(_SCRATCH.pop())
        except Exception as exc:  # every one is closed; the first error is raised
            errors.append(exc)
    if errors:
        raise errors[0]


def _validated_settings(skill_dir: Path, values: dict[str, Any]) -> tuple[str, Any]:
    from kurt.config.settings import resolve_settings
    from kurt.config.skills import SettingsTable, SkillsConfig
    from kurt.skills.manifest.model import load_manifest

    manifest_path = skill_dir / "SKILL.md"
    manifest = load_manifest(manifest_path)
    table = SettingsTable(scope="project", file=manifest_path, values=values)
    config = SkillsConfig(tables={manifest.name: (table,)})
    resolved = resolve_settings(manifest.name, manifest.settings_spec(), config, {})
    return manifest.name, resolved.model


async def arun_tool(
    name: str,
    params: Mapping[str, Any] | None = None,
    /,
    *,
    context: ToolContext | None = None,
    **fields: Any,
) -> ToolResult:
    """Run the registered tool ``name`` with ``context`` (default: an empty one,
    closed afterwards).

    The tool must be registered already (import or :func:`load_skill` its
    module first), or use :meth:`KurtProject.arun_tool` to go through
    discovery as ``kurt tool run`` does.
    """
    from kurt.core.execute import execute_tool

    if context is not None:
        return await execute_tool(name, {**(params or {}), **fields}, context)
    async with make_context() as own:  # made here, so closed here
        return await execute_tool(name, {**(params or {}), **fields}, own)


def run_tool(
    name: str,
    params: Mapping[str, Any] | None = None,
    /,
    *,
    context: ToolContext | None = None,
    **fields: Any,
) -> ToolResult:
    """:func:`arun_tool` for synchronous tests (not inside a running event loop)."""
    import asyncio

    return asyncio.run(arun_tool(name, params, context=context, **fields))


def load_skill(skill_dir: str | os.PathLike[str]) -> types.ModuleType:
    """Import a skill's ``skill.py`` so that what it registers is attributed to it.

    For unit tests with :func:`make_context` and :func:`run_tool`. It goes
    through Kurt's own loader (source only, the folder a package of its own so
    ``from .helpers import x`` works). Call it in each test that needs it: when
    the test ends, the skill's code and what it registered are forgotten, so
    no test depends on another having loaded it. A SKILL.md that does not
    validate raises :class:`~kurt.errors.SkillError` listing its problems.
    """
    import sys

    from kurt.errors import SkillError
    from kurt.skills.catalog.precedence import record_from_facts
    from kurt.skills.catalog.search import Candidate, manifest_stat
    from kurt.skills.loader import load_skill as import_skill
    from kurt.skills.manifest.read import read_facts
    from kurt.testing.registries import LOADED_BY_TESTS

    folder = Path(skill_dir).resolve()
    manifest, _ = manifest_stat(folder)
    candidate = Candidate("path", folder, manifest)
    record = record_from_facts(candidate, read_facts(candidate))
    if record.errors:
        problems = "; ".join(str(problem) for problem in record.errors)
        raise SkillError(f"skill at {folder} is invalid: {problems}", file=record.manifest_path)
    before = set(sys.modules)
    try:
        return import_skill(record)
    finally:
        LOADED_BY_TESTS.update(set(sys.modules) - before)


class ContextFactory:
    """What the ``kurt_context`` fixture gives: :func:`make_context` whose
    contexts share one project's database and one HTTP client, as the tools
    of a run do.

    ``root`` is that project's folder: the test's ``kurt_project`` when the
    test uses one (so what its runs stored is in ``context.db``), else a
    temporary folder. The database is ``<root>/.kurt/kurt.sqlite`` (or the
    project's ``[database].url``). Both are opened on first use and closed
    when the test ends.
    """

    def __init__(self, root: Path, resources: RunResources) -> None:
        self.root = root
        self.resources = resources

    def __repr__(self) -> str:
        return f"<ContextFactory {self.root}>"

    def __call__(
        self,
        settings: Mapping[str, Any] | Any = None,
        *,
        skill_dir: str | os.PathLike[str] | None = None,
        **resources: Any,
    ) -> KurtTestContext:
        """:func:`make_context` with this factory's database and client."""
        return _build_context(settings, skill_dir, self.resources, resources)

    @classmethod
    def for_project(cls, project: KurtProject) -> ContextFactory:
        """Contexts sharing ``project``'s own database and a client configured by it."""
        resources = _lazy_resources(
            lambda: _project_database(project.locations),
            lambda: _client(_project_config(project.locations)),
        )
        return cls(project.root, resources)

    @classmethod
    def scratch(cls, root: Path) -> ContextFactory:
        """Contexts sharing a database under ``root`` (a temporary folder) and a client."""
        database = root / ".kurt" / "kurt.sqlite"
        return cls(root, _lazy_resources(lambda: _sqlite_file(database), lambda: _client(None)))

    def close(self) -> None:
        """Close the database and client, if they were opened."""
        _close_now(self.resources)


def _project_config(locations: Locations) -> Any:
    from kurt.config.model import load_config

    return load_config(locations)


def _project_database(locations: Locations) -> Any:
    """The database a run in that project opens (``[database].url`` or ``.kurt/kurt.sqlite``)."""
    from kurt.db.store import open_database

    return open_database(locations, _project_config(locations))


def _sqlite_file(path: Path) -> Any:
    from kurt.db.store import Database

    path.parent.mkdir(parents=True, exist_ok=True)
    return Database(f"sqlite:///{path.as_posix()}")


def close_open_contexts() -> None:
    """Close what :func:`make_context`'s contexts opened (after each test)."""
    if _SCRATCH:
        _close_scratch()
