"""The warm ``kurt skill list --json``: the listing pointer and snapshot, trusted
only while every search folder, manifest and kurt.toml is as it was."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from skill_helpers import write_skill

from kurt.config.locations import Locations
from kurt.skills.catalog.warm import warm_listing
from kurt.skills.manager import SkillManager


def full_listing(root: Path, home: Path) -> list[dict[str, object]]:
    """The listing as the manager builds it (this also writes pointer and snapshot)."""
    return SkillManager(Locations(root, home)).listing()


def warm_rows(root: Path) -> list[dict[str, object]] | None:
    text = warm_listing(str(root))
    return None if text is None else json.loads(text)


def test_warm_listing_equals_the_full_listing(
    make_project: Callable[..., Path], kurt_home: Path
) -> None:
    root = make_project("p")
    write_skill(root / "skills", "one")
    write_skill(root / "skills", "two", description="second")
    assert warm_rows(root) is None  # nothing cached yet
    rows = full_listing(root, kurt_home)
    assert [r["name"] for r in rows] == ["one", "two"]
    assert warm_rows(root) == rows


def test_a_kurt_toml_edit_sends_the_warm_listing_down_the_full_path(
    make_project: Callable[..., Path], kurt_home: Path
) -> None:
    root = make_project("p")
    write_skill(root / "skills", "one")
    write_skill(root / "skills", "two")
    full_listing(root, kurt_home)
    assert warm_rows(root) is not None
    (root / "kurt.toml").write_text('[skills]\ndisabled = ["two"]\n', "utf-8")
    assert warm_rows(root) is None
    rows = full_listing(root, kurt_home)  # reads kurt.toml, rewrites the pointer
    assert warm_rows(root) == rows
    assert [(r["name"], r["status"], r["reason"]) for r in rows] == [
        ("one", "ok", "default"),
        ("two", "disabled", "disabled-list"),
    ]


def test_an_allow_list_is_applied_from_the_pointer(
    make_project: Callable[..., Path], kurt_home: Path
) -> None:
    root = make_project("p", '[skills]\nenabled = ["two"]\n')
    write_skill(root / "skills", "one")
    write_skill(root / "skills", "two")
    rows = full_listing(root, kurt_home)
    assert warm_rows(root) == rows
    assert [(r["name"], r["enabled"], r["reason"]) for r in rows] == [
        ("one", False, "not-in-allow-list"),
        ("two", True, "allow-list"),
    ]


def test_a_same_size_edit_of_kurt_toml_is_noticed(
    make_project: Callable[..., Path], kurt_home: Path
) -> None:
    root = make_project("p", '[skills]\ndisabled = ["aaa"]\n')
    write_skill(root / "skills", "aaa")
    full_listing(root, kurt_home)
    toml = root / "kurt.toml"
    before = toml.stat()
    toml.write_text('[skills]\ndisabled = ["bbb"]\n', "utf-8")
    os.utime(toml, ns=(before.st_atime_ns, before.st_mtime_ns))  # even the same mtime
    assert toml.stat().st_size == before.st_size
    assert warm_rows(root) is None  # ctime (and inode) still differ


def test_the_user_kurt_toml_counts_too(make_project: Callable[..., Path], kurt_home: Path) -> None:
    root = make_project("p")
    write_skill(root / "skills", "one")
    full_listing(root, kurt_home)
    (kurt_home / "kurt.toml").write_text('[skills]\ndisabled = ["one"]\n', "utf-8")
    assert warm_rows(root) is None
    rows = full_listing(root, kurt_home)
    assert rows[0]["status"] == "disabled"
    assert warm_rows(root) == rows


def test_a_changed_manifest_or_new_skill_is_noticed(
    make_project: Callable[..., Path], kurt_home: Path
) -> None:
    root = make_project("p")
    write_skill(root / "skills", "one", description="first")
    full_listing(root, kurt_home)
    write_skill(root / "skills", "one", description="changed, longer")
    assert warm_rows(root) is None
    full_listing(root, kurt_home)
    write_skill(root / "skills", "two")
    assert warm_rows(root) is None


def test_the_project_is_found_from_the_working_directory(
    make_project: Callable[..., Path], kurt_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project("p")
    write_skill(root / "skills", "one")
    rows = full_listing(root.resolve(), kurt_home)
    monkeypatch.chdir(root / "skills")
    text = warm_listing(None)
    assert text is not None
    assert json.loads(text) == rows


def test_a_missing_project_folder_is_left_to_the_full_path(tmp_path: Path, kurt_home: Path) -> None:
    assert warm_listing(str(tmp_path / "nowhere")) is None


def test_a_corrupt_pointer_is_ignored(make_project: Callable[..., Path], kurt_home: Path) -> None:
    root = make_project("p")
    write_skill(root / "skills", "one")
    rows = full_listing(root, kurt_home)
    pointers = list((kurt_home / "cache").glob("listing-*.txt"))
    assert len(pointers) == 1
    for garbage in ("", "kurt skill listing pointer 4\nx", "\x00" * 10):
        pointers[0].write_text(garbage, "utf-8")
        assert warm_rows(root) is None
        assert full_listing(root, kurt_home) == rows
        assert warm_rows(root) == rows


def test_cli_warm_listing_imports_no_pathlib_json_or_tomllib(
    make_project: Callable[..., Path], kurt_home: Path
) -> None:
    root = make_project("p", '[skills]\ndisabled = ["two"]\n')
    write_skill(root / "skills", "one")
    write_skill(root / "skills", "two")
    script = (
        "import sys\n"
        "from kurt.cli.app import run\n"
        "code = run(['--project', sys.argv[1], 'skill', 'list', '--json'])\n"
        "costly = sorted(m for m in ('pathlib', 'json', 'tomllib', 'kurt.config.skills',"
        " 'kurt.skills.manager') if m in sys.modules)\n"
        "print('COSTLY', costly, file=sys.stderr)\n"
    )
    outcomes = [
        subprocess.run(
            [sys.executable, "-c", script, str(root)],
            capture_output=True,
            text=True,
            check=True,
            env=os.environ.copy(),
        )
        for _ in range(2)
    ]
    assert "tomllib" in outcomes[0].stderr  # cold: kurt.toml is read
    # Warm: a disabled skill only costs the json module (its row is rendered again).
    assert outcomes[1].stderr.strip() == "COSTLY ['json', 'kurt.config.skills']"
    assert json.loads(outcomes[1].stdout) == json.loads(outcomes[0].stdout)
