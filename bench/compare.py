"""Cold ``kurt skill list --json`` from two or more source trees, side by side.

For finding what a change cost: check the older code out beside this one
(``git worktree add /tmp/old REV``), then

    python bench/compare.py /tmp/old/src src            # 1000 skills, 15 rounds
    python bench/compare.py /tmp/old/src src --count 100 --rounds 21

Each round runs every tree once, in alternating order, with that tree first on
``PYTHONPATH``, its own ``KURT_HOME`` and the manifest cache deleted before the
run; it prints each tree's median and its ratio to the first tree's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from skills import make_project  # the benchmark's own project generator


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs="+", type=Path, help="source folders (holding kurt/)")
    parser.add_argument("--count", type=int, default=1000, help="how many skills")
    parser.add_argument("--rounds", type=int, default=15)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kurt-bench-compare-") as tmp:
        work = Path(tmp)
        project = make_project(work / "project", options.count)
        base = {k: v for k, v in os.environ.items() if not k.startswith("KURT_")}
        base.pop("PYTHONDONTWRITEBYTECODE", None)
        base["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
        kurt = [sys.executable, "-m", "kurt"]
        envs = []
        for number, tree in enumerate(options.trees):
            env = {**base, "PYTHONPATH": str(tree.resolve()), "KURT_HOME": str(work / f"h{number}")}
            subprocess.run([*kurt, "trust", str(project)], env=env, check=True, capture_output=True)
            envs.append(env)
        listing = [*kurt, "--project", str(project), "skill", "list", "--json"]
        times: list[list[float]] = [[] for _ in envs]
        for round_number in range(options.rounds):
            order = list(range(len(envs)))
            for index in order if round_number % 2 else order[::-1]:
                shutil.rmtree(Path(envs[index]["KURT_HOME"]) / "cache", ignore_errors=True)
                start = time.perf_counter()
                subprocess.run(listing, env=envs[index], check=True, stdout=subprocess.DEVNULL)
                times[index].append((time.perf_counter() - start) * 1000)
    first = statistics.median(times[0])
    print(f"cold `kurt skill list --json`, {options.count} skills, {options.rounds} rounds")
    for tree, measured in zip(options.trees, times, strict=True):
        median = statistics.median(measured)
        print(f"{median:7.1f} ms  {median / first:5.2f}x  {tree}")


if __name__ == "__main__":
    main()
