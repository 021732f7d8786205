"""A pytest plugin for skill authors: temporary projects, contexts, tool runs.

Installed with Kurt and registered through the ``pytest11`` entry point, so its
fixtures are available in any test suite of a project where Kurt is installed,
with nothing to import or configure:

``kurt_project``
    A :class:`KurtProject`: a fresh, trusted Kurt project in a temporary
    folder, with its own ``KURT_HOME`` (the user's real skills, settings and
    trust records are never seen or touched). Add your skill with
    :meth:`KurtProject.add_skill` (a copy) or :meth:`KurtProject.add_path`
    (searched in place), configure it with :meth:`KurtProject.configure`, and
    run its tools with :meth:`KurtProject.run_tool` (or ``await``
    :meth:`KurtProject.arun_tool`): the whole path a user's run takes
    (discovery, validation, trust, settings, lazy loading). :meth:`KurtProject.kurt`
    runs the real ``kurt`` command there.

``kurt_context``
    A :class:`ContextFactory` of :class:`~kurt.ToolContext` objects with the
    settings you give (checked against a skill's SKILL.md schema when you pass
    ``skill_dir=``), for unit tests of a tool, fetcher or mapper. Their
    ``http`` is a real client and their ``db`` a real project database (the
    test's ``kurt_project``, else a temporary folder), opened on first use and
    closed when the test ends. :func:`make_context` is the same without a
    fixture (an in-memory database; closed at the end of the test, or by
    ``with``).

``run_tool``
    Run a registered tool by name and get its :class:`~kurt.ToolResult`;
    :func:`arun_tool` is the coroutine for async tests.

Example (``tests/test_skill.py`` of a skill)::

    from pathlib import Path

    SKILL = Path(__file__).parents[1]          # the folder holding SKILL.md

    def test_greets(kurt_project):
        kurt_project.add_skill(SKILL)
        kurt_project.configure("hello", greeting="Hi")
        result = kurt_project.run_tool("hello", name="Ada")
        assert result.success, result.errors
        assert result.data == [{"message": "Hi, Ada!"}]

pytest loads this module in every run, so it imports nothing heavy at module
level: Kurt's runtime, pydantic and httpx are imported when a fixture is used.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import types
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Self

import pytest

if TYPE_CHECKING:
    import httpx

    from kurt.config.locations import Locations
    from kurt.runtime import Runtime
    from kurt.tools.context import ToolContext
    from kurt.tools.resources import RunResources
    from kurt.tools.result import ToolResult

__all__ = [
    "ContextFactory",
    "KurtProject",
    "KurtTestContext",
    "Outcome",
    "arun_tool",
    "kurt_context",
    "kurt_project",
    "load_skill",
    "make_context",
    "run_tool",
]


class Outcome(NamedTuple):
    """What a ``kurt`` command did: its exit code and its two output streams."""

    exit_code: int
    stdout: str
    stderr: str


class KurtProject:
    """A temporary Kurt project and the Kurt home that goes with it.

    ``root`` holds ``kurt.toml``, ``skills/`` and ``.kurt/``; ``home`` is the
    ``KURT_HOME`` that the fixture sets for the test. The project is trusted,
    so its own skills may run (:meth:`trust` with ``False`` to test the
    refusal).
    """

    def __init__(self, root: Path, home: Path) -> None:
        self.root = root
        self.home = home
        self.skills_dir = root / "skills"
        self.config_file = root / "kurt.toml"
        self.skills_dir.mkdir(parents=True, exist_ok=True)
        (root / ".kurt").mkdir(exist_ok=True)
        if not self.config_file.exists():
            self.config_file.write_text("[skills]\n", encoding="utf-8")
        home.mkdir(parents=True, exist_ok=True)
        self.trust()

    def __repr__(self) -> str:
        return f"<KurtProject {self.root}>"

    @property
    def locations(self) -> Locations:
        from kurt.config.locations import Locations

        return Locations(project_root=self.root, home=self.home)

    # -- shaping the project --------------------------------------------------

    def trust(self, trusted: bool = True) -> None:
        """Trust (or stop trusting) this project, as ``kurt trust`` does."""
        from kurt.skills.trust import set_trusted

        set_trusted(self.locations.trust_file, self.root, trusted=trusted)

    def add_skill(self, folder: str | os.PathLike[str], *, name: str | None = None) -> Path:
        """Copy a skill folder into ``skills/`` (as ``name``, default the folder's name).

        A copy, so the test never writes into your source tree; compiled files
        are left behind (Kurt imports ``skill.py`` from source anyway).
        """
        source = Path(folder).resolve()
        if not (source / "SKILL.md").is_file():
            raise FileNotFoundError(f"{source} holds no SKILL.md: is it a skill folder?")
        target = self.skills_dir / (name or source.name)
        shutil.copytree(
            source,
            target,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
            dirs_exist_ok=True,
        )
        return target

    def add_path(self, folder: str | os.PathLike[str]) -> None:
        """Add ``folder`` (a folder of skill folders) to ``[skills].paths``, searched in place."""
        paths = list(self.read_config().get("skills", {}).get("paths", []))
        path = str(Path(folder).resolve())
        if path not in paths:
            paths.append(path)
        self.set_skills_key("paths", paths)

    def configure(self, skill: str, **settings: Any) -> None:
        """Set ``skill``'s settings in kurt.toml (``[skills.<skill>]``), merging
        with what is there; ``None`` removes a key."""
        document = self.read_config()
        table = document.setdefault("skills", {}).setdefault(skill, {})
        for key, value in settings.items():
            if value is None:
                table.pop(key, None)
            else:
                table[key] = value
        self.write_config(document)

    def set_skills_key(self, key: str, value: Any) -> None:
        """Set one key of ``[skills]``: ``paths``, ``enabled`` or ``disabled``."""
        document = self.read_config()
        document.setdefault("skills", {})[key] = value
        self.write_config(document)

    def read_config(self) -> dict[str, Any]:
        """kurt.toml as data."""
        import tomllib

        return tomllib.loads(self.config_file.read_text(encoding="utf-8"))

    def write_config(self, document: Mapping[str, Any] | str) -> None:
        """Replace kurt.toml with ``document`` (TOML text, or data to write as TOML)."""
        if not isinstance(document, str):
            import tomli_w

            document = tomli_w.dumps(dict(document))
        self.config_file.write_text(document, encoding="utf-8")

    # -- running --------------------------------------------------------------

    def runtime(self) -> Runtime:
        """A fresh :class:`~kurt.runtime.Runtime` of this project (reads kurt.toml anew)."""
        from kurt.runtime import Runtime

        return Runtime(self.locations)

    async def arun_tool(
        self, name: str, params: Mapping[str, Any] | None = None, /, **fields: Any
    ) -> ToolResult:
        """Run the tool ``name`` as ``kurt tool run`` would, and return its ToolResult.

        Input is ``params`` and/or keyword ``fields`` (fields win). A usage
        error (unknown tool, invalid input) or a refusal (untrusted project,
        disabled skill, invalid settings) raises Kurt's error, as the CLI
        would report it; a failure inside the tool is a failed result.
        """
        from kurt.tools.execute import execute_tool

        runtime = self.runtime()
        async with runtime.context() as context:
            return await execute_tool(name, {**(params or {}), **fields}, context)

    def run_tool(
        self, name: str, params: Mapping[str, Any] | None = None, /, **fields: Any
    ) -> ToolResult:
        """:meth:`arun_tool` for synchronous tests (not inside a running event loop)."""
        import asyncio

        return asyncio.run(self.arun_tool(name, params, **fields))

    def kurt(
        self, *args: str, env: Mapping[str, str] | None = None, timeout: float = 120
    ) -> Outcome:
        """Run the real ``kurt ARGS`` in this project (a subprocess) and capture it."""
        environment = {**os.environ, "KURT_HOME": str(self.home), **(env or {})}
        done = subprocess.run(
            [sys.executable, "-m", "kurt", *args],
            cwd=self.root,
            env=environment,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        return Outcome(done.returncode, done.stdout, done.stderr)


# -- contexts and runs without a project ------------------------------------


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

        from kurt.tools.context import ToolContext

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
    ``config``).

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
    from kurt.db.store import Database

    config = resources.get("config")
    scratch = _lazy_resources(Database.in_memory, lambda: _client(config))
    _SCRATCH.append(scratch)
    return _build_context(settings, skill_dir, scratch, resources)


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
    from kurt.tools.resources import RunResources

    return RunResources(open_db, open_http)


def _build_context(
    settings: Mapping[str, Any] | Any,
    skill_dir: str | os.PathLike[str] | None,
    scratch: RunResources,
    resources: dict[str, Any],
) -> KurtTestContext:
    from types import SimpleNamespace

    from kurt.tools.builtin import load_builtins

    load_builtins()  # a tool under test may call `map`, `fetch` or use Kurt's engines
    skill: str | None = None
    if skill_dir is not None:
        skill, value = _validated_settings(Path(skill_dir), dict(settings or {}))
    elif settings is None or isinstance(settings, Mapping):
        value = SimpleNamespace(**dict(settings or {}))
    else:
        value = settings
    resources.setdefault("resources", scratch)
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
    from kurt.skills.models import load_manifest

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
    from kurt.tools.execute import execute_tool

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
    ``from .helpers import x`` works), so loading it again in every test is
    fine: what the skill registered is put back if a registry lost it. A
    SKILL.md that does not validate raises :class:`~kurt.errors.SkillError`
    listing its problems.
    """
    from kurt.errors import SkillError
    from kurt.skills.discovery import Candidate, manifest_stat
    from kurt.skills.facts import read_facts
    from kurt.skills.loader import load_skill as import_skill
    from kurt.skills.precedence import record_from_facts

    folder = Path(skill_dir).resolve()
    manifest, _ = manifest_stat(folder)
    candidate = Candidate("path", folder, manifest)
    record = record_from_facts(candidate, read_facts(candidate))
    if record.errors:
        problems = "; ".join(str(problem) for problem in record.errors)
        raise SkillError(f"skill at {folder} is invalid: {problems}", file=record.manifest_path)
    return import_skill(record)


# -- fixtures ---------------------------------------------------------------

# Module names under which Kurt's loader imports skill code.
_SKILL_MODULE_PREFIXES = ("kurt_skill_",)


@pytest.fixture
def kurt_project(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[KurtProject]:
    """A trusted temporary Kurt project with its own ``KURT_HOME`` (see :class:`KurtProject`).

    ``KURT_*`` variables of the caller are cleared, and whatever its skills
    register is forgotten after the test.
    """
    from kurt.registry import FETCHERS, MAPPERS, TOOLS

    base = tmp_path_factory.mktemp("kurt-project")
    for variable in list(os.environ):
        if variable.startswith("KURT_"):
            monkeypatch.delenv(variable)
    home = base / "kurt-home"
    monkeypatch.setenv("KURT_HOME", str(home))
    project = KurtProject(base / "project", home)
    modules_before = set(sys.modules)
    try:
        with TOOLS.isolated(), FETCHERS.isolated(), MAPPERS.isolated():
            yield project
    finally:
        # Skill code imported during the test goes with its registrations, so
        # the next test imports (and registers) it afresh.
        for name in set(sys.modules) - modules_before:
            if name.startswith(_SKILL_MODULE_PREFIXES):
                del sys.modules[name]


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


@pytest.fixture
def kurt_context(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ContextFactory]:
    """A :class:`ContextFactory`: ``kurt_context(settings={...}, skill_dir=..., http=...)``
    gives a ToolContext whose ``db`` is a real project database and ``http`` a real client."""
    if "kurt_project" in request.fixturenames:
        project: KurtProject = request.getfixturevalue("kurt_project")
        root = project.root
        resources = _lazy_resources(
            lambda: _project_database(project.locations),
            lambda: _client(_project_config(project.locations)),
        )
    else:
        root = tmp_path_factory.mktemp("kurt-context")
        database = root / ".kurt" / "kurt.sqlite"
        resources = _lazy_resources(lambda: _sqlite_file(database), lambda: _client(None))
    try:
        yield ContextFactory(root, resources)
    finally:
        _close_now(resources)


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


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    """After each test (and its fixtures): close what make_context's contexts opened."""
    if _SCRATCH:
        _close_scratch()


@pytest.fixture(name="run_tool")
def run_tool_fixture() -> Callable[..., ToolResult]:
    """:func:`run_tool`: ``run_tool("name", {...}, context=kurt_context(...))``."""
    return run_tool


@pytest.fixture(name="arun_tool")
def arun_tool_fixture() -> Callable[..., Any]:
    """:func:`arun_tool`, the coroutine form, for async tests."""
    return arun_tool
