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
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from kurt.core.result import ToolResult

from kurt.testing.contexts import (
    ContextFactory,
    arun_tool,
    close_open_contexts,
    load_skill,
    make_context,
    offline_llm,
    run_tool,
)
from kurt.testing.environment import SettingsEnvironment, outside, remember_outside
from kurt.testing.project import KurtProject, Outcome
from kurt.testing.registries import forget_loaded_skills, undo_registrations

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
    "offline_llm",
    "run_tool",
]


if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        # KurtTestContext subclasses ToolContext, whose import is slow: made on first use.
        if name == "KurtTestContext":
            from kurt.testing.contexts import _context_class

            return _context_class()
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
else:
    from kurt.testing.contexts import KurtTestContext


# -- fixtures ---------------------------------------------------------------


@pytest.fixture
def kurt_project(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[KurtProject]:
    """A trusted temporary Kurt project with its own ``KURT_HOME`` (see :class:`KurtProject`).

    ``KURT_*`` variables of the caller are cleared, and so, before each run, is
    every variable a setting of a discovered skill reads (``env:``) unless the
    test set it itself; whatever the test registers (its skills' code
    included) is forgotten when it ends.
    """
    base = tmp_path_factory.mktemp("kurt-project")
    for variable in list(os.environ):
        if variable.startswith("KURT_"):
            monkeypatch.delenv(variable)
    home = base / "kurt-home"
    monkeypatch.setenv("KURT_HOME", str(home))
    # A setting's own variable (`env: PAGE_STATS_TOKEN`) is hidden before each
    # run, once the test's skills are known (kurt.testing.environment).
    environment = SettingsEnvironment(monkeypatch, outside())
    # Skill code registers through the global decorators, so the test is given
    # the global registries and undoes what it did, rather than registries of
    # its own (see kurt.testing.registries).
    with undo_registrations():
        yield KurtProject(base / "project", home, environment=environment)


@pytest.fixture
def kurt_context(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ContextFactory]:
    """A :class:`ContextFactory`: ``kurt_context(settings={...}, skill_dir=..., http=...)``
    gives a ToolContext whose ``db`` is a real project database and ``http`` a real client."""
    if "kurt_project" in request.fixturenames:
        project: KurtProject = request.getfixturevalue("kurt_project")
        factory = ContextFactory.for_project(project)
    else:
        factory = ContextFactory.scratch(tmp_path_factory.mktemp("kurt-context"))
    try:
        yield factory
    finally:
        factory.close()


def pytest_configure(config: pytest.Config) -> None:
    """The environment pytest starts with is the developer's real one: what
    ``kurt_project`` keeps from the skills' settings."""
    remember_outside()


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    """After each test (and its fixtures): close what make_context's contexts
    opened, and forget the skills load_skill imported."""
    try:
        close_open_contexts()
    finally:
        forget_loaded_skills()


@pytest.fixture(name="run_tool")
def run_tool_fixture() -> Callable[..., ToolResult]:
    """:func:`run_tool`: ``run_tool("name", {...}, context=kurt_context(...))``."""
    return run_tool


@pytest.fixture(name="arun_tool")
def arun_tool_fixture() -> Callable[..., Any]:
    """:func:`arun_tool`, the coroutine form, for async tests."""
    return arun_tool
