"""The commands users type most, among 1000 and 10,000 skills, against click.

Every command runs as users run it (the console script, a subprocess, stdout
to a pipe) in a project of N generated skills (``bench/skills.py`` writes
them), warm (each command has run once before), interleaved round by round
with ``python -c "import click"``, so a busy machine slows both alike. Each
figure is the median of the per-round ratios. One table:

- at 1000 skills, each command against ``import click``, with its target
  (issue 10: human ``skill list`` <= 2x; ``tool list --json``, ``config skills
  --json`` and ``skill info NAME`` <= 3x; ``tool run`` of a trivial tool <= 4x;
  and the start-up targets of ``bench/startup.py``, ``--version`` <= 0.5x and
  ``--help`` <= 1.1x);
- at 10,000 skills, each read-only command against its own figure at 1000
  (target <= 2x: linear or better, with a small constant per skill).

    python bench/commands.py                     # sizes 1000 10000, 7 rounds
    python bench/commands.py --sizes 1000 --rounds 11
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from skills import make_project  # a sibling script, not a package

PY = sys.executable
CLICK = [PY, "-c", "import click"]

# name, arguments after `kurt --project P`, target at 1000 (x import click), read-only
COMMANDS: list[tuple[str, list[str], float | None, bool]] = [
    ("kurt --version", ["--version"], 0.5, True),
    ("kurt --help", ["--help"], 1.1, True),
    ("kurt skill list", ["skill", "list"], 2.0, True),
    ("kurt skill list --json", ["skill", "list", "--json"], 1.5, True),
    ("kurt tool list", ["tool", "list"], None, True),
    ("kurt tool list --json", ["tool", "list", "--json"], 3.0, True),
    ("kurt config skills --json", ["config", "skills", "--json"], 3.0, True),
    ("kurt skill info NAME", ["skill", "info", "skill-0005"], 3.0, True),
    ("kurt tool run NAME --json", ["tool", "run", "tool-0005", "--json"], 4.0, False),
]
SCALING = 2.0  # at 10,000 skills, at most this times the figure at 1000

# What any tool run imports and does before Kurt's own work: the libraries a run
# needs (a tool's input is a pydantic model) and one model built and validated.
FLOOR = "the floor of a run (click, asyncio, pydantic, attrs, one model)"
FLOOR_CODE = (
    "import asyncio, attrs, click\n"
    "from pydantic import BaseModel\n"
    "class Input(BaseModel):\n"
    "    text: str\n"
    "Input(text='x')\n"
)


def kurt_script() -> list[str]:
    script = Path(PY).parent / "kurt"
    return [str(script)] if script.exists() else [PY, "-m", "kurt"]


def timed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def measure(count: int, rounds: int, work: Path) -> dict[str, tuple[float, float]]:
    """Per command: median ms and median ratio against ``import click``."""
    project = make_project(work / f"project-{count}", count)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("KURT_") and k not in ("PYTHONDONTWRITEBYTECODE", "COLUMNS")
    }
    # Kurt's bytecode cached as on a user's machine (outside the source tree).
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    env["KURT_HOME"] = str(work / f"home-{count}")
    kurt = kurt_script()
    subprocess.run([*kurt, "trust", str(project)], env=env, check=True, capture_output=True)
    runs = {name: [*kurt, "--project", str(project), *args] for name, args, _, _ in COMMANDS}
    runs["kurt --version"] = [*kurt, "--version"]  # as typed: the fast path needs no option
    runs[FLOOR] = [PY, "-c", FLOOR_CODE]
    runs["kurt --help"] = [*kurt, "--help"]
    for args in runs.values():  # warm every cache once
        subprocess.run(args, env=env, check=True, capture_output=True)
    times: dict[str, list[float]] = {name: [] for name in runs}
    ratios: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, args in runs.items():
            base = timed(CLICK, env)
            took = timed(args, env)
            times[name].append(took * 1000)
            ratios[name].append(took / base)
    return {
        name: (statistics.median(times[name]), statistics.median(ratios[name])) for name in runs
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--rounds", type=int, default=7)
    options = parser.parse_args()
    results: dict[int, dict[str, tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="kurt-bench-commands-") as tmp:
        for count in options.sizes:
            results[count] = measure(count, options.rounds, Path(tmp))
    small, *larger = options.sizes
    print(f"Python {sys.version.split()[0]}, {options.rounds} interleaved rounds, medians\n")
    head = f"| command | ms at {small} | x `import click` at {small} | target | ok |"
    rule = "|---|---:|---:|---:|---|"
    for big in larger:
        head += f" x at {big} / at {small} | target | ok |"
        rule += "---:|---:|---|"
    print(head)
    print(rule)
    missed = 0
    for name, _, target, read_only in COMMANDS:
        ms, ratio = results[small][name]
        ok = "" if target is None else ("ok" if ratio <= target else "MISSED")
        missed += ok == "MISSED"
        shown = "" if target is None else f"<= {target}x"
        line = f"| `{name}` | {ms:.0f} | {ratio:.2f}x | {shown} | {ok} |"
        for big in larger:
            growth = results[big][name][1] / ratio
            verdict = ("ok" if growth <= SCALING else "MISSED") if read_only else ""
            missed += verdict == "MISSED"
            line += f" {growth:.2f}x | {f'<= {SCALING}x' if read_only else ''} | {verdict} |"
        print(line)
    floor_ms, floor_ratio = results[small][FLOOR]
    run_ms, _ = results[small]["kurt tool run NAME --json"]
    print(
        f"\n{FLOOR}: {floor_ms:.0f} ms, {floor_ratio:.2f}x `import click`; "
        f"`kurt tool run` is {run_ms / floor_ms:.2f}x that floor"
    )
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
