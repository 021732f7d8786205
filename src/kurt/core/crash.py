"""What skill code raising becomes: a failed result, never Kurt's own exit.

Skill code (a tool's ``run()``, a fetcher's ``fetch()``, a mapper's ``map()``)
may raise anything, ``BaseException`` subclasses included: ``sys.exit(0)``, a
stray ``GeneratorExit``, an ``asyncio.CancelledError`` nobody asked for, a class
of its own. Left alone, those skip every ``except Exception`` and end Kurt with a
traceback, or, raised in an asyncio task, with exit 0 although the run failed.

:func:`guarded` awaits skill code and turns every such exception into
:class:`SkillCrashed`, an ordinary ``Exception`` that the usual handlers turn
into the failed result of that tool, URL or source. Only ``KeyboardInterrupt``
(exit 130) and a cancellation Kurt itself asked for (Ctrl-C, a deadline) go on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


class SkillCrashed(Exception):
    """Skill code raised a ``BaseException`` that is not an interrupt."""

    def __init__(self, original: BaseException) -> None:
        super().__init__(describe(original))
        self.original = original


async def guarded(awaitable: Awaitable[T]) -> T:
    """Await skill code; what it raises comes out as an ``Exception``.

    ``Exception`` subclasses pass unchanged (their handlers know them); every
    other ``BaseException`` becomes :class:`SkillCrashed`, except
    ``KeyboardInterrupt`` and a cancellation of the awaiting task itself.
    """
    try:
        return await awaitable
    except Exception:
        raise
    except KeyboardInterrupt:
        raise
    except asyncio.CancelledError as exc:
        if _cancel_requested():
            raise
        raise SkillCrashed(exc) from exc
    except BaseException as exc:
        raise SkillCrashed(exc) from exc


def describe(exc: BaseException, *, call: str = "") -> str:
    """What a user reads about a crash: ``ValueError: bad page``, or with
    ``call="fetch()"``, ``fetch() called sys.exit(0)``."""
    if isinstance(exc, SkillCrashed):
        return describe(exc.original, call=call)
    if isinstance(exc, SystemExit):
        code = "" if exc.code is None else repr(exc.code)
        return f"{call} called sys.exit({code})".lstrip()
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def crash_type(exc: BaseException) -> str:
    """The class name scripts see in an error's ``type`` (the original's, when carried)."""
    return type(exc.original if isinstance(exc, SkillCrashed) else exc).__name__


def _cancel_requested() -> bool:
    """Whether someone asked to cancel the running task (Ctrl-C, a timeout), as
    opposed to skill code raising ``CancelledError`` on its own."""
    try:
        task = asyncio.current_task()
    except RuntimeError:  # no running loop
        return True
    return task is None or task.cancelling() > 0
