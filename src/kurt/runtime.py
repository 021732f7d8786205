"""Everything one command needs, built lazily: configuration, registries wired
to the skill manager, and the resources of a :class:`ToolContext`.

The CLI creates one :class:`Runtime` per invocation; so can tests and scripts.
"""

from __future__ import annotations

import contextlib
import os
from functools import cached_property
from typing import TYPE_CHECKING, Any

from kurt.config.locations import Locations

if TYPE_CHECKING:
    # Imported where used: a read-only command (`kurt tool list`, `kurt skill
    # info`) needs the skill manager alone, and pydantic-settings (the config
    # model), attrs (ToolContext) and httpx would cost it more than click.
    from collections.abc import AsyncIterator

    import httpx

    from kurt.config.model import KurtConfig
    from kurt.config.settings import ResolvedSettings
    from kurt.core.context import ToolContext
    from kurt.core.llm import LlmClient
    from kurt.db.store import Database
    from kurt.skills.manager import SkillManager
    from kurt.skills.record import SkillRecord


class Runtime:
    """Configuration, registries and run-time resources of one project.

    It owns each skill's settings: :meth:`skill_settings` resolves and
    validates them once per command, from the manifest's schema and kurt.toml,
    before the skill's code is imported (the manager calls it just before a
    load) and hands the same model to every run of that skill's code.
    """

    def __init__(self, locations: Locations) -> None:
        self.locations = locations
        self._settings: dict[str, ResolvedSettings] = {}

    @cached_property
    def config(self) -> KurtConfig:
        from kurt.config.model import load_config

        return load_config(self.locations)

    @cached_property
    def skills(self) -> SkillManager:
        """The skills of this project and user (discovered on first use)."""
        from kurt.skills.manager import SkillManager

        # Settings are checked just before a skill's code would be imported.
        return SkillManager(self.locations, before_load=self._check_settings)

    def prepare_registries(self) -> None:
        """Let the registries load this project's skills on demand (they know
        Kurt's own names already)."""
        from kurt.registry import REGISTRIES

        for registry in REGISTRIES.values():
            registry.set_resolver(self.skills)

    def skill_settings(self, record: SkillRecord) -> ResolvedSettings:
        """``record``'s validated settings (resolved once per command), or a
        located ConfigError: invalid settings stop a run before any of the
        skill's code is imported."""
        resolved = self._settings.get(record.name)
        if resolved is None:
            from kurt.config.settings import resolve_settings

            resolved = resolve_settings(
                record.name, record.settings, *self.skills.settings_sources(record.source)
            )
            self._settings[record.name] = resolved
        return resolved

    def _check_settings(self, record: SkillRecord) -> None:
        self.skill_settings(record)

    def settings_for(self, skill: str | None) -> Any:
        """The settings model a run of ``skill``'s code gets (``None``: Kurt's
        own code, an empty namespace); a skill gets only its own section."""
        if skill is None:
            from types import SimpleNamespace

            return SimpleNamespace()
        return self.skill_settings(self.skills.record(skill)).model

    @contextlib.asynccontextmanager
    async def context(self) -> AsyncIterator[ToolContext]:
        """A ToolContext with this project's database, a shared HTTP client,
        Kurt's configuration and one lifespan scope (:mod:`kurt.core.lifespan`):
        open one per command, workflow run or MCP session, and run every tool
        of that unit through it.

        Each is opened the first time a tool uses it, lives for the run and is
        closed afterwards. Outside a project the database is an in-memory
        SQLite (tools then report ``stored: false``).
        """
        from kurt.core.context import ToolContext
        from kurt.core.lifespan import LifespanScope
        from kurt.core.resources import RunResources

        self.prepare_registries()
        # Kurt's configuration too is read when first used: a skill's tool that
        # reads none of [fetch], [map] or [database] never imports pydantic-settings.
        resources = RunResources(
            self._open_database, self._open_client, lambda: self.config, self._open_llm
        )
        try:
            # Inside the resources: a lifespan may still use the database or
            # the client while it exits.
            async with LifespanScope(self.skills.lifespans) as scope:
                yield ToolContext(
                    resources=resources, settings_for=self.settings_for, lifespans=scope
                )
        finally:
            await resources.aclose()

    def _open_database(self) -> Database:
        from kurt.db import open_database

        return open_database(self.locations, self.config)

    def _open_llm(self, skill: str | None) -> LlmClient:
        """``context.llm``: a client asking ``[llm] model`` (pydantic-ai is
        imported only when it first asks)."""
        from kurt.core.llm import LlmClient, LlmOptions

        section = self.config.llm
        api_key = None
        if skill is not None:
            section = self._skill_llm(skill, section)
            # A secret setting `llm_api_key` of the skill is its provider key.
            secret = getattr(self.settings_for(skill), LLM_KEY_SETTING, None)
            reveal = getattr(secret, "get_secret_value", None)
            api_key = reveal() if callable(reveal) else None
        return LlmClient(
            LlmOptions(
                model=section.model,
                timeout=section.timeout,
                max_tokens=section.max_tokens,
                api_key=api_key if isinstance(api_key, str) and api_key else None,
            )
        )

    def _skill_llm(self, skill: str, section: Any) -> Any:
        """``[llm]`` with ``[skills.<skill>.llm]`` over it (the user's and a
        trusted project's tables: a skill that may not read settings gets none)."""
        from kurt.config.model import skill_llm

        record = self.skills.record(skill)
        config, _ = self.skills.settings_sources(record.source)
        return skill_llm(section, skill, config.settings_tables(skill))

    def _open_client(self) -> httpx.AsyncClient:
        from kurt.tools.http import make_client

        return make_client(self.config.fetch)


#: The secret setting a skill declares to give ``context.llm`` its provider key.
LLM_KEY_SETTING = "llm_api_key"


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
