"""A skill's lifespan (kurt.core.lifespan): entered once per scope, exited in
reverse order, also on failure and Ctrl-C; a failing one takes only its skill."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from kurt.core.context import ToolContext
from kurt.core.lifespan import LifespanScope, SkillLifespan
from kurt.errors import SkillError

Run = Callable[..., Any]
KURT = (sys.executable, "-m", "kurt")

# --- the scope on its own ------------------------------------------------------------------


def recording(log: list[str], name: str, *, fail: bool = False) -> Any:
    @contextlib.asynccontextmanager
    async def lifespan(context: ToolContext) -> AsyncIterator[dict[str, str]]:
        log.append(f"enter {name} as {context.skill}")
        if fail:
            raise RuntimeError("no database")
        yield {"name": name}
        log.append(f"exit {name}")

    return lifespan


def scope_of(lifespans: dict[str, list[SkillLifespan]]) -> LifespanScope:
    return LifespanScope(lambda skill: lifespans[skill])


def test_each_lifespan_is_entered_once_and_exited_in_reverse_order() -> None:
    log: list[str] = []
    base = SkillLifespan("base", recording(log, "base"), "/s/base/skill.py")
    top = SkillLifespan("top", recording(log, "top"), "/s/top/skill.py")
    plain = SkillLifespan("plain", None, "/s/plain/skill.py")
    scope = scope_of({"base": [base], "top": [base, top], "plain": [plain]})

    async def main() -> list[Any]:
        async with scope:
            states = [
                await scope.state("top", ToolContext()),
                await scope.state("base", ToolContext()),
                await scope.state("plain", ToolContext()),
                await scope.state("top", ToolContext()),
            ]
            assert scope.entered == ["base", "top"]
        return states

    states = asyncio.run(main())
    assert states == [{"name": "top"}, {"name": "base"}, None, {"name": "top"}]
    assert log == ["enter base as base", "enter top as top", "exit top", "exit base"]
    assert scope.entered == []


def test_concurrent_first_uses_enter_a_lifespan_once() -> None:
    log: list[str] = []
    one = SkillLifespan("one", recording(log, "one"), "/s/one/skill.py")
    scope = scope_of({"one": [one]})

    async def main() -> None:
        async with scope:
            await asyncio.gather(*(scope.state("one", ToolContext()) for _ in range(5)))

    asyncio.run(main())
    assert log == ["enter one as one", "exit one"]


def test_a_failed_lifespan_stays_failed_and_the_others_still_exit() -> None:
    log: list[str] = []
    good = SkillLifespan("good", recording(log, "good"), "/s/good/skill.py")
    bad = SkillLifespan("bad", recording(log, "bad", fail=True), "/s/bad/skill.py")
    scope = scope_of({"good": [good], "bad": [bad], "above": [bad, good]})

    async def main() -> list[str]:
        errors = []
        async with scope:
            assert await scope.state("good", ToolContext()) == {"name": "good"}
            for skill in ("bad", "bad", "above"):
                with pytest.raises(SkillError) as caught:
                    await scope.state(skill, ToolContext())
                errors.append(str(caught.value))
        return errors

    errors = asyncio.run(main())
    assert len(set(errors)) == 1
    # Defined in this file, not in the skill's folder: the line of its definition.
    line = bad.factory.__wrapped__.__code__.co_firstlineno  # type: ignore[union-attr]
    assert errors[0].startswith(
        f"/s/bad/skill.py:{line}: skill 'bad': lifespan failed to start: RuntimeError: no database"
    )
    assert errors[0].endswith(
        "hint: fix lifespan() in skill.py, or disable the skill: kurt config skills disable bad"
    )
    assert log == ["enter good as good", "enter bad as bad", "exit good"]


def test_an_exit_that_fails_is_reported_after_every_exit() -> None:
    log: list[str] = []

    @contextlib.asynccontextmanager
    async def breaks_on_exit(context: ToolContext) -> AsyncIterator[None]:
        yield
        raise ValueError("could not flush")

    first = SkillLifespan("first", recording(log, "first"), "/s/first/skill.py")
    second = SkillLifespan("second", breaks_on_exit, "/s/second/skill.py")
    scope = scope_of({"first": [first], "second": [second]})

    async def main() -> None:
        async with scope:
            await scope.state("first", ToolContext())
            await scope.state("second", ToolContext())

    with pytest.raises(SkillError, match="lifespan failed to stop: ValueError: could not flush"):
        asyncio.run(main())
    assert log == ["enter first as first", "exit first"]


def test_a_bare_async_generator_is_taken_and_anything_else_is_explained() -> None:
    async def bare(context: ToolContext) -> AsyncIterator[int]:
        yield 42

    def wrong(context: ToolContext) -> int:
        return 1

    scope = scope_of(
        {
            "bare": [SkillLifespan("bare", bare, "/s/bare/skill.py")],
            "wrong": [SkillLifespan("wrong", wrong, "/s/wrong/skill.py")],
        }
    )

    async def main() -> None:
        async with scope:
            assert await scope.state("bare", ToolContext()) == 42
            with pytest.raises(SkillError, match="returned int, not an async context manager"):
                await scope.state("wrong", ToolContext())

    asyncio.run(main())


# --- real kurt commands ----------------------------------------------------------------------

CODE = """
import asyncio
import contextlib
from pathlib import Path

from pydantic import BaseModel

from kurt import Tool, ToolResult, register_tool
from kurt.errors import KurtError

LOG = Path({log!r})


def note(text):
    with LOG.open("a") as handle:
        handle.write(text + "\\n")


@contextlib.asynccontextmanager
async def lifespan(context):
    note("enter {name}")
    if {fail!r}:
        raise RuntimeError("cannot reach the archive")
    yield {{"opened_by": {name!r}, "timeout": context.settings.timeout}}
    note("exit {name}")  # no try/finally: Kurt exits lifespans normally, even on Ctrl-C


class {cls}Input(BaseModel):
    action: str = "state"
    ready: str = ""


class {cls}Output(BaseModel):
    model_config = {{"extra": "allow"}}


@register_tool
class {cls}(Tool[{cls}Input, {cls}Output]):
    name = {tool!r}
    description = "Lifespan probe"
    InputModel = {cls}Input
    OutputModel = {cls}Output

    async def run(self, params, context, on_progress=None):
        if params.action == "fail":
            raise ValueError("the tool failed")
        if params.action == "wait":
            Path(params.ready).write_text("ready")
            await asyncio.Event().wait()
        if params.action.startswith("call:"):
            try:
                other = await context.run_tool(params.action[5:])
            except KurtError as exc:
                return ToolResult.ok([{{"state": context.state, "other": str(exc)}}])
            return ToolResult.ok([{{"state": context.state, "other": other.data}}])
        return ToolResult.ok([{{"state": context.state}}])
"""


def probe_skill(
    skills: Path, name: str, log: Path, *, fail: bool = False, requires: str = ""
) -> Path:
    tool = f"{name}-probe"
    cls = "".join(part.capitalize() for part in tool.split("-")) + "Impl"
    folder = skills / name
    folder.mkdir(parents=True)
    (folder / "SKILL.md").write_text(
        f"---\nname: {name}\ndescription: Probe {name}.\n"
        f"implements:\n  - {{type: tool, class: {cls}, name: {tool}}}\n"
        "settings:\n  timeout: {type: int, default: 5}\n"
        + (f"requires_skills: [{requires}]\n" if requires else "")
        + "---\n"
    )
    code = CODE.format(log=str(log), name=name, fail=fail, cls=cls, tool=tool)
    (folder / "skill.py").write_text(code)
    return folder


@pytest.fixture
def lifespan_project(project: Path, tmp_path: Path) -> tuple[Path, Path]:
    log = tmp_path / "lifespans.log"
    probe_skill(project / "skills", "base", log)
    probe_skill(project / "skills", "top", log, requires="base")
    probe_skill(project / "skills", "broken", log, fail=True)
    return project, log


def lines(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def test_one_command_enters_each_lifespan_once_dependencies_first(
    lifespan_project: tuple[Path, Path], run_kurt: Run
) -> None:
    project, log = lifespan_project
    done = run_kurt(
        "tool", "run", "top-probe", "-p", "action=call:base-probe", "--json", cwd=project
    )
    assert done.exit_code == 0, done.stderr
    [item] = json.loads(done.stdout)["data"]
    assert item == {
        "state": {"opened_by": "top", "timeout": 5},
        "other": [{"state": {"opened_by": "base", "timeout": 5}}],
    }
    assert lines(log) == ["enter base", "enter top", "exit top", "exit base"]


def test_a_failing_tool_still_exits_every_lifespan(
    lifespan_project: tuple[Path, Path], run_kurt: Run
) -> None:
    project, log = lifespan_project
    done = run_kurt("tool", "run", "top-probe", "-p", "action=fail", cwd=project)
    assert done.exit_code == 1
    assert "ValueError: the tool failed" in done.stdout + done.stderr
    assert lines(log) == ["enter base", "enter top", "exit top", "exit base"]


def test_a_failing_lifespan_takes_only_its_skill(
    lifespan_project: tuple[Path, Path], run_kurt: Run
) -> None:
    project, log = lifespan_project
    code = project / "skills" / "broken" / "skill.py"
    line = (
        code.read_text()
        .splitlines()
        .index('        raise RuntimeError("cannot reach the archive")')
    )
    done = run_kurt("tool", "run", "broken-probe", cwd=project)
    assert (done.exit_code, done.stdout) == (1, "")
    assert done.stderr == (
        f"Error: {code}:{line + 1}: skill 'broken': lifespan failed to start: RuntimeError: "
        "cannot reach the archive\n"
        "  hint: fix lifespan() in skill.py, or disable the skill: "
        "kurt config skills disable broken\n"
    )
    log.unlink()
    # In one command, the skill that calls it sees the error and goes on.
    done = run_kurt(
        "tool", "run", "base-probe", "-p", "action=call:broken-probe", "--json", cwd=project
    )
    assert done.exit_code == 0, done.stderr
    [item] = json.loads(done.stdout)["data"]
    assert item["state"] == {"opened_by": "base", "timeout": 5}
    assert "skill 'broken': lifespan failed to start" in item["other"]
    assert lines(log) == ["enter base", "enter broken", "exit base"]


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a process group")
def test_ctrl_c_exits_every_entered_lifespan(
    lifespan_project: tuple[Path, Path], tmp_path: Path
) -> None:
    project, log = lifespan_project
    ready = tmp_path / "ready"
    process = subprocess.Popen(
        [*KURT, "tool", "run", "top-probe", "-p", "action=wait", "-p", f"ready={ready}"],
        cwd=project,
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60  # a generous bound, never a timing assertion
        while not ready.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ready.exists(), process.communicate(timeout=5)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    # (The progress line, when there is one, is ended before the message.)
    assert (process.returncode, stdout, stderr.strip()) == (130, "", "Interrupted.")
    assert lines(log) == ["enter base", "enter top", "exit top", "exit base"]
