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
    Filters,
    ServedTool,
    SkillDocument,
    filters_of,
    served_tools,
    signature,
    skill_documents,
    skill_rows,
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
        self._announced: str | None = None  # the content hash of the tool list last given
        self._context: ToolContext | None = None  # the session's, while it lasts
        self._signature: str | None = None  # what the tools below were built from
        self._tools: list[ServedTool] = []
        self._filters: Filters | None = None
        self._content = ""  # the hash of the tools above
        self._stamps: str | None = None  # kurt.toml and trust stamps when they were built

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

    def _current(self) -> tuple[Runtime, list[ServedTool], bool]:
        """This request's Runtime, the tools served now, and whether they
        differ from those the client was last given (it is then sent
        ``notifications/tools/list_changed``).

        The list is rebuilt only when what it depends on changed (its
        :func:`~kurt.mcp.catalog.signature`): a request costs a scan of the
        skills' stamps, not a schema per skill.
        """
        runtime = self.runtime()
        self._stamps = self._config_stamps()  # taken first: an edit after it shows next time
        filters = filters_of(runtime)
        rows = skill_rows(runtime)
        current = signature(rows, filters)
        if current != self._signature:
            self._tools = served_tools(runtime, filters, rows)
            self._filters, self._signature = filters, current
            self._content = hashlib.sha256(
                json.dumps([list(tool) for tool in self._tools], sort_keys=True).encode()
            ).hexdigest()
        content = self._content
        changed = self._announced is not None and content != self._announced
        self._announced = content
        return runtime, self._tools, changed

    def tools(self) -> tuple[list[ServedTool], bool]:
        """The tools served now, and whether they changed since the last request."""
        _, tools, changed = self._current()
        return tools, changed

    def documents(self) -> list[SkillDocument]:
        return skill_documents(skill_rows(self.runtime()))

    def document(self, uri: str) -> str:
        """The text of the resource ``uri`` (``skill://NAME/SKILL.md``)."""
        documents = self.documents()
        for document in documents:
            if document.uri == uri:
                with open(document.path, encoding="utf-8") as handle:
                    return handle.read()
        raise UnknownNameError("resource", uri, [d.uri for d in documents])

    async def call(
        self,
        name: str,
        arguments: Mapping[str, Any] | None,
        on_progress: ProgressCallback | None = None,
    ) -> tuple[ToolResult, bool]:
        """Run the served tool ``name``; every failure is a failed ToolResult
        (a name not served, invalid input, a skill that may not run here).
        Also says whether the tool list changed since the last request: the
        list is rebuilt when kurt.toml or the trust record changed; a skill's
        edit is seen by the next ``tools/list``."""
        changed = False
        try:
            runtime = self.runtime()
            if self._config_stamps() != self._stamps:  # kurt.toml or trust changed: say so now
                runtime, _, changed = self._current()
            self._check_served(runtime, name)
            if self._context is None:  # outside a session: a scope of its own
                async with runtime.context() as context:
                    return await _execute(name, arguments, context, on_progress), changed
            # The session's resources and lifespans; this request's settings and
            # skills, read from the disk as it is now.
            runtime.prepare_registries()
            context = attrs.evolve(self._context, settings_for=runtime.settings_for)
            return await _execute(name, arguments, context, on_progress), changed
        except KurtError as exc:
            return refused(name, exc), changed
        except Exception as exc:  # a bug in Kurt or a skill: the client still gets a result
            _log.debug("tool '%s' could not run", name, exc_info=True)
            message = f"Internal error: {type(exc).__name__}: {exc}"
            error = ErrorInfo(message=message, type=type(exc).__name__)
            return ToolResult(success=False, errors=[error], metadata={"tool": name}), changed

    def _check_served(self, runtime: Runtime, name: str) -> None:
        """Raise unless ``name`` is served now, saying why not: untrusted,
        disabled, left out by ``[mcp]``, or unknown (with a did-you-mean).
        For this one name, as ``kurt tool run`` checks it (no listing built)."""
        filters = self._filters if self._filters is not None else filters_of(runtime)
        own = name in OWN_DESCRIPTIONS["tool"]
        record = None if own else runtime.skills.provider("tool", name)
        if record is not None:
            runtime.skills.check_trusted(record)
            runtime.skills.check_usable(record)
        if (own or record is not None) and not filters.allows(name):
            raise KurtError(
                f"tool '{name}' is not served here: [mcp] include/exclude in "
                "kurt.toml leave it out",
                hint="edit [mcp] in kurt.toml to serve it",
            )
        if not own and record is None:
            served = {tool.name for tool in self._tools} | set(runtime.skills.names("tool"))
            raise UnknownNameError("tool", name, served | set(OWN_DESCRIPTIONS["tool"]))

    def _config_stamps(self) -> str:
        from kurt.skills.catalog.snapshot import config_stamps

        root = self.locations.project_root
        return config_stamps(str(root) if root else None, str(self.locations.home))

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
