"""Skills at scale: listing and running among 10, 100 and 1000 skills.

Three comparisons, each measured side by side in one run (interleaved rounds,
the median of the per-round ratios, so that machine noise hits both sides):

- warm: ``kurt skill list --json`` with the manifest cache warm, against
  ``python -c "import click"`` (the floor of any click CLI);
- cold: the same listing with the cache deleted before every run, against
  pluggy loading the same number of one-module entry-point plugins
  (``PluginManager.load_setuptools_entrypoints``) in another venv: the bench
  creates it (``python -m venv --without-pip``), copies pluggy into it from
  this environment (``pip install pluggy`` into it only when this environment
  lacks pluggy), and writes the plugin distributions straight into its
  site-packages (no network, no pip);
- run: ``kurt tool run`` of one skill's tool among N skills, against the same
  among 1 skill (both warm).

Targets at 1000 skills: warm <= 1.5x, cold <= 1.2x, run <= 1.1x.

    python bench/skills.py                 # sizes 10 100 1000, 11 rounds
    python bench/skills.py --sizes 1000 --rounds 21
    python bench/skills.py --sizes 1000 --generate /tmp/skills   # only write projects
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

PY = sys.executable

SKILL_MD = """\
---
name: {name}
description: Generated skill number {i} for the benchmark; it provides one tool.
version: 0.1.{i}
license: MIT
tags: [bench, generated]
implements:
  - {{type: tool, class: Tool{i}, name: {tool}, description: "Echo tool {i}"}}
settings:
  timeout: {{type: float, default: 30, description: "Seconds per request"}}
---

# {name}

A generated skill.
"""

SKILL_PY = """\
from pydantic import BaseModel

from kurt import Tool, ToolResult, register_tool


class In(BaseModel):
    value: str = "x"


@register_tool
class Tool{i}(Tool[In, In]):
    name = "{tool}"
    description = "Echo tool {i}"
    InputModel = In
    OutputModel = In

    async def run(self, params, context, on_progress=None):
        return ToolResult.ok([{{"value": params.value}}])
"""


def make_project(root: Path, count: int) -> Path:
    (root / "skills").mkdir(parents=True)
    (root / "kurt.toml").write_text("", "utf-8")
    for i in range(count):
        name, tool = f"skill-{i:04d}", f"tool-{i:04d}"
        folder = root / "skills" / name
        folder.mkdir()
        (folder / "SKILL.md").write_text(SKILL_MD.format(name=name, tool=tool, i=i), "utf-8")
        (folder / "skill.py").write_text(SKILL_PY.format(tool=tool, i=i), "utf-8")
    return root


def make_plugins(site: Path, count: int) -> Path:
    """``count`` fake distributions, each one module and one entry point."""
    site.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        module = f"bench_plugin_{i:04d}"
        (site / f"{module}.py").write_text(f"def hello():\n    return {i}\n", "utf-8")
        info = site / f"bench_plugin_{i:04d}-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: bench-plugin-{i:04d}\nVersion: 1.0\n", "utf-8"
        )
        (info / "entry_points.txt").write_text(f"[kurt_bench]\np{i:04d} = {module}\n", "utf-8")
    return site


def pluggy_venv(where: Path) -> tuple[str, Path, str]:
    """A separate venv holding pluggy alone: its python, its site-packages, and
    how pluggy got there (copied from this environment, or installed by pip)."""
    subprocess.run([PY, "-m", "venv", "--without-pip", str(where)], check=True)
    bin_dir = where / ("Scripts" if os.name == "nt" else "bin")
    python = str(next(p for p in (bin_dir / "python.exe", bin_dir / "python") if p.exists()))
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    site = Path(purelib)
    spec = importlib.util.find_spec("pluggy")
    if spec is not None and spec.submodule_search_locations:
        # pluggy is pure Python without dependencies: copying the package and
        # its dist-info is an installation, without network or pip.
        from importlib.metadata import distribution

        package = Path(next(iter(spec.submodule_search_locations)))
        shutil.copytree(package, site / "pluggy", ignore=shutil.ignore_patterns("__pycache__"))
        dist = distribution("pluggy")
        info = Path(str(dist.locate_file(""))) / f"pluggy-{dist.version}.dist-info"
        if info.is_dir():
            shutil.copytree(info, site / info.name)
        how = f"pluggy {dist.version} copied from {package.parent}"
    else:
        subprocess.run(
            [PY, "-m", "pip", "install", "--quiet", "--target", str(site), "pluggy"], check=True
        )
        how = "pluggy installed by pip (this environment has none)"
    return python, site, how


PLUGGY = (
    "import pluggy; pm = pluggy.PluginManager('kurt_bench'); "
    "n = pm.load_setuptools_entrypoints('kurt_bench'); assert n > 0, n"
)


def timed(args: list[str], env: dict[str, str], before: Callable[[], None] | None = None) -> float:
    if before is not None:
        before()
    start = time.perf_counter()
    subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return (time.perf_counter() - start) * 1000


def pair(
    rounds: int, left: Callable[[], float], right: Callable[[], float]
) -> tuple[float, float, float]:
    """Median left ms, median right ms, median of per-round ratios (order alternates)."""
    lefts, rights, ratios = [], [], []
    for n in range(rounds):
        if n % 2:
            b, a = right(), left()
        else:
            a, b = left(), right()
        lefts.append(a)
        rights.append(b)
        ratios.append(a / b)
    return statistics.median(lefts), statistics.median(rights), statistics.median(ratios)


def bench_size(
    count: int, rounds: int, work: Path, only: set[str]
) -> dict[str, tuple[float, float, float]]:
    home = work / f"home-{count}"
    many = make_project(work / f"many-{count}", count)
    one = make_project(work / f"one-{count}", 1)
    # As on a user's machine, Kurt's bytecode is cached (in a temporary prefix,
    # not the source tree): with PYTHONDONTWRITEBYTECODE, Kurt's modules would be
    # compiled on every run while click's come precompiled.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("KURT_") and k != "PYTHONDONTWRITEBYTECODE"
    }
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    env["KURT_HOME"] = str(home)
    # The console script, as users run it (python -m kurt adds runpy).
    script = Path(PY).parent / "kurt"
    kurt = [str(script)] if script.exists() else [PY, "-m", "kurt"]
    for project in (many, one):
        subprocess.run([*kurt, "trust", str(project)], env=env, check=True, capture_output=True)
    listing = [*kurt, "--project", str(many), "skill", "list", "--json"]
    subprocess.run(listing, env=env, check=True, capture_output=True)  # warm the cache
    cache = home / "cache"

    def drop_cache() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    results = {}
    if "warm" in only:
        results["warm"] = pair(
            rounds, lambda: timed(listing, env), lambda: timed([PY, "-c", "import click"], env)
        )
    if "cold" in only:
        venv = work / f"pluggy-venv-{count}"
        plug_python, site, how = pluggy_venv(venv)
        print(f"[{count}] pluggy side: a separate venv ({venv}); {how}", flush=True)
        make_plugins(site, count)
        plug_env = {k: v for k, v in env.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        results["cold"] = pair(
            rounds,
            lambda: timed(listing, env, drop_cache),
            lambda: timed([plug_python, "-c", PLUGGY], plug_env),
        )
    if "run" not in only:
        return results
    run_many = [*kurt, "--project", str(many), "tool", "run", "tool-0000", "--json"]
    run_one = [*kurt, "--project", str(one), "tool", "run", "tool-0000", "--json"]
    for command in (listing, run_many, run_one):  # warm both caches again
        subprocess.run(command, env=env, check=True, capture_output=True)
    results["run"] = pair(rounds, lambda: timed(run_many, env), lambda: timed(run_one, env))
    return results


TARGETS = {"warm": 1.5, "cold": 1.2, "run": 1.1}
LABELS = {
    "warm": ("warm `skill list --json`", "`import click`"),
    "cold": ("cold `skill list --json`", "pluggy, N entry points"),
    "run": ("`tool run`, 1 of N", "`tool run`, 1 of 1"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument(
        "--only", default="warm,cold,run", help="comma-separated subset of warm,cold,run"
    )
    parser.add_argument(
        "--generate",
        type=Path,
        metavar="DIR",
        help="only write a project of each size into DIR (for profiling), then stop",
    )
    options = parser.parse_args()
    if options.generate is not None:
        for count in options.sizes:
            print(make_project(options.generate / f"skills-{count}", count))
        return
    rows = []
    with tempfile.TemporaryDirectory(prefix="kurt-bench-skills-") as tmp:
        for count in options.sizes:
            only = set(options.only.split(","))
            results = bench_size(count, options.rounds, Path(tmp), only)
            for key, (kurt_ms, other_ms, ratio) in results.items():
                rows.append((count, key, kurt_ms, other_ms, ratio))
    print(f"Python {sys.version.split()[0]}, {options.rounds} interleaved rounds, medians\n")
    print("| skills | comparison | Kurt (ms) | against (ms) | ratio | target |")
    print("|---:|---|---:|---:|---:|---:|")
    for count, key, kurt_ms, other_ms, ratio in rows:
        mine, theirs = LABELS[key]
        target = TARGETS[key]
        verdict = "ok" if ratio <= target or count < 1000 else "MISSED"
        print(
            f"| {count} | {mine} vs {theirs} | {kurt_ms:.0f} | {other_ms:.0f} | "
            f"{ratio:.2f}x | <= {target}x{' ' + verdict if count >= 1000 else ''} |"
        )


if __name__ == "__main__":
    main()
