"""``kurt mcp serve`` against the commands and calls it stands for.

Two comparisons, each measured side by side in one run (interleaved rounds,
the median of the per-round ratios, so that machine noise hits both sides),
in a trusted project of N generated skills (bench/skills.py's):

- list: ``tools/list`` answered by a running server (the SDK's own client over
  stdio; the schemas cached by an earlier list, as after any first list),
  against ``kurt skill list --json`` (warm) in the same project;
- call: a ``tools/call`` round trip of a trivial skill tool, against the same
  tool run in-process by ``execute_tool`` plus the protocol's own round trip
  (a ``ping`` to the same server).

It also prints, for information, a cold start as a client sees it: start the
server, ``initialize``, ``tools/list``.

Targets at 1000 skills: list <= 2x, call <= 1.5x.

    python bench/mcp.py                    # 1000 skills, 11 rounds
    python bench/mcp.py --skills 100 --rounds 21
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import anyio

# This file is named mcp.py: its folder, first on sys.path when it runs as a
# script, would shadow the SDK of the same name.
HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != HERE]

from mcp.client.stdio import stdio_client  # noqa: E402

from mcp import ClientSession, StdioServerParameters  # noqa: E402


def make_project(root: Path, count: int) -> Path:
    """bench/skills.py's generated project of ``count`` skills."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_skills", HERE / "skills.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    made: Path = module.make_project(root, count)
    return made


PY = sys.executable
TARGETS = {"list": 2.0, "call": 1.5}


def ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


async def pair(
    rounds: int, left: Callable[[], Awaitable[float]], right: Callable[[], Awaitable[float]]
) -> tuple[float, float, float]:
    """Median left ms, median right ms, median of per-round ratios (order alternates)."""
    lefts, rights, ratios = [], [], []
    for n in range(rounds):
        if n % 2:
            b, a = await right(), await left()
        else:
            a, b = await left(), await right()
        lefts.append(a)
        rights.append(b)
        ratios.append(a / b)
    return statistics.median(lefts), statistics.median(rights), statistics.median(ratios)


async def bench(root: Path, home: Path, count: int, rounds: int) -> dict[str, tuple[float, ...]]:
    env = {**os.environ, "KURT_HOME": str(home)}
    serve = ["-m", "kurt", "--project", str(root), "mcp", "serve"]
    params = StdioServerParameters(command=PY, args=serve, env=env)
    listing = [PY, "-m", "kurt", "--project", str(root), "skill", "list", "--json"]
    subprocess.run(listing, env=env, check=True, capture_output=True)  # warm the snapshot

    async def skill_list() -> float:
        start = time.perf_counter()
        await anyio.run_process(listing, env=env, check=True)
        return ms(start)

    results: dict[str, tuple[float, ...]] = {}
    with open(os.devnull, "w") as quiet:
        start = time.perf_counter()
        async with (
            stdio_client(params, errlog=quiet) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            tools = await session.list_tools()  # imports each skill once: the schema cache
            assert len(tools.tools) == count + 2, len(tools.tools)  # + fetch and map
            first = ms(start)

            async def tools_list() -> float:
                start = time.perf_counter()
                await session.list_tools()
                return ms(start)

            results["list"] = await pair(rounds, tools_list, skill_list)

            tool = "tool-0000"
            os.environ["KURT_HOME"] = str(home)
            from kurt.config.locations import Locations
            from kurt.core.execute import execute_tool
            from kurt.runtime import Runtime

            async def call() -> float:
                start = time.perf_counter()
                result = await session.call_tool(tool, {"value": "v"})
                assert not result.is_error, result
                return ms(start)

            async def in_process_plus_ping() -> float:
                start = time.perf_counter()
                runtime = Runtime(Locations(root, home))
                async with runtime.context() as context:
                    result = await execute_tool(tool, {"value": "v"}, context)
                assert result.success, result
                await session.send_ping()
                return ms(start)

            await call()
            await in_process_plus_ping()
            results["call"] = await pair(rounds, call, in_process_plus_ping)
    results["first"] = (first,)

    async def cold() -> float:
        start = time.perf_counter()
        async with (
            stdio_client(params, errlog=quiet) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            await session.list_tools()
        return ms(start)

    with open(os.devnull, "w") as quiet:
        results["cold"] = await pair(max(3, rounds // 3), cold, skill_list)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skills", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=11)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kurt-bench-mcp-") as work:
        home = Path(work) / "home"
        home.mkdir()
        root = make_project(Path(work) / "project", args.skills)
        from kurt.config.trust import set_trusted

        set_trusted(home / "trusted-projects.json", root)
        results = anyio.run(bench, root, home, args.skills, args.rounds)
    count = args.skills
    print(f"kurt mcp serve, {count} skills, {args.rounds} rounds (medians)\n")
    print("| comparison | kurt mcp serve | against | ratio | target |")
    print("|---|---|---|---|---|")
    rows = [
        ("list", "tools/list", "kurt skill list --json"),
        ("call", "tools/call round trip", "execute_tool in-process + ping"),
    ]
    for key, ours, theirs in rows:
        left, right, ratio = results[key]
        verdict = "ok" if ratio <= TARGETS[key] else "MISSED"
        print(
            f"| {key} | {ours} {left:.1f} ms | {theirs} {right:.1f} ms | {ratio:.2f}x "
            f"| <= {TARGETS[key]}x {verdict} |"
        )
    left, right, ratio = results["cold"]
    print(
        f"\nFor information: start + initialize + tools/list {left:.0f} ms against "
        f"kurt skill list --json {right:.0f} ms ({ratio:.2f}x); the very first list "
        f"(every skill imported once for its schema) took {results['first'][0]:.0f} ms."
    )


if __name__ == "__main__":
    main()
