"""Start-up cost of ``kurt --version`` and ``kurt --help``, relative to click.

Every command a user types pays for Kurt's start-up, so it is measured against
the floor any click application pays: ``python -c "import click"``. The three
commands run in the same session, interleaved round by round (so a busy
machine slows all three alike), and each figure is the median of the
per-round ratios.

Targets (issue 2): ``--help`` at most 1.1x and ``--version`` at most 0.5x
(answered from a constant before click is imported). ``--help`` is measured
twice: as users meet it (printed from the rendering cached under
``KURT_HOME/cache``, :mod:`kurt.cli.help_cache`) and uncached (the cache
emptied before each run, so click renders it: the first run, or the first
after an upgrade or a new terminal width). The uncached figure is reported
beside what an empty click group's ``--help`` costs, the floor of rendering
help with click, rather than held to a target. The script also lists
which heavy modules ``kurt --help`` and ``kurt --version`` import, read from
``PYTHONPROFILEIMPORTTIME``, because an import regression shows there
exactly, while timings only hint at it.

Run it with the interpreter of the virtual environment Kurt is installed in::

    python bench/startup.py [--rounds 20]

It exits 1 when a heavy module (or, for ``--version``, click) is imported at
start-up; timings are reported, not enforced (they depend on the machine).
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

BARE_GROUP_HELP = "import click\nclick.Group('bare', help='An empty group.').main(['--help'])"
HEAVY = ("pydantic", "pydantic_settings", "httpx", "rich", "yaml", "attrs", "attr", "sqlalchemy")
UNCACHED = "--help (uncached)"
TARGETS = {"--version": 0.5, "--help": 1.1}


def kurt_script() -> Path:
    """The ``kurt`` console script of the running interpreter's environment."""
    folder = Path(sys.executable).parent
    for name in ("kurt", "kurt.exe"):
        if (folder / name).is_file():
            return folder / name
    sys.exit(f"no kurt console script beside {sys.executable}; run `pip install -e .` first")


def clean_env(pycache: str) -> dict[str, str]:
    """The caller's environment without KURT_* (a project or debug flag would skew it).

    Bytecode is cached (in ``pycache``, outside the source tree) even when the
    caller set PYTHONDONTWRITEBYTECODE: a user's installed Kurt runs from .pyc
    files, and compiling every module on every run would measure the compiler.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("KURT_") and key != "PYTHONDONTWRITEBYTECODE"
    }
    env["PYTHONPYCACHEPREFIX"] = pycache
    return env


def wall_time(command: list[str], env: dict[str, str], *, fresh_cache: bool = False) -> float:
    """Seconds ``command`` takes; with ``fresh_cache``, KURT_HOME/cache is emptied first."""
    if fresh_cache:
        shutil.rmtree(Path(env["KURT_HOME"]) / "cache", ignore_errors=True)
    start = time.perf_counter()
    subprocess.run(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
    )
    return time.perf_counter() - start


def imported_modules(command: list[str], env: dict[str, str]) -> set[str]:
    """Top-level names of every module ``command`` imports (from -X importtime)."""
    done = subprocess.run(
        command,
        env={**env, "PYTHONPROFILEIMPORTTIME": "1"},
        capture_output=True,
        text=True,
        check=True,
    )
    names = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            if name != "imported package":
                names.add(name.split(".")[0])
    return names


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="interleaved rounds (default 20)")
    options = parser.parse_args()

    with (
        tempfile.TemporaryDirectory(prefix="kurt-bench-pycache-") as pycache,
        tempfile.TemporaryDirectory(prefix="kurt-bench-home-") as home,
    ):
        return measure(options.rounds, {**clean_env(pycache), "KURT_HOME": home})


def measure(rounds: int, env: dict[str, str]) -> int:
    kurt = str(kurt_script())
    baseline = [sys.executable, "-c", "import click"]
    commands = {
        "--version": [kurt, "--version"],
        "--help": [kurt, "--help"],
        UNCACHED: [kurt, "--help"],
    }
    # For reference, not a target: what printing the help of an empty click
    # group costs, the floor of any click application (Kurt's --help can come
    # in slightly under it only because it spares click its shutil import).
    floor_help = [sys.executable, "-c", BARE_GROUP_HELP]

    # One untimed round fills the OS file cache and writes the .pyc files.
    wall_time(baseline, env)
    wall_time(floor_help, env)
    for flag, command in commands.items():
        wall_time(command, env, fresh_cache=flag == UNCACHED)

    ratios: dict[str, list[float]] = {flag: [] for flag in commands}
    floor_ratios: list[float] = []
    base_times: list[float] = []
    for _ in range(rounds):
        base = wall_time(baseline, env)
        base_times.append(base)
        floor_ratios.append(wall_time(floor_help, env) / base)
        for flag, command in commands.items():
            took = wall_time(command, env, fresh_cache=flag == UNCACHED)
            ratios[flag].append(took / base)

    print(f"interpreter: {sys.executable} (Python {sys.version.split()[0]})")
    print(
        f"rounds: {rounds}; baseline `python -c 'import click'`: "
        f"median {statistics.median(base_times) * 1000:.1f} ms"
    )
    floor_median = statistics.median(floor_ratios)
    for flag, values in ratios.items():
        median = statistics.median(values)
        spread = f"min {min(values):.2f}x, max {max(values):.2f}x"
        if flag in TARGETS:
            verdict = "ok" if median <= TARGETS[flag] else "MISSED"
            goal = f"target <= {TARGETS[flag]}x: {verdict}"
        else:
            goal = f"an empty click group's --help: {floor_median:.2f}x"
        print(f"kurt {flag:<17} {median:.2f}x import click ({spread}; {goal})")

    failed = False
    floor = imported_modules(baseline, env)
    for flag, command in commands.items():
        if flag == UNCACHED:
            shutil.rmtree(Path(env["KURT_HOME"]) / "cache", ignore_errors=True)
        loaded = imported_modules(command, env)
        unwanted = sorted(loaded & set(HEAVY))
        if flag == "--version" and "click" in loaded:
            unwanted.append("click")
        print(f"heavy modules imported by kurt {flag}: {', '.join(unwanted) or 'none'}")
        if flag == UNCACHED:
            print(f"  beyond `import click`: {', '.join(sorted(loaded - floor)) or 'nothing'}")
        failed = failed or bool(unwanted)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
