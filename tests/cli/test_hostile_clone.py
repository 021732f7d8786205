"""A cloned project's files never run as code before ``kurt trust``, however
Kurt is started: ``python -m kurt`` must not make the current folder an
import root, which the ``kurt`` script never does (SPEC sections 5, 6, 9)."""

from __future__ import annotations

import json
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


@pytest.mark.parametrize("first", ["one", "two"])
def test_two_packages_with_one_skill_name_are_an_error_for_both(
    first: str, project: Path, run_kurt: Run, tmp_path: Path
) -> None:
    """Which distribution comes first is not the user's choice (renaming one
    flips it), so neither runs, whatever the order (SPEC section 5)."""
    site = tmp_path / "site"
    markers = tmp_path / "markers"
    for module in ("dup_one", "dup_two"):
        write_skill(site, "dup", folder=module, markers=markers / module)
    second = "two" if first == "one" else "one"
    write_dist(site, "aaa-dist", {"dup": f"dup_{first}"})
    write_dist(site, "zzz-dist", {"dup": f"dup_{second}"})
    env = {"PYTHONPATH": str(site)}
    listing = run_kurt("--project", str(project), "skill", "list", "--json", env=env)
    rows = [row for row in json.loads(listing.stdout) if row["name"] == "dup"]
    assert sorted(row["path"] for row in rows) == [str(site / "dup_one"), str(site / "dup_two")]
    assert [row["status"] for row in rows] == ["invalid", "invalid"]
    ran = run_kurt("--project", str(project), "tool", "run", "dup", env=env)
    assert ran.exit_code != 0
    assert "two installed packages provide the same name" in ran.stderr
    assert "Internal error" not in ran.stderr
    assert not markers.exists() or not any(markers.rglob("*"))
