"""Benchmark: a 3-step workflow against the same 3 tools run by hand in one process.

In a copy of the demo project (kurt.toml, skills/site-digest, examples/site,
trusted under a temporary KURT_HOME), each round runs side by side:

- ``kurt workflow run digest -p source=examples/site --json``: the demo
  workflow, map -> fetch -> site-digest (discovery, validation, inputs, the
  dependency graph and the per-step results included);
- one ``python`` process that calls ``kurt.load_skills()`` and then
  ``execute_tool`` for ``map``, ``fetch`` and ``site-digest`` in turn in one
  ToolContext, printing the three results as JSON.

Both are whole processes, start-up included, as a user runs them. It prints the
median wall time of each and their ratio (the target: at most 1.2), then the
same comparison inside one process (``run_workflow`` against three awaited
``execute_tool`` calls), which shows the workflow engine's own cost.

    python bench/workflow.py              # 15 rounds
    python bench/workflow.py --rounds 30 --pages 100
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

BY_HAND = """
import asyncio, json, sys
import kurt
from kurt.core.execute import execute_tool

async def main(source):
    runtime = kurt.load_skills()
    async with runtime.context() as context:
        mapped = await execute_tool("map", {"source": source}, context)
        urls = [item["url"] for item in mapped.data]
        fetched = await execute_tool("fetch", {"urls": urls}, context)
        digest = await execute_tool("site-digest", {"source": source}, context)
    results = [mapped, fetched, digest]
    assert all(result.success for result in results)
    print(json.dumps([result.model_dump(mode="json") for result in results]))

asyncio.run(main(sys.argv[1]))
"""


def demo_project(folder: Path, pages: int) -> Path:
    """A copy of the demo project in ``folder``, with ``pages`` extra pages."""
    root = folder / "demo"
    root.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copy(REPO / "kurt.toml", root / "kurt.toml")
    shutil.copytree(REPO / "skills", root / "skills", ignore=ignore)
    shutil.copytree(REPO / "workflows", root / "workflows")
    shutil.copytree(REPO / "examples" / "site", root / "examples" / "site")
    for number in range(pages):
        page = root / "examples" / "site" / "extra" / f"page-{number}.md"
        page.parent.mkdir(exist_ok=True)
        page.write_text(f"# Page {number}\n\n" + "Words of a page. " * 80, encoding="utf-8")
    return root


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
    return elapsed


async def in_process(root: Path, rounds: int) -> tuple[float, float]:
    """Median seconds of run_workflow and of three execute_tool calls, one process."""
    import kurt
    from kurt.core.execute import execute_tool
    from kurt.workflows.load import find_workflows, pick_workflow
    from kurt.workflows.run import run_workflow

    runtime = kurt.load_skills(root)
    workflow = pick_workflow(find_workflows(root, runtime.skills), "digest").workflow
    inputs = {"source": "examples/site", "limit": 20}
    engine: list[float] = []
    by_hand: list[float] = []
    async with runtime.context() as context:
        for _ in range(rounds):
            start = time.perf_counter()
            result = await run_workflow(workflow, inputs, context)
            engine.append(time.perf_counter() - start)
            assert result.success, result.errors

            start = time.perf_counter()
            mapped = await execute_tool("map", {"source": "examples/site"}, context)
            urls = [item["url"] for item in mapped.data]
            await execute_tool("fetch", {"urls": urls}, context)
            await execute_tool("site-digest", {"source": "examples/site", "limit": 20}, context)
            by_hand.append(time.perf_counter() - start)
    return statistics.median(engine), statistics.median(by_hand)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--pages", type=int, default=0, help="extra pages in the site")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        root = demo_project(folder, args.pages)
        home = folder / "home"
        home.mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith("KURT_")}
        env["KURT_HOME"] = str(home)
        kurt = [sys.executable, "-m", "kurt"]
        subprocess.run([*kurt, "trust"], cwd=root, env=env, check=True, capture_output=True)
        workflow = [*kurt, "workflow", "run", "digest", "-p", "source=examples/site", "--json"]
        by_hand = [sys.executable, "-c", BY_HAND, "examples/site"]
        for command in (workflow, by_hand):  # warm the caches (manifests, bytecode)
            timed(command, root, env)

        flows: list[float] = []
        hands: list[float] = []
        for _ in range(args.rounds):  # side by side, so load on the machine hits both
            flows.append(timed(workflow, root, env))
            hands.append(timed(by_hand, root, env))
        flow, hand = statistics.median(flows), statistics.median(hands)

        os.environ["KURT_HOME"] = str(home)
        os.chdir(root)
        engine, direct = asyncio.run(in_process(root, args.rounds))

    pages = 5 + args.pages
    print(f"3 steps (map -> fetch -> site-digest) over {pages} pages, median of {args.rounds}")
    print(f"  kurt workflow run (a process)     {flow * 1000:8.1f} ms")
    print(f"  the 3 tools by hand (a process)   {hand * 1000:8.1f} ms")
    print(f"  ratio                             {flow / hand:8.2f}x  (target <= 1.2x)")
    print(f"  run_workflow (in process)         {engine * 1000:8.1f} ms")
    print(f"  3 execute_tool calls (in process) {direct * 1000:8.1f} ms")
    print(f"  ratio                             {engine / direct:8.2f}x")


if __name__ == "__main__":
    main()
