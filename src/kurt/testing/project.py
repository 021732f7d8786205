"""A throwaway Kurt project for tests: :class:`KurtProject` and :class:`Outcome`.

Part of the :mod:`kurt.testing` pytest plugin (its ``kurt_project`` fixture).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from kurt.config.locations import Locations
    from kurt.core.result import ToolResult
    from kurt.runtime import Runtime
    from kurt.testing.environment import SettingsEnvironment


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
    refusal). With ``environment`` (the fixture gives one), each run first
    hides the variables the discovered skills' settings read (``env:``) when
    their value came from outside the test (:mod:`kurt.testing.environment`).
    """

    def __init__(
        self, root: Path, home: Path, *, environment: SettingsEnvironment | None = None
    ) -> None:
        self.root = root
        self.home = home
        self._environment = environment
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
        from kurt.config.trust import set_trusted

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

        runtime = Runtime(self.locations)
        self._hide_environment(runtime)
        return runtime

    def _hide_environment(self, runtime: Runtime) -> None:
        """Hide the outside values of the settings' own variables before a run."""
        if self._environment is None:
            return
        from kurt.errors import KurtError

        try:
            records = runtime.skills.records
        except KurtError:  # e.g. an invalid kurt.toml: the run itself reports it
            return
        self._environment.hide(records)

    async def arun_tool(
        self, name: str, params: Mapping[str, Any] | None = None, /, **fields: Any
    ) -> ToolResult:
        """Run the tool ``name`` as ``kurt tool run`` would, and return its ToolResult.

        Input is ``params`` and/or keyword ``fields`` (fields win). A usage
        error (unknown tool, invalid input) or a refusal (untrusted project,
        disabled skill, invalid settings) raises Kurt's error, as the CLI
        would report it; a failure inside the tool is a failed result.
        """
        from kurt.core.execute import execute_tool

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
        self.runtime()  # discovers the skills and hides their settings' outside variables
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
