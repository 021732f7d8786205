"""A cloned project's files never run as code before ``kurt trust``, however
Kurt is started: ``python -m kurt`` must not make the current folder an
import root, which the ``kurt`` script never does (SPEC sections 5, 6, 9)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "skills"))
from skill_helpers import imported, write_dist, write_skill

Run = Callable[..., Any]
SCRIPT = Path(sys.executable).parent / "kurt"


def _kurt_script(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def _clone(plant: str, make_project: Callable[..., Path], tmp_path: Path) -> tuple[Path, Path]:
    """An untrusted project whose root holds a fake installed distribution
    (its skill ``planted``) or a ``click.py``, recording any import."""
    root = make_project("clone", trusted=False)
    markers = tmp_path / "markers"
    markers.mkdir()
    write_skill(root, "planted", folder="planted_pkg", markers=markers)
    if plant == "dist-info":
        write_dist(root, "planted-dist", {"planted": "planted_pkg"})
        return root, markers
    (root / "click.py").write_text(
        f"import pathlib\npathlib.Path({str(markers / 'click')!r}).touch()\n"
        "raise ImportError('the clone replaced click')\n",
        "utf-8",
    )
    return root, markers


@pytest.mark.parametrize("plant", ["dist-info", "click.py"])
@pytest.mark.parametrize("how", ["python -m kurt", "kurt script"])
def test_a_clone_root_is_never_an_import_root(
    how: str, plant: str, make_project: Callable[..., Path], run_kurt: Run, tmp_path: Path
) -> None:
    if how == "kurt script" and not SCRIPT.is_file():
        pytest.skip("the kurt console script is not installed beside this interpreter")
    root, markers = _clone(plant, make_project, tmp_path)

    def kurt(*args: str) -> tuple[int, str, str]:
        if how == "kurt script":
            done = _kurt_script(*args, cwd=root)
            return done.returncode, done.stdout, done.stderr
        outcome = run_kurt(*args, cwd=root)
        return outcome.exit_code, outcome.stdout, outcome.stderr

    code, stdout, stderr = kurt("skill", "list", "--json")
    assert code == 0, stderr
    assert "planted" not in stdout  # not taken for an installed package
    code, _, stderr = kurt("tool", "run", "planted")
    assert code != 0
    assert "Internal error" not in stderr
    assert imported(markers) == set()


def test_python_m_kurt_keeps_explicit_import_roots(
    project: Path, run_kurt: Run, tmp_path: Path
) -> None:
    """Only the entry ``-m`` adds is dropped: a package installed through
    PYTHONPATH is still found and runs."""
    site = tmp_path / "site"
    markers = tmp_path / "markers"
    write_skill(site, "pkg-skill", folder="pkg_skill", markers=markers)
    write_dist(site, "kurt-pkg-skill", {"pkg-skill": "pkg_skill"})
    env = {"PYTHONPATH": str(site)}
    ran = run_kurt("--project", str(project), "tool", "run", "pkg-skill", cwd=tmp_path, env=env)
    assert ran.exit_code == 0, ran.stderr
    assert imported(markers) == {"pkg-skill"}
