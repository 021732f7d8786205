"""examples/kurt-skill-hello: pip installs it into a new virtual environment,
and kurt there finds the skill through its entry point (source ``package``)
and runs its tool. Offline: the environment sees this interpreter's packages
(Kurt and the hatchling build backend) and pip builds without isolation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from example_helpers import REPO

PACKAGE = REPO / "examples" / "kurt-skill-hello"


def run(*args: str | Path, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
    return done


def make_venv(where: Path) -> Path:
    """A venv whose site-packages also sees this interpreter's (through a .pth that
    calls site.addsitedir, so the editable install of Kurt works there too);
    ``--system-site-packages`` alone would reach the base interpreter, not this venv."""
    subprocess.run([sys.executable, "-m", "venv", where], check=True, timeout=240)
    python = where / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    parent = sysconfig.get_paths()["purelib"]
    Path(purelib, "_kurt_parent_env.pth").write_text(
        f"import site; site.addsitedir({parent!r})\n", encoding="utf-8"
    )
    return python


@pytest.mark.slow
def test_pip_install_makes_the_skill_available_everywhere(tmp_path: Path) -> None:
    python = make_venv(tmp_path / "venv")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KURT_", "PIP_"))}
    env |= {"KURT_HOME": str(tmp_path / "home"), "PIP_NO_INDEX": "1"}
    outside = tmp_path / "anywhere"  # no project: package skills need none
    outside.mkdir()

    run(
        python, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--quiet",
        PACKAGE, cwd=outside, env=env,
    )  # fmt: skip

    listed = json.loads(
        run(python, "-m", "kurt", "skill", "list", "--json", cwd=outside, env=env).stdout
    )
    (hello,) = [row for row in listed if row["name"] == "hello"]
    assert hello["source"] == "package"
    assert hello["status"] == "ok"
    assert hello["provides"] == [{"type": "tool", "name": "hello"}]
    assert Path(hello["path"]).name == "kurt_skill_hello"
    assert Path(hello["path"]).is_relative_to(tmp_path / "venv")

    ran = run(
        python, "-m", "kurt", "tool", "run", "hello", "-p", "name=Ada", "--json",
        cwd=outside, env=env,
    )  # fmt: skip
    assert json.loads(ran.stdout)["data"] == [{"message": "Hello, Ada!"}]

    env["KURT_SKILLS__HELLO__GREETING"] = "Bonjour"
    ran = run(python, "-m", "kurt", "tool", "run", "hello", "--json", cwd=outside, env=env)
    assert json.loads(ran.stdout)["data"] == [{"message": "Bonjour, world!"}]


def test_the_package_declares_its_entry_point() -> None:
    import tomllib

    project = tomllib.loads((PACKAGE / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["entry-points"]["kurt.skills"] == {"hello": "kurt_skill_hello"}
    assert (PACKAGE / "kurt_skill_hello" / "SKILL.md").is_file()
    assert (PACKAGE / "README.md").is_file()
