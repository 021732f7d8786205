"""Where the project and the user's home are (SPEC section 2)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kurt.config.locations import (
    Locations,
    cache_text,
    find_project_root,
    home_text,
    project_root_text,
    user_home,
)
from kurt.errors import UsageError


def test_project_root_is_found_by_walking_up(
    make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project("walk")
    deep = root / "a" / "b" / "c"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    assert find_project_root() == root.resolve()
    assert Locations.discover().project_file == root.resolve() / "kurt.toml"


def test_nearest_kurt_toml_wins(make_project: Callable[..., Path]) -> None:
    outer = make_project("outer")
    inner = outer / "nested"
    inner.mkdir()
    (inner / "kurt.toml").write_text("", encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(inner)
        assert find_project_root() == inner.resolve()
        patch.chdir(outer)
        assert find_project_root() == outer.resolve()


def test_outside_any_project_there_is_no_root() -> None:
    # The autouse fixture runs each test in an empty temporary folder.
    assert find_project_root() is None
    assert Locations.discover().project_file is None


def test_explicit_folder_wins_over_walking_up(
    make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    here = make_project("here")
    there = make_project("there")
    monkeypatch.chdir(here)
    assert find_project_root(there) == there.resolve()


def test_an_explicit_folder_must_hold_kurt_toml(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(UsageError) as caught:
        find_project_root(str(empty))
    assert str(caught.value) == (
        f"'{empty}' is not a Kurt project (no kurt.toml).\n"
        f"  hint: create one with: kurt init {empty}"
    )
    assert caught.value.exit_code == 2


def test_every_command_refuses_a_project_folder_without_kurt_toml(
    tmp_path: Path, run_kurt: Callable[..., Any]
) -> None:
    """--project on a plain folder is one clear error, never a half-project
    (fetch storing into it, trust trusting it, listings searching its skills/)."""
    plain = tmp_path / "plain"
    (plain / "skills").mkdir(parents=True)
    for args in (
        ["--project", str(plain), "skill", "list", "--json"],
        ["--project", str(plain), "trust"],
        ["--project", str(plain), "fetch", str(tmp_path / "x.txt")],
        ["--project", str(plain), "config", "skills"],
    ):
        outcome = run_kurt(*args)
        assert outcome.exit_code == 2, args
        assert outcome.stderr.startswith(f"Error: '{plain}' is not a Kurt project"), args
    assert sorted(p.name for p in plain.iterdir()) == ["skills"]  # nothing written
    created = run_kurt("--project", str(plain), "init")
    assert created.exit_code == 0, created.stderr
    assert run_kurt("--project", str(plain), "skill", "list").exit_code == 0


def test_kurt_project_root_selects_the_project(
    make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project("from-env")
    monkeypatch.setenv("KURT_PROJECT_ROOT", str(root))
    assert find_project_root() == root.resolve()


def test_explicit_argument_wins_over_kurt_project_root(
    make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KURT_PROJECT_ROOT", str(make_project("env")))
    explicit = make_project("explicit")
    assert find_project_root(explicit) == explicit.resolve()


def test_a_missing_project_folder_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        find_project_root(tmp_path / "nowhere")
    assert caught.value.exit_code == 2
    assert str(caught.value) == (
        f"Project folder '{tmp_path / 'nowhere'}' does not exist.\n"
        "  hint: pass an existing folder to --project (or KURT_PROJECT_ROOT)"
    )


def test_kurt_home_sets_the_user_home(kurt_home: Path) -> None:
    assert user_home() == kurt_home


def test_user_home_defaults_to_dot_kurt_in_the_home_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("KURT_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert user_home() == tmp_path / ".kurt"


def test_every_path_hangs_off_the_project_and_the_home(tmp_path: Path) -> None:
    where = Locations(project_root=tmp_path / "p", home=tmp_path / "h")
    assert where.project_file == tmp_path / "p" / "kurt.toml"
    assert where.project_skills == tmp_path / "p" / "skills"
    assert where.data_dir == tmp_path / "p" / ".kurt"
    assert where.user_file == tmp_path / "h" / "kurt.toml"
    assert where.user_skills == tmp_path / "h" / "skills"
    assert where.cache_dir == tmp_path / "h" / "cache"
    assert where.trust_file.parent == tmp_path / "h"


def test_without_a_project_only_user_paths_exist(tmp_path: Path) -> None:
    where = Locations(project_root=None, home=tmp_path)
    assert (where.project_file, where.project_skills, where.data_dir) == (None, None, None)
    assert where.user_file == tmp_path / "kurt.toml"


def test_a_tilde_in_kurt_home_is_the_users_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("KURT_HOME", "~/x")
    assert home_text() == str(tmp_path / "x")
    assert user_home() == tmp_path / "x"
    assert cache_text() == str(tmp_path / "x" / "cache")
    monkeypatch.delenv("KURT_HOME")
    assert user_home() == tmp_path / ".kurt"


def test_the_string_twin_finds_the_same_project(
    make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = make_project("twin")
    deep = root / "a" / "b"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    assert project_root_text() == str(find_project_root())
    assert project_root_text(root) == str(find_project_root(root))
    outside = tmp_path / "plain"
    outside.mkdir()
    monkeypatch.chdir(outside)
    assert project_root_text() is None
    assert find_project_root() is None
    assert project_root_text(outside) is False  # find_project_root reports it
    with pytest.raises(UsageError, match="is not a Kurt project"):
        find_project_root(outside)
