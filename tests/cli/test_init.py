"""``kurt init`` creates a project and trusts it; ``kurt trust`` (SPEC sections 2, 5, 6)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from kurt.cli.init import STARTER
from kurt.config.locations import Locations
from kurt.config.model import load_config
from kurt.config.skills import read_skills_config
from kurt.config.trust import is_trusted

Run = Callable[..., tuple[int, str, str]]


def trusted(kurt_home: Path, root: Path) -> bool:
    return is_trusted(Locations(project_root=root, home=kurt_home).trust_file, root)


def test_init_creates_the_project_and_trusts_it(
    run_kurt: Run, tmp_path: Path, kurt_home: Path
) -> None:
    root = tmp_path / "new-project"
    assert run_kurt("init", str(root)) == (
        0,
        f"Created {root / 'kurt.toml'}\nProject {root} is trusted: its skills/ may run code.\n",
        "",
    )
    assert (root / "kurt.toml").read_text(encoding="utf-8") == STARTER
    assert (root / "skills").is_dir()
    assert (root / ".kurt").is_dir()
    assert trusted(kurt_home, root)


def test_init_without_a_folder_uses_the_current_one(run_kurt: Run, tmp_path: Path) -> None:
    here = tmp_path / "here"
    here.mkdir()
    code, stdout, _ = run_kurt("init", cwd=here)
    assert code == 0
    assert stdout.startswith(f"Created {here / 'kurt.toml'}\n")
    assert (here / "kurt.toml").is_file()


def test_init_uses_the_project_option(invoke: Run, tmp_path: Path, kurt_home: Path) -> None:
    root = tmp_path / "chosen"
    root.mkdir()
    assert invoke("--project", str(root), "init")[0] == 0
    assert (root / "kurt.toml").is_file()
    assert trusted(kurt_home, root)


def test_init_never_trusts_an_existing_project(
    run_kurt: Run, tmp_path: Path, kurt_home: Path
) -> None:
    """A clone already holds kurt.toml: init changes nothing and points at kurt trust."""
    root = tmp_path / "existing"
    root.mkdir()
    mine = b"# mine\n[fetch]\ntimeout = 3\n"
    (root / "kurt.toml").write_bytes(mine)
    for args, cwd in ((("init", str(root)), None), (("init",), root)):
        code, stdout, stderr = run_kurt(*args, cwd=cwd)
        assert (code, stdout) == (1, "")
        assert stderr == (
            f"Error: {root / 'kurt.toml'} already exists: kurt init changed nothing"
            " and did not trust it.\n"
            f"  hint: review its skills, then trust it with: kurt trust {root}\n"
        )
    assert (root / "kurt.toml").read_bytes() == mine
    assert sorted(p.name for p in root.iterdir()) == ["kurt.toml"]
    assert not trusted(kurt_home, root)
    assert not (kurt_home / "trusted-projects.json").exists()


def test_init_never_writes_through_a_kurt_toml_symlink(run_kurt: Run, tmp_path: Path) -> None:
    root = tmp_path / "linked"
    root.mkdir()
    (root / "kurt.toml").symlink_to(tmp_path / "elsewhere.toml")
    assert run_kurt("init", str(root)).exit_code == 1
    assert not (tmp_path / "elsewhere.toml").exists()


def test_the_starter_kurt_toml_is_valid(invoke: Run, tmp_path: Path, kurt_home: Path) -> None:
    root = tmp_path / "valid"
    invoke("init", str(root))
    locations = Locations(project_root=root, home=kurt_home)
    assert load_config(locations).fetch.timeout == 30.0
    skills = read_skills_config(locations)
    assert (skills.enabled, skills.disabled, skills.project_paths) == (None, frozenset(), ())


def test_kurt_works_inside_the_new_project(run_kurt: Run, tmp_path: Path) -> None:
    root = tmp_path / "fresh"
    run_kurt("init", str(root))
    code, stdout, stderr = run_kurt("tool", "list", "--json", cwd=root / "skills")
    assert (code, stderr) == (0, "")
    assert isinstance(json.loads(stdout), list)


def test_init_on_a_file_is_a_usage_error(invoke: Run, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    code, stdout, stderr = invoke("init", str(blocker))
    assert (code, stdout) == (2, "")
    assert f"Directory '{blocker}' is a file." in stderr


def test_trust_and_revoke(invoke: Run, make_project: Callable[..., Path], kurt_home: Path) -> None:
    root = make_project("cloned", trusted=False)
    assert not trusted(kurt_home, root)
    assert invoke("trust", str(root)) == (0, f"{root} is now trusted.\n", "")
    assert trusted(kurt_home, root)
    assert invoke("trust", str(root)) == (0, f"{root} is already trusted.\n", "")
    assert invoke("trust", "--revoke", str(root)) == (0, f"{root} is no longer trusted.\n", "")
    assert not trusted(kurt_home, root)
    assert invoke("trust", "--revoke", str(root)) == (0, f"{root} is not trusted.\n", "")


def test_trust_without_a_folder_trusts_the_current_project(
    invoke: Run, make_project: Callable[..., Path], kurt_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project("current", trusted=False)
    (root / "sub").mkdir()
    monkeypatch.chdir(root / "sub")
    assert invoke("trust")[0] == 0
    assert trusted(kurt_home, root)


def test_trust_outside_a_project_is_a_usage_error(invoke: Run, tmp_path: Path) -> None:
    assert invoke("trust") == (
        2,
        "",
        "Error: Not inside a Kurt project (no kurt.toml here or above).\n"
        "  hint: pass the folder: kurt trust DIR, or create a project with kurt init\n",
    )
    plain = tmp_path / "plain"
    plain.mkdir()
    code, _, stderr = invoke("trust", str(plain))
    assert code == 2
    assert stderr.startswith(f"Error: '{plain}' is not a Kurt project (no kurt.toml).")
