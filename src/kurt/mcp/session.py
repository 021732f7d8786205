"""One client's session with ``kurt mcp serve``, in Kurt's terms (the SDK's
types are in :mod:`kurt.mcp.server`).

Every request reads the project as it is on disk now (SPEC section 8): a new
:class:`~kurt.runtime.Runtime` is built for it, which answers from the
catalog's snapshot while nothing changed, so this costs little. A call runs
exactly as ``kurt tool run`` would: the same lookup, settings precedence,
trust and ToolContext, through :func:`~kurt.core.execute.execute_tool`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from collections.abc import AsyncIterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from kurt.core.result import ErrorInfo, ToolResult
from kurt.errors import KurtError, UnknownNameError
from kurt.kinds import OWN_DESCRIPTIONS
from kurt.mcp.catalog import (
    ServedTool,
    SkillDocument,
    filters_of,
    offered,
    served_tools,
    skill_documents,
)
from kurt.runtime import Runtime

_log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from kurt.config.locations import Locations
    from kurt.core.context import ToolContext
    from kurt.core.progress import ProgressCallback


class McpSession:
    """What one connected client sees of one project."""

    def __init__(self, locations: Locations) -> None:
        self.locations = locations
        self._announced: str | None = None  # the signature of the tool list last given
        self._context: ToolContext | None = None  # the session's, while it lasts

    @contextlib.asynccontextmanager
    async def scope(self) -> AsyncIterator[McpSession]:
        """The session's lifetime, entered once when the client connects: one
        database, one HTTP client and one lifespan scope (SPEC section 11:
        a skill's ``lifespan`` is entered once per MCP session, before its
        first tool runs, and exited when the client leaves)."""
        async with self.runtime().context() as context:
            self._context = context
            try:
                yield self
            finally:
                self._context = None

    def runtime(self) -> Runtime:
        return Runtime(self.locations)

    @property
    def trusted(self) -> bool:
        """Whether the project's own skills may run (no project: nothing to trust)."""
        if self.locations.project_root is None:
            return True
        return self.runtime().skills.project_trusted()

    def tools(self) -> tuple[list[ServedTool], bool]:
        """The tools served now, and whether they differ from those the client
        was last given (it is then sent ``notifications/tools/list_changed``)."""
        runtime = self.runtime()
        tools = served_tools(runtime, filters_of(runtime))
        signature = hashlib.sha256(
            json.dumps([list(tool) for tool in tools], sort_keys=True).encode()
        ).hexdigest()
        changed = self._announced is not None and signature != self._announced
        self._announced = signature
        return tools, changed

    def documents(self) -> list[SkillDocument]:
        return skill_documents(self.runtime())

    def document(self, uri: str) -> str:
        """The text of the resource ``uri`` (``skill://NAME/SKILL.md``)."""
        for document in self.documents():
            if document.uri == uri:
                with open(document.path, encoding="utf-8") as handle:
                    return handle.read()
        names = [d.uri for d in self.documents()]
        raise UnknownNameError("resource", uri, names)

    async def call(
        self,
        name: str,
        arguments: Mapping[str, Any] | None,
        on_progress: ProgressCallback | None = None,
    ) -> ToolResult:
        """Run the served tool ``name``; every failure is a failed ToolResult
        (a name not served, invalid input, a skill that may not run here)."""
        runtime = self.runtime()
        try:
            served = offered(runtime, filters_of(runtime))
            if name not in served:
                record = runtime.skills.provider("tool", name)
                if record is not None:  # say why it is not served: untrusted, disabled, ...
                    runtime.skills.check_trusted(record)
                    runtime.skills.check_usable(record)
                if record is not None or name in OWN_DESCRIPTIONS["tool"]:
                    raise KurtError(
                        f"tool '{name}' is not served here: [mcp] include/exclude in "
                        "kurt.toml leave it out",
                        hint="edit [mcp] in kurt.toml to serve it",
                    )
                raise UnknownNameError("tool", name, served)
            if self._context is None:  # outside a session: a scope of its own
                async with runtime.context() as context:
                    return await _execute(name, arguments, context, on_progress)
            # The session's resources and lifespans; this request's settings and
            # skills, read from the disk as it is now.
            runtime.prepare_registries()
            context = attrs.evolve(self._context, settings_for=runtime.settings_for)
            return await _execute(name, arguments, context, on_progress)
        except KurtError as exc:
            return refused(name, exc)
        except Exception as exc:  # a bug in Kurt or a skill: the client still gets a result
            _log.debug("tool '%s' could not run", name, exc_info=True)
            message = f"Internal error: {type(exc).__name__}: {exc}"
            error = ErrorInfo(message=message, type=type(exc).__name__)
            return ToolResult(success=False, errors=[error], metadata={"tool": name})

    def instructions(self) -> str:
        """What the server tells the client about itself (``initialize``)."""
        root = self.locations.project_root
        where = f"the Kurt project at {root}" if root is not None else "Kurt (no project)"
        text = (
            f"Tools of {where}: fetch and map web and local content, and the tools "
            "of its enabled skills. Each skill's instructions are the resource "
            "skill://NAME/SKILL.md."
        )
        if not self.trusted:
            text += (
                f" This project is not trusted, so the tools of its own skills are not "
                f"served and its kurt.toml applies only [skills].enabled and disabled. "
                f"To serve them, review its skills, run: kurt trust {root} ; then "
                "restart this server."
            )
        return text


async def _execute(
    name: str,
    arguments: Mapping[str, Any] | None,
    context: ToolContext,
    on_progress: ProgressCallback | None,
) -> ToolResult:
    from kurt.core.execute import execute_tool

    return await execute_tool(name, dict(arguments or {}), context, on_progress)


def refused(name: str, exc: KurtError) -> ToolResult:
    """The failed result of a call ``exc`` stopped before the tool ran."""
    return ToolResult(success=False, errors=[ErrorInfo.from_error(exc)], metadata={"tool": name})
