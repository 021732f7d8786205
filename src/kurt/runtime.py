"""Everything one command needs, built lazily: configuration, registries wired
to the skill manager, and the resources of a :class:`ToolContext`.

The CLI creates one :class:`Runtime` per invocation; so can tests and scripts.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from functools import cached_property
from typing import TYPE_CHECKING, Any

from kurt.config.locations import Locations
from kurt.config.model import KurtConfig, load_config
from kurt.core.context import ToolContext

if TYPE_CHECKING:
    import httpx

    from kurt.config.settings import ResolvedSettings
    from kurt.db.store import Database
    from kurt.skills.manager import SkillManager
    from kurt.skills.record import SkillRecord


class Runtime:
    """Configuration, registries and run-time resources of one project."""

    def __init__(self, locations: Locations) -> None:
        self.locations = locations
        self._settings: dict[str, ResolvedSettings] = {}

    @cached_property
    def config(self) -> KurtConfig:
        return load_config(self.locations)

    @cached_property
    def skills(self) -> SkillManager:
        """The skills of this project and user (discovered on first use)."""
        from kurt.skills.manager import SkillManager

        return SkillManager(self.locations, before_load=self.check_settings)

    def prepare_registries(self) -> None:
        """Let the registries load this project's skills on demand (they know
        Kurt's own names already)."""
        from kurt.registry import REGISTRIES

        for registry in REGISTRIES.values():
            registry.set_resolver(self.skills)

    def settings_for(self, skill: str | None) -> Any:
        """The validated settings model of ``skill`` (``None``: Kurt's own code,
        an empty namespace). Built from the manifest's schema and kurt.toml;
        a skill gets only its own section."""
        from types import SimpleNamespace

        if skill is None:
            return SimpleNamespace()
        if skill not in self._settings:
            self.check_settings(self.skills.record(skill))
        return self._settings[skill].model

    def check_settings(self, record: SkillRecord) -> None:
        """Validate ``record``'s settings, or raise a located ConfigError. The
        manager's ``before_load`` hook: invalid settings stop the run before any
        of the skill's code is imported."""
        import os

        from kurt.config.settings import resolve_settings

        self._settings[record.name] = resolve_settings(
            record.name, record.settings, self.skills.config, os.environ
        )

    def catalog(self) -> list[dict[str, Any]]:
        """``kurt tool list`` rows: every tool, fetcher and mapper, without loading skills."""
        from kurt.registry import FETCHERS, MAPPERS, TOOLS

        self.prepare_registries()
        rows: list[dict[str, Any]] = []
        for registry in (TOOLS, FETCHERS, MAPPERS):
            for entry in registry:
                rows.append(
                    {
                        "kind": entry.kind,
                        "name": entry.name,
                        "skill": entry.skill,
                        "description": entry.description,
                    }
                )
            # Names skills provide, from their manifests (their code stays unimported).
            for name, record in self.skills.provided(registry.kind).items():
                if registry.registered(name) is None and record.usable:
                    provided = next(p for p in record.provides if p.name == name)
                    rows.append(
                        {
                            "kind": registry.kind,
                            "name": name,
                            "skill": record.name,
                            "description": provided.description or record.description,
                        }
                    )
        return sorted(rows, key=lambda row: (_KIND_ORDER[row["kind"]], row["name"]))

    def describe(self, name: str) -> list[dict[str, Any]]:
        """``kurt tool info`` rows for ``name`` (a name may be a tool and an engine)."""
        from kurt.errors import UnknownNameError
        from kurt.registry import FETCHERS, MAPPERS, TOOLS
        from kurt.skills.record import KINDS

        rows = [dict(row) for row in self.catalog() if row["name"] == name]
        if not rows:
            for kind in KINDS:
                record = self.skills.provider(kind, name)
                if record is not None:  # provided by a disabled or invalid skill: say so
                    self.skills.check_usable(record)
            known = {*TOOLS.names(), *FETCHERS.names(), *MAPPERS.names()}
            raise UnknownNameError("tool", name, known)
        for row in rows:
            entry = TOOLS.registered(name) if row["kind"] == "tool" else None
            row["input_schema"] = (
                entry.obj.InputModel.model_json_schema() if entry is not None else None
            )
            if row["kind"] == "tool" and entry is None:
                row["note"] = (
                    f"the input schema is not shown: skill '{row['skill']}' is not imported to "
                    "describe it; a run with a wrong input lists the fields the tool takes"
                )
        return rows

    @contextlib.asynccontextmanager
    async def context(self) -> AsyncIterator[ToolContext]:
        """A ToolContext with this project's database and a shared HTTP client.

        Each is opened the first time a tool uses it, lives for the run and is
        closed afterwards. Outside a project the database is an in-memory
        SQLite (tools then report ``stored: false``).
        """
        from kurt.core.resources import RunResources

        self.prepare_registries()
        resources = RunResources(self._open_database, self._open_client)
        try:
            yield ToolContext(
                resources=resources, config=self.config, settings_for=self.settings_for
            )
        finally:
            await resources.aclose()

    def _open_database(self) -> Database:
        from kurt.db import open_database

        return open_database(self.locations, self.config)

    def _open_client(self) -> httpx.AsyncClient:
        from kurt.tools.http import make_client

        return make_client(self.config.fetch)


_KIND_ORDER = {"tool": 0, "fetcher": 1, "mapper": 2}


def load_skills(project: str | os.PathLike[str] | None = None) -> Runtime:
    """Connect a project's skills to ``TOOLS``, ``FETCHERS`` and ``MAPPERS``.

    ``project`` is the project folder (else the one found from the current
    directory, as ``kurt`` finds it; none is fine: the user's skills, installed
    packages and built-ins still count). From then on ``TOOLS.get(name)``
    loads the providing skill on first use, with the same trust, enabled
    state and settings checks as the CLI. Returns the :class:`Runtime`, whose
    ``context()`` opens a ToolContext for running tools of that project.
    """
    locations = Locations.discover(project)  # an explicit folder must hold kurt.toml
    runtime = Runtime(locations)
    runtime.prepare_registries()
    return runtime
