"""Start-up cost of ``kurt --version`` and ``kurt --help``, relative to click.

Every command a user types pays for Kurt's start-up, so it is measured against
the floor any click application pays: ``python -c "import click"``. The three
commands run in the same session, interleaved round by round (so a busy
machine slows all three alike), and each figure is the median of the
per-round ratios.

Targets (issues 2 and 13): ``--help`` at most 1.1x and ``--version`` at
most 0.5x (answered from a constant before click is imported). ``--help`` is
measured three ways: as users meet it (printed from the rendering cached
under ``KURT_HOME/cache``, :mod:`kurt.cli.help_cache`); uncached (the help
renderings removed before each run, so click renders it: the first run, or
the first after an upgrade or a new terminal width), reported beside what an
empty click group's ``--help`` costs, the floor of rendering help with click,
rather than held to a target; and in a generated project of 100 skills that
each add a command (listed under "Skill commands" from the catalog's
snapshot, checked against the disk on every call), held to 1.1x too. The
script also lists which heavy modules ``kurt --help`` and ``kurt --version``
import, read from ``PYTHONPROFILEIMPORTTIME``, because an import regression
shows there exactly, while timings only hint at it.

Run it with the interpreter of the virtual environment Kurt is installed in::

    python bench/startup.py [--rounds 20]

It exits 1 when a heavy module (or, for ``--version``, click) is imported at
start-up; timings are reported, not enforced (they depend on the machine).
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

BARE_GROUP_HELP = "import click\nclick.Group('bare', help='An empty group.').main(['--help'])"
HEAVY = ("pydantic", "pydantic_settings", "httpx", "rich", "yaml", "attrs", "attr", "sqlalchemy")
UNCACHED = "--help (uncached)"
WITH_COMMANDS = "--help (100 cmds)"
TARGETS = {"--version": 0.5, "--help": 1.1, WITH_COMMANDS: 1.1}
COMMAND_SKILLS = 100


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


def wall_time(
    command: list[str], env: dict[str, str], *, fresh_cache: bool = False, cwd: str | None = None
) -> float:
    """Seconds ``command`` takes; with ``fresh_cache``, the help renderings kept
    under KURT_HOME/cache are removed first (the catalog's files stay)."""
    if fresh_cache:
        forget_help(env)
    start = time.perf_counter()
    subprocess.run(
        command,
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
    )
    return time.perf_counter() - start


def forget_help(env: dict[str, str]) -> None:
    for kept in (Path(env["KURT_HOME"]) / "cache").glob("help-*.txt"):
        kept.unlink()


def command_project(root: Path, count: int) -> Path:
    """A project of ``count`` skills, each adding one command (``cmd-0001`` ...)."""
    (root / "kurt.toml").write_text("", encoding="utf-8")
    for number in range(1, count + 1):
        name = f"skill-{number:04d}"
        folder = root / "skills" / name
        folder.mkdir(parents=True)
        (folder / "SKILL.md").write_text(
            f"---\nname: {name}\ndescription: Skill number {number}.\n"
            f'commands:\n  - {{name: cmd-{number:04d}, entry: "cli:main", '
            f'help: "Command number {number}"}}\n---\n',
            encoding="utf-8",
        )
    return root


def check_listed(kurt: str, env: dict[str, str], project: str) -> None:
    """Stop unless ``kurt --help`` in ``project`` lists every skill command."""
    shown = subprocess.run(
        [kurt, "--help"], env=env, cwd=project, capture_output=True, text=True, check=True
    ).stdout
    listed = [line for line in shown.splitlines() if line.startswith("  cmd-")]
    if len(listed) != COMMAND_SKILLS:
        sys.exit(f"kurt --help listed {len(listed)} skill commands, not {COMMAND_SKILLS}")


def imported_modules(command: list[str], env: dict[str, str], cwd: str | None = None) -> set[str]:
    """Top-level names of every module ``command`` imports (from -X importtime)."""
    done = subprocess.run(
        command,
        cwd=cwd,
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
        tempfile.TemporaryDirectory(prefix="kurt-bench-empty-") as empty,
        tempfile.TemporaryDirectory(prefix="kurt-bench-project-") as project,
        tempfile.TemporaryDirectory(prefix="kurt-bench-home-uncached-") as uncached_home,
    ):
        env = {**clean_env(pycache), "KURT_HOME": home}
        folders = {WITH_COMMANDS: str(command_project(Path(project), COMMAND_SKILLS))}
        # One's own project is trusted (an untrusted one is listed too, marked).
        trust = [str(kurt_script()), "trust", folders[WITH_COMMANDS]]
        subprocess.run(trust, env=env, stdout=subprocess.DEVNULL, check=True)
        # The uncached runs remove the help they render from a home of their own.
        envs = {UNCACHED: {**env, "KURT_HOME": uncached_home}}
        return measure(options.rounds, env, empty, folders, envs)


def measure(
    rounds: int,
    env: dict[str, str],
    empty: str,
    folders: dict[str, str],
    envs: dict[str, dict[str, str]],
) -> int:
    """Time each command in ``empty`` (a folder outside any project), or in
    its own folder of ``folders``, with ``env`` or its own of ``envs``,
    against ``import click``."""
    kurt = str(kurt_script())
    baseline = [sys.executable, "-c", "import click"]
    commands = {
        "--version": [kurt, "--version"],
        "--help": [kurt, "--help"],
        UNCACHED: [kurt, "--help"],
        WITH_COMMANDS: [kurt, "--help"],
    }
    check_listed(kurt, env, folders[WITH_COMMANDS])
    # For reference, not a target: what printing the help of an empty click
    # group costs, the floor of any click application (Kurt's --help can come
    # in slightly under it only because it spares click its shutil import).
    floor_help = [sys.executable, "-c", BARE_GROUP_HELP]

    # One untimed round fills the OS file cache and writes the .pyc files.
    wall_time(baseline, env)
    wall_time(floor_help, env)
    for flag, command in commands.items():
        where, its_env = folders.get(flag, empty), envs.get(flag, env)
        wall_time(command, its_env, fresh_cache=flag == UNCACHED, cwd=where)

    ratios: dict[str, list[float]] = {flag: [] for flag in commands}
    floor_ratios: list[float] = []
    base_times: list[float] = []
    for _ in range(rounds):
        base = wall_time(baseline, env)
        base_times.append(base)
        floor_ratios.append(wall_time(floor_help, env) / base)
        for flag, command in commands.items():
            where, its_env = folders.get(flag, empty), envs.get(flag, env)
            took = wall_time(command, its_env, fresh_cache=flag == UNCACHED, cwd=where)
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
        its_env = envs.get(flag, env)
        if flag == UNCACHED:
            forget_help(its_env)
        loaded = imported_modules(command, its_env, cwd=folders.get(flag, empty))
        unwanted = sorted(loaded & set(HEAVY))
        if flag == "--version" and "click" in loaded:
            unwanted.append("click")
        print(f"heavy modules imported by kurt {flag}: {', '.join(unwanted) or 'none'}")
        if flag in (UNCACHED, WITH_COMMANDS):
            print(f"  beyond `import click`: {', '.join(sorted(loaded - floor)) or 'nothing'}")
        failed = failed or bool(unwanted)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
