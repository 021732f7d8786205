"""Skill code may raise anything; only an interrupt ends Kurt (issue 11, item 17).

:func:`kurt.core.crash.guarded` is where a tool's ``run()``, a fetcher's
``fetch()`` and a mapper's ``map()`` are awaited: every ``BaseException`` they
raise, but ``KeyboardInterrupt`` and a cancellation Kurt asked for, comes out as
an ordinary exception that becomes the failed result of that tool or URL.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kurt.core.crash import SkillCrashed, crash_type, describe, guarded


async def raising(exc: BaseException) -> Any:
    raise exc


def names() -> st.SearchStrategy[str]:
    return st.from_regex(r"[A-Z][A-Za-z0-9]{0,20}", fullmatch=True)


@given(name=names(), message=st.text(max_size=40))
def test_any_base_exception_of_skill_code_is_carried_as_a_crash(name: str, message: str) -> None:
    custom = type(name, (BaseException,), {})
    with pytest.raises(SkillCrashed) as caught:
        asyncio.run(guarded(raising(custom(message))))
    assert caught.value.original.__class__ is custom
    assert crash_type(caught.value) == name
    assert str(caught.value) == (f"{name}: {message}" if message else name)


@pytest.mark.parametrize(
    ("exc", "message"),
    [
        (SystemExit(0), "fetch() called sys.exit(0)"),
        (SystemExit(), "fetch() called sys.exit()"),
        (SystemExit("bye"), "fetch() called sys.exit('bye')"),
        (GeneratorExit(), "GeneratorExit"),
        (asyncio.CancelledError(), "CancelledError"),
    ],
)
def test_the_standard_base_exceptions_are_crashes_with_a_readable_message(
    exc: BaseException, message: str
) -> None:
    with pytest.raises(SkillCrashed) as caught:
        asyncio.run(guarded(raising(exc)))
    assert describe(caught.value, call="fetch()") == message
    assert crash_type(caught.value) == type(exc).__name__


def test_ordinary_exceptions_pass_unchanged() -> None:
    error = ValueError("bad page")
    with pytest.raises(ValueError, match="bad page") as caught:
        asyncio.run(guarded(raising(error)))
    assert caught.value is error
    assert describe(error) == "ValueError: bad page"


def test_keyboard_interrupt_goes_on() -> None:
    with pytest.raises(KeyboardInterrupt):
        asyncio.run(guarded(raising(KeyboardInterrupt())))


def test_a_cancellation_kurt_asked_for_goes_on() -> None:
    async def main() -> str:
        started = asyncio.Event()

        async def slow() -> None:
            started.set()
            await asyncio.sleep(3600)

        task = asyncio.create_task(guarded(slow()))
        await started.wait()
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            return "cancelled"
        return "finished"

    assert asyncio.run(main()) == "cancelled"


def test_a_result_is_returned_unchanged() -> None:
    async def value() -> int:
        return 42

    assert asyncio.run(guarded(value())) == 42


def test_sys_exit_inside_a_gathered_task_no_longer_escapes_the_loop() -> None:
    # asyncio re-raises SystemExit out of the event loop, past every awaiting
    # coroutine; guarded() inside the task stops it there.
    async def one() -> str:
        try:
            await guarded(raising(SystemExit(0)))
        except SkillCrashed as exc:
            return str(exc)
        return "no crash"

    async def main() -> list[str]:
        return list(await asyncio.gather(one(), one()))

    assert asyncio.run(main()) == ["called sys.exit(0)"] * 2
    assert sys.exc_info() == (None, None, None)
