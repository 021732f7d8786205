"""Fixtures shared by every test: an isolated KURT_HOME, fresh registries,
temporary projects, and two ways to run the CLI (a real subprocess, and
in-process)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from hypothesis import settings

import backends
from kurt.testing.registries import undo_registrations
from samples import Registries

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

# The MCP server's tests talk to it with the SDK's own client, which comes with
# the mcp extra (dev installs it; the README's `.[test]` does not).
try:
    _HAS_MCP = importlib.util.find_spec("mcp") is not None
except ImportError:
    _HAS_MCP = False
collect_ignore_glob = [] if _HAS_MCP else ["mcp/test_server.py", "mcp/test_untrusted.py"]

# No timing assertions in tests (machines here are shared and noisy): hypothesis's
# per-example deadline would be one, failing a correct property on a busy machine.
settings.register_profile("kurt", deadline=None)
settings.load_profile("kurt")


def pytest_report_header() -> str:
    return backends.report_header()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    # Again at the end: `pytest -q` (the README's command) prints no header.
    terminalreporter.write_line(backends.report_header())


@pytest.fixture(params=backends.BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty database: SQLite, then PostgreSQL (skipped, with
    the reason, unless KURT_TEST_POSTGRES_URL names a server)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'kurt.sqlite'}"
        return
    if not backends.POSTGRES_URL:
        pytest.skip(f"no PostgreSQL server: set {backends.POSTGRES_ENV} (.ci/run does)")
    with backends.fresh_postgres_database() as url:
        yield url


class Outcome(NamedTuple):
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture(autouse=True)
def kurt_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own KURT_HOME, no KURT_* variables of the caller, and
    runs in an empty folder (the repository root is itself a Kurt demo project)."""
    for name in list(os.environ):
        if name.startswith("KURT_"):
            monkeypatch.delenv(name)
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    home = tmp_path / "kurt-home"
    home.mkdir()
    monkeypatch.setenv("KURT_HOME", str(home))
    return home


# Registries, two ways. A test that registers classes itself holds registries
# of its own, as pluggy's tests hold a fresh PluginManager from their `pm`
# fixture: `registries` below, passed on through `registries.context()`. But a
# skill's code, the CLI run in-process and kurt.testing's helpers go through
# the global decorators and registries, as they do for users; for those this
# autouse fixture undoes, at the end of every test, what the test registered,
# the resolvers it plugged in and the skill code it imported (the next test
# imports it afresh). It is autouse because a forgotten one would leak names
# into whichever test runs next on the same worker. No registry is emptied or
# swapped behind the code's back, so nothing needs to register twice.


@pytest.fixture
def registries() -> Registries:
    """Registries of the test's own: Kurt's own names, and what the test registers."""
    return Registries()


@pytest.fixture(autouse=True)
def global_registries_undone() -> Iterator[None]:
    """The global registries are left after each test as the test found them."""
    with undo_registrations():
        yield


@pytest.fixture(autouse=True)
def secrets_forgotten() -> Iterator[None]:
    """A secret one test resolved is not masked in the next one's output."""
    from kurt import redaction

    yield
    redaction.forget_all()


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Path]:
    """Create a project folder with kurt.toml; trusted unless trusted=False."""

    def make(name: str = "project", toml: str = "", *, trusted: bool = True) -> Path:
        from kurt.config.locations import user_home
        from kurt.config.trust import set_trusted

        root = tmp_path / name
        (root / "skills").mkdir(parents=True, exist_ok=True)
        (root / "kurt.toml").write_text(toml, encoding="utf-8")
        if trusted:
            set_trusted(user_home() / "trusted-projects.json", root)
        return root

    return make


@pytest.fixture
def project(make_project: Callable[..., Path]) -> Path:
    """A trusted, empty project."""
    return make_project()


@pytest.fixture
def run_kurt() -> Callable[..., Outcome]:
    """Run ``python -m kurt ARGS`` in a real subprocess (environment inherited)."""

    def run(
        *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 120
    ) -> Outcome:
        full_env = {**os.environ, **(env or {})}
        done = subprocess.run(
            [sys.executable, "-m", "kurt", *args],
            cwd=cwd,
            env=full_env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        return Outcome(done.returncode, done.stdout, done.stderr)

    return run


@pytest.fixture
def invoke(capsys: pytest.CaptureFixture[str]) -> Callable[..., Outcome]:
    """Run the CLI in-process (same registries as the test) and capture output."""
    from kurt.cli.app import run

    def call(*args: str) -> Outcome:
        capsys.readouterr()
        code = run(list(args))
        captured = capsys.readouterr()
        return Outcome(code, captured.out, captured.err)

    return call


def shared_path(*parts: str) -> Path:
    """A path under ../shared/, skipping the test when that folder is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent (it exists only beside the developers' clone)")
    return path
