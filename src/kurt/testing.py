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
    A factory of :class:`~kurt.ToolContext` objects with the settings you
    give (checked against a skill's SKILL.md schema when you pass
    ``skill_dir=``), for unit tests of a tool, fetcher or mapper without a
    project.

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
from typing import TYPE_CHECKING, Any, NamedTuple

import pytest

if TYPE_CHECKING:
    from kurt.config.locations import Locations
    from kurt.runtime import Runtime
    from kurt.tools.context import ToolContext
    from kurt.tools.result import ToolResult

__all__ = [
    "KurtProject",
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


def make_context(
    settings: Mapping[str, Any] | Any = None,
    *,
    skill_dir: str | os.PathLike[str] | None = None,
    **resources: Any,
) -> ToolContext:
    """A :class:`~kurt.ToolContext` whose ``settings`` are the ones given.

    With ``skill_dir`` (a folder holding SKILL.md), ``settings`` is checked
    against that skill's schema exactly as kurt.toml would be: defaults fill
    the gaps, types are enforced, secrets become ``SecretStr``, and an unknown
    key or wrong type raises Kurt's ``ConfigError``. Without it, a mapping
    becomes an attribute namespace as given (any other object is used as is).
    ``resources`` are the context's other fields (``db``, ``http``, ``llm``,
    ``config``).
    Every skill run through this context (other tools it calls included) sees
    these settings. Kurt's built-in tools and engines are registered.
    """
    from types import SimpleNamespace

    from kurt.tools.builtin import load_builtins
    from kurt.tools.context import ToolContext

    load_builtins()  # a tool under test may call `map`, `fetch` or use Kurt's engines
    skill: str | None = None
    if skill_dir is not None:
        skill, value = _validated_settings(Path(skill_dir), dict(settings or {}))
    elif settings is None or isinstance(settings, Mapping):
        value = SimpleNamespace(**dict(settings or {}))
    else:
        value = settings
    return ToolContext(settings=value, skill=skill, settings_for=lambda _skill: value, **resources)


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
    """Run the registered tool ``name`` with ``context`` (default: an empty one).

    The tool must be registered already (import or :func:`load_skill` its
    module first), or use :meth:`KurtProject.arun_tool` to go through
    discovery as ``kurt tool run`` does.
    """
    from kurt.tools.execute import execute_tool

    return await execute_tool(
        name, {**(params or {}), **fields}, context if context is not None else make_context()
    )


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


@pytest.fixture
def kurt_context() -> Callable[..., ToolContext]:
    """:func:`make_context`: ``kurt_context(settings={...}, skill_dir=..., http=...)``."""
    return make_context


@pytest.fixture(name="run_tool")
def run_tool_fixture() -> Callable[..., ToolResult]:
    """:func:`run_tool`: ``run_tool("name", {...}, context=kurt_context(...))``."""
    return run_tool


@pytest.fixture(name="arun_tool")
def arun_tool_fixture() -> Callable[..., Any]:
    """:func:`arun_tool`, the coroutine form, for async tests."""
    return arun_tool
