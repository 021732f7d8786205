"""A skill's ``lifespan(context)``: set up once per scope, torn down at its end.

A skill's ``skill.py`` may define ``lifespan(context)``, an async context
manager (as in FastAPI and Starlette). What it yields is ``context.state`` for
that skill's code. Kurt enters it once per :class:`LifespanScope`, before the
skill's first tool, fetcher or mapper runs, and exits every lifespan entered
in the scope when the scope closes, in reverse order of entry, whether the run
succeeded, failed or was interrupted (Ctrl-C): each exit is a normal one (no
exception is thrown into it), so the code after ``yield`` always runs.

One scope is one process-level unit of work: one CLI command, one workflow
run, one MCP session. Whoever runs tools opens one and keeps it open for as
long as the unit lasts; :meth:`kurt.runtime.Runtime.context` does so for
every context it hands out::

    async with LifespanScope(finder) as scope:
        state = await scope.state("web-archiver", context)   # entered here, once

A lifespan that raises while entering makes only its skill unusable in that
scope: :meth:`LifespanScope.state` raises a :class:`~kurt.errors.SkillError`
naming skill.py and the line, for this and every later use of the skill (and
of the skills that require it); every other skill keeps working. An exit that
raises is reported once every lifespan has exited.

This floor knows nothing of skills: the scope asks a :data:`Finder` (the
skill manager's, plugged in by the runtime) which lifespans a skill needs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any, NamedTuple

from kurt.core.crash import describe, guarded
from kurt.errors import SkillError

_log = logging.getLogger(__name__)


class SkillLifespan(NamedTuple):
    """One skill's ``lifespan`` as a scope needs it."""

    skill: str
    #: ``skill.py``'s ``lifespan`` (``None``: the skill defines none).
    factory: Callable[[Any], Any] | None
    #: The skill's ``skill.py``, named by errors.
    code_file: str


#: The lifespans to enter before ``skill``'s code runs: those of the skills it
#: requires (dependencies first, in load order), then its own.
Finder = Callable[[str], Sequence[SkillLifespan]]


def no_lifespans(skill: str) -> Sequence[SkillLifespan]:
    """A finder for code without skills: nothing to enter."""
    return ()


class LifespanScope:
    """The lifespans entered during one command, workflow run or MCP session.

    Ask :meth:`state` for a skill's state before its code runs (the tool
    execution path does, through :meth:`kurt.core.context.ToolContext.enter`);
    close the scope (``async with``, or :meth:`aclose`) when the unit of work
    ends. Safe to share between concurrent tasks of one event loop: a
    lifespan is entered once however many tools of its skill start together.
    """

    def __init__(self, find: Finder = no_lifespans) -> None:
        self._find = find
        self._states: dict[str, Any] = {}
        self._failed: dict[str, SkillError] = {}
        self._open: list[tuple[SkillLifespan, Any]] = []  # entered, in order
        self._lock = asyncio.Lock()
        self._closed = False

    @property
    def entered(self) -> list[str]:
        """The skills whose lifespan is entered now, in the order of entry."""
        return [lifespan.skill for lifespan, _ in self._open]

    async def __aenter__(self) -> LifespanScope:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose(raise_errors=exc is None)

    async def state(self, skill: str, context: Any) -> Any:
        """``skill``'s ``context.state``: what its lifespan yielded (``None``
        without one), entering it (and those of the skills it requires) the
        first time. ``context`` is the run's :class:`~kurt.core.context.ToolContext`;
        each lifespan gets it with its own skill's settings."""
        if skill in self._states:
            return self._states[skill]
        if skill in self._failed:
            raise self._failed[skill]
        async with self._lock:
            if self._closed:
                raise RuntimeError("this lifespan scope is closed")
            for lifespan in self._find(skill):
                await self._enter(lifespan, context)
        return self._states[skill]

    async def _enter(self, lifespan: SkillLifespan, context: Any) -> None:
        name = lifespan.skill
        if name in self._states:
            return
        if name in self._failed:
            raise self._failed[name]
        if lifespan.factory is None:
            self._states[name] = None
            return
        try:
            manager = _as_context_manager(lifespan.factory(context.for_skill(name)))
            value = await guarded(manager.__aenter__())
        except SkillError as exc:
            self._failed[name] = exc
            raise
        except Exception as exc:
            _log.debug("lifespan of skill '%s' failed", name, exc_info=True)
            error = _lifespan_error(lifespan, exc, "failed to start")
            self._failed[name] = error
            raise error from exc
        self._open.append((lifespan, manager))
        self._states[name] = value

    async def aclose(self, *, raise_errors: bool = True) -> None:
        """Exit every entered lifespan, last entered first, each as a normal exit.

        Every lifespan is exited even if one fails (or the user presses Ctrl-C
        meanwhile: the interrupt goes on once all are exited). A failed exit
        is raised as a :class:`~kurt.errors.SkillError` afterwards, or, with
        ``raise_errors=False`` (the scope is closing because of another
        error, which must not be hidden), logged as a warning.
        """
        self._closed = True
        errors: list[SkillError] = []
        interrupt: BaseException | None = None
        while self._open:
            lifespan, manager = self._open.pop()
            try:
                await guarded(manager.__aexit__(None, None, None))
            except Exception as exc:
                _log.debug("lifespan of skill '%s' failed to exit", lifespan.skill, exc_info=True)
                errors.append(_lifespan_error(lifespan, exc, "failed to stop"))
            except BaseException as exc:  # KeyboardInterrupt, cancellation: after the rest
                interrupt = interrupt or exc
        if interrupt is not None:
            raise interrupt
        if not errors:
            return
        if not raise_errors:
            for error in errors:
                _log.warning("warning: %s", error)
            return
        first = errors[0]
        if len(errors) > 1:
            first.message += f" (and {len(errors) - 1} more lifespan failed to stop)"
        raise first


def _as_context_manager(value: Any) -> Any:
    """What ``lifespan(context)`` returned, as an async context manager: a
    bare async generator (``async def lifespan(context): ... yield ...``
    without the decorator) is taken as ``@asynccontextmanager`` would take it."""
    if hasattr(value, "__aenter__") and hasattr(value, "__aexit__"):
        return value
    if hasattr(value, "__anext__") and hasattr(value, "athrow"):
        return contextlib.asynccontextmanager(lambda: value)()
    raise TypeError(
        f"lifespan(context) returned {type(value).__name__}, not an async context manager "
        "(decorate it with @contextlib.asynccontextmanager and yield the state once)"
    )


def _lifespan_error(lifespan: SkillLifespan, exc: BaseException, what: str) -> SkillError:
    """``exc`` from ``lifespan`` as an error naming skill.py (or the skill's
    file the failure happened in) and the line."""
    file, line = _where(lifespan, exc)
    return SkillError(
        f"skill '{lifespan.skill}': lifespan {what}: {describe(exc)}",
        file=file,
        line=line,
        hint=f"fix lifespan() in {os.path.basename(lifespan.code_file)}, or disable the "
        f"skill: kurt config skills disable {lifespan.skill}",
    )


def _where(lifespan: SkillLifespan, exc: BaseException) -> tuple[str, int | None]:
    """The innermost frame of ``exc`` inside the skill's folder, else the line
    ``lifespan`` is defined on."""
    folder = os.path.dirname(os.path.realpath(lifespan.code_file)) + os.sep
    found: tuple[str, int | None] | None = None
    seen: BaseException | None = exc
    while seen is not None:  # a carried BaseException keeps its frames on the original
        tb = seen.__traceback__
        while tb is not None:
            name = tb.tb_frame.f_code.co_filename
            if os.path.realpath(name).startswith(folder):
                found = (name, tb.tb_lineno)
            tb = tb.tb_next
        seen = seen.__cause__ if found is None else None
    if found is not None:
        return found
    code = getattr(getattr(lifespan.factory, "__wrapped__", lifespan.factory), "__code__", None)
    return lifespan.code_file, getattr(code, "co_firstlineno", None)
