"""Discovery: every source in its order, shadowing, collisions, refusals."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from skill_helpers import imported, write_dist, write_skill

from kurt.config.locations import Locations
from kurt.skills.catalog.precedence import fold
from kurt.skills.catalog.search import search_roots
from kurt.skills.manager import SkillManager
from kurt.skills.record import SkillRecord


def listing(
    root: Path | None, home: Path, builtin: Path | None = None
) -> dict[str, list[SkillRecord]]:
    """Records by name (several when shadowed), in search order."""
    manager = SkillManager(Locations(root, home), builtin_dir=builtin)
    found: dict[str, list[SkillRecord]] = {}
    for record in manager.records:
        found.setdefault(record.name, []).append(record)
    return found


@pytest.fixture
def six_sources(
    tmp_path: Path,
    kurt_home: Path,
    make_project: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[Path, Path]:
    """A project and a user with every source; skill ``from-K`` exists in the
    K-th source and every later one, so it should win from source K."""
    root = make_project("proj", '[skills]\npaths = ["../project-path"]\n')
    (kurt_home / "kurt.toml").write_text('[skills]\npaths = ["../user-path"]\n', "utf-8")
    site = tmp_path / "site"
    builtin = tmp_path / "builtin"
    folders = [
        tmp_path / "project-path",
        root / "skills",
        kurt_home / "skills",
        tmp_path / "user-path",
        None,  # package
        builtin,
    ]
    entry_points = {}
    for first in range(6):
        name = f"from-{first}"
        for position in range(first, 6):
            folder = folders[position]
            if folder is None:
                package = site / "fake_pkg" / name.replace("-", "_")
                write_skill(package.parent, name, folder=package.name)
                (site / "fake_pkg" / "__init__.py").write_text("", "utf-8")
                entry_points[name] = f"fake_pkg.{package.name}"
            else:
                write_skill(folder, name)
    write_dist(site, "fake-skills", entry_points)
    monkeypatch.syspath_prepend(str(site))
    return root, builtin


def test_every_source_in_order(six_sources: tuple[Path, Path], kurt_home: Path) -> None:
    root, builtin = six_sources
    found = listing(root, kurt_home, builtin)
    expected = ["path", "project", "user", "path", "package", "builtin"]
    for first in range(6):
        records = found[f"from-{first}"]
        assert [r.source for r in records] == expected[first:]
        winner, *losers = records
        assert winner.status == "ok", winner.problems
        for loser in losers:
            assert loser.status == "shadowed"
            assert loser.shadowed_by == winner.path
            assert any("shadowed by" in str(p) for p in loser.problems)


def test_packages_are_found_without_importing_them(
    six_sources: tuple[Path, Path], kurt_home: Path
) -> None:
    root, builtin = six_sources
    listing(root, kurt_home, builtin)
    assert "fake_pkg" not in sys.modules
    assert imported(kurt_home / "skills" / ".markers") == set()


def test_package_skill_is_named_by_its_entry_point(
    tmp_path: Path, kurt_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    write_skill(site / "pkg_mod", "other-name", folder="inner")
    (site / "pkg_mod" / "__init__.py").write_text("raise RuntimeError('imported!')\n", "utf-8")
    (site / "pkg_mod" / "inner" / "__init__.py").write_text("", "utf-8")
    write_dist(site, "named", {"ep-name": "pkg_mod.inner", "gone": "no_such_module"})
    monkeypatch.syspath_prepend(str(site))
    found = listing(None, kurt_home)
    record = found["other-name"][0]
    assert record.source == "package"
    assert record.status == "invalid"
    assert any("entry-point name 'ep-name'" in p.message for p in record.problems)
    missing = found["gone"][0]
    assert missing.status == "invalid"
    assert "names module 'no_such_module', which cannot be found" in str(missing.problems[0])


def test_project_skills_listed_in_paths_stay_project(
    make_project: Callable[..., Path], kurt_home: Path
) -> None:
    root = make_project("p", '[skills]\npaths = ["skills"]\n')
    write_skill(root / "skills", "mine")
    assert [r.source for r in listing(root, kurt_home)["mine"]] == ["project"]
    roots = search_roots(
        Locations(root, kurt_home), SkillManager(Locations(root, kurt_home)).config
    )
    assert [r.source for r in roots].count("project") == 1


def test_hidden_underscore_and_manifestless_folders_are_skipped(
    project: Path, kurt_home: Path
) -> None:
    skills = project / "skills"
    write_skill(skills, "shown")
    write_skill(skills, "hidden", folder=".hidden")
    write_skill(skills, "under", folder="_under")
    (skills / "no-manifest").mkdir()
    (skills / "a-file.md").write_text("not a folder", "utf-8")
    assert set(listing(project, kurt_home)) == {"shown"}


def test_lowercase_skill_md_is_read(project: Path, kurt_home: Path) -> None:
    folder = write_skill(project / "skills", "lower")
    (folder / "SKILL.md").rename(folder / "skill.md")
    assert listing(project, kurt_home)["lower"][0].status == "ok"


def test_symlink_leading_outside_is_refused(project: Path, kurt_home: Path, tmp_path: Path) -> None:
    outside = write_skill(tmp_path / "elsewhere", "outside")
    os.symlink(outside, project / "skills" / "outside")
    inner = write_skill(project / "skills", "inner-target", folder="_store")
    os.symlink(inner, project / "skills" / "inner-target")
    linked = write_skill(tmp_path / "elsewhere2", "linked-md")
    own = project / "skills" / "linked-md"
    own.mkdir()
    os.symlink(linked / "SKILL.md", own / "SKILL.md")
    found = listing(project, kurt_home)
    refused = found["outside"][0]
    assert refused.status == "invalid"
    assert "symlink leading outside its search path" in str(refused.problems[0])
    assert "SKILL.md is a symlink leading outside" in str(found["linked-md"][0].problems[0])
    assert found["inner-target"][0].status == "ok"  # a link inside the search path is fine


def test_invalid_skill_stays_listed_with_file_and_line(project: Path, kurt_home: Path) -> None:
    write_skill(project / "skills", "good")
    bad = project / "skills" / "bad"
    bad.mkdir()
    (bad / "SKILL.md").write_text("---\nname: bad\ndescription: [unclosed\n---\n", "utf-8")
    found = listing(project, kurt_home)
    assert found["good"][0].status == "ok"
    record = found["bad"][0]
    assert record.status == "invalid"
    problem = record.problems[0]
    assert problem.file == str(bad / "SKILL.md")
    assert problem.line is not None
    assert str(problem).startswith(f"{bad / 'SKILL.md'}:{problem.line}: invalid YAML")


def test_names_differing_by_case_or_unicode_form_collide(project: Path, kurt_home: Path) -> None:
    assert fold("Café") == fold("cafe\u0301".upper()) == fold("café")
    write_skill(project / "skills", "web")
    write_skill(kurt_home / "skills", "Web")
    found = listing(project, kurt_home)
    assert found["Web"][0].status == "shadowed"
    assert found["Web"][0].shadowed_by == project / "skills" / "web"


def test_tool_collision_across_sources_warns_and_higher_wins(
    project: Path, kurt_home: Path
) -> None:
    write_skill(project / "skills", "alpha", provides=[("tool", "shared")])
    write_skill(kurt_home / "skills", "beta", provides=[("tool", "shared")])
    manager = SkillManager(Locations(project, kurt_home))
    by_name = {r.name: r for r in manager.records}
    assert by_name["alpha"].problems == ()
    assert by_name["beta"].status == "ok"
    assert [p.severity for p in by_name["beta"].problems] == ["warning"]
    assert "also provided by the higher-priority project skill 'alpha'" in str(
        by_name["beta"].problems[0]
    )
    assert manager.provider("tool", "shared") == by_name["alpha"]


def test_tool_collision_within_one_source_is_an_error_for_both(
    project: Path, kurt_home: Path
) -> None:
    write_skill(project / "skills", "one", provides=[("tool", "same")])
    write_skill(project / "skills", "two", provides=[("tool", "same")])
    found = listing(project, kurt_home)
    for name, other in (("one", "two"), ("two", "one")):
        record = found[name][0]
        assert record.status == "invalid"
        assert f"also provided by the project skill '{other}'" in str(record.errors[0])


def test_enabled_and_disabled_from_kurt_toml(
    make_project: Callable[..., Path], kurt_home: Path
) -> None:
    root = make_project("p", '[skills]\nenabled = ["a", "b"]\ndisabled = ["b"]\n')
    for name in ("a", "b", "c"):
        write_skill(root / "skills", name)
    found = {name: records[0] for name, records in listing(root, kurt_home).items()}
    assert (found["a"].status, found["a"].enabled, found["a"].reason) == ("ok", True, "allow-list")
    assert (found["b"].status, found["b"].reason) == ("disabled", "disabled-list")
    assert (found["c"].status, found["c"].reason) == ("disabled", "not-in-allow-list")


def test_list_json_row_has_the_spec_keys(project: Path, kurt_home: Path) -> None:
    write_skill(project / "skills", "row", provides=[("tool", "t1"), ("mapper", "m1")])
    row = listing(project, kurt_home)["row"][0].to_json()
    assert {
        "name",
        "version",
        "description",
        "source",
        "path",
        "enabled",
        "status",
        "problems",
        "provides",
    } <= set(row)
    assert row["provides"] == [{"type": "tool", "name": "t1"}, {"type": "mapper", "name": "m1"}]
    assert row["problems"] == []


@pytest.mark.parametrize("entry", ["", "cwd"])
def test_the_current_folder_is_not_a_place_packages_are_installed(
    entry: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ``*.dist-info`` in the working directory (a cloned project) is not an
    installed package, even when ``sys.path`` holds that folder as a script or
    ``python -c`` puts it there."""
    from kurt.skills.catalog.search import scan_packages

    here = tmp_path / "clone"
    write_skill(here, "planted", folder="planted_pkg")
    write_dist(here, "planted-dist", {"planted": "planted_pkg"})
    monkeypatch.chdir(here)
    monkeypatch.syspath_prepend(str(here) if entry == "cwd" else "")
    assert [p.name for p in scan_packages() if p.name == "planted"] == []
