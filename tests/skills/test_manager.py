"""The manager: the registries load exactly the one skill they need, once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from skill_helpers import imported, write_skill

from kurt.config.locations import Locations
from kurt.errors import SkillError, UnknownNameError, UntrustedProjectError
from kurt.registry import FETCHERS, MAPPERS, TOOLS
from kurt.skills.manager import SkillManager
from kurt.skills.record import SkillRecord


def wired(root: Path | None, home: Path, **options: object) -> SkillManager:
    manager = SkillManager(Locations(root, home), **options)  # type: ignore[arg-type]
    for registry in (TOOLS, FETCHERS, MAPPERS):
        registry.set_resolver(manager)
    return manager


def markers_of(project: Path) -> Path:
    return project / "skills" / ".markers"


def test_get_imports_exactly_the_one_skill_once(project: Path, kurt_home: Path) -> None:
    for name in ("a", "b", "c"):
        write_skill(project / "skills", name)
    write_skill(project / "skills", "engines", provides=[("fetcher", "f1"), ("mapper", "m1")])
    wired(project, kurt_home)
    assert sorted(TOOLS.names()) == ["a", "b", "c", "fetch", "map"]
    assert "f1" in FETCHERS
    assert imported(markers_of(project)) == set()  # names come from manifests
    assert TOOLS.get("b").__name__ == "BImpl"
    assert imported(markers_of(project)) == {"b"}
    TOOLS.get("b")
    assert (markers_of(project) / "b").read_text() == "imported\n"  # once
    assert MAPPERS.get("m1").__name__ == "M1Impl"
    assert imported(markers_of(project)) == {"b", "engines"}


def test_unknown_name_is_a_usage_error_with_did_you_mean(project: Path, kurt_home: Path) -> None:
    write_skill(project / "skills", "archive")
    wired(project, kurt_home)
    with pytest.raises(UnknownNameError) as caught:
        TOOLS.get("archiv")
    assert str(caught.value) == "Unknown tool 'archiv'. Did you mean 'archive'?"
    assert imported(markers_of(project)) == set()


def test_required_skills_load_first(project: Path, kurt_home: Path) -> None:
    markers = markers_of(project)
    write_skill(project / "skills", "base", provides=[("tool", "base-tool")])
    write_skill(
        project / "skills",
        "top",
        manifest_extra="requires_skills: [base]",
        code=f"""
        assert (Path({str(markers)!r}) / "base").exists(), "base was not loaded first"

        @register_tool
        class TopImpl(Tool):
            name = "top"
            description = "x"
            InputModel = OutputModel = BaseModel
        """,
    )
    wired(project, kurt_home)
    TOOLS.get("top")
    assert imported(markers) == {"base", "top"}


def test_requirement_cycle_is_an_error(project: Path, kurt_home: Path) -> None:
    write_skill(project / "skills", "p", manifest_extra="requires_skills: [q]")
    write_skill(project / "skills", "q", manifest_extra="requires_skills: [p]")
    wired(project, kurt_home)
    with pytest.raises(SkillError, match="cycle: p -> q -> p"):
        TOOLS.get("p")
    assert imported(markers_of(project)) == set()


def test_disabled_skill_says_how_to_enable_it(
    make_project: Callable[..., Path], kurt_home: Path
) -> None:
    root = make_project("p", '[skills]\ndisabled = ["off"]\n')
    write_skill(root / "skills", "off")
    wired(root, kurt_home)
    with pytest.raises(SkillError) as caught:
        TOOLS.get("off")
    assert caught.value.exit_code == 1
    assert str(caught.value) == (
        f"{root / 'kurt.toml'}: skill 'off' is disabled in kurt.toml (listed in "
        "[skills].disabled)\n  hint: enable it with: kurt config skills enable off"
    )
    assert imported(markers_of(root)) == set()


def test_lower_priority_provider_is_used_when_the_higher_is_disabled(
    make_project: Callable[..., Path], kurt_home: Path
) -> None:
    root = make_project("p", '[skills]\ndisabled = ["high"]\n')
    write_skill(root / "skills", "high", provides=[("tool", "shared")])
    write_skill(kurt_home / "skills", "low", provides=[("tool", "shared")])
    wired(root, kurt_home)
    assert TOOLS.entry("shared").skill == "low"


def test_untrusted_project_refuses_and_user_skills_still_run(
    make_project: Callable[..., Path], kurt_home: Path
) -> None:
    root = make_project("untrusted", trusted=False)
    write_skill(root / "skills", "local")
    write_skill(kurt_home / "skills", "mine")
    wired(root, kurt_home)
    with pytest.raises(UntrustedProjectError) as caught:
        TOOLS.get("local")
    assert f"comes with the project at {root}, which you have not trusted" in str(caught.value)
    assert f"hint: review the project's skills, then trust it with: kurt trust {root}" in str(
        caught.value
    )
    assert imported(markers_of(root)) == set()
    assert TOOLS.entry("mine").skill == "mine"


def test_path_skills_of_the_user_config_are_trusted(
    make_project: Callable[..., Path], kurt_home: Path, tmp_path: Path
) -> None:
    root = make_project("untrusted", '[skills]\npaths = ["../project-shared"]\n', trusted=False)
    (kurt_home / "kurt.toml").write_text('[skills]\npaths = ["../user-shared"]\n', "utf-8")
    write_skill(tmp_path / "project-shared", "from-project")
    write_skill(tmp_path / "user-shared", "from-user")
    wired(root, kurt_home)
    assert TOOLS.entry("from-user").skill == "from-user"
    # An untrusted project's [skills].paths are not even searched (SPEC 9).
    with pytest.raises(UnknownNameError):
        TOOLS.get("from-project")


def test_invalid_skill_is_reported_and_others_keep_working(project: Path, kurt_home: Path) -> None:
    write_skill(project / "skills", "good")
    write_skill(project / "skills", "bad", folder="wrong-folder")  # name != folder
    wired(project, kurt_home)
    with pytest.raises(SkillError, match="skill 'bad' is invalid: name 'bad' does not match"):
        TOOLS.get("bad")
    assert TOOLS.entry("good").skill == "good"


def test_failed_load_is_reported_once_and_skipped(project: Path, kurt_home: Path) -> None:
    write_skill(project / "skills", "boom", code="raise RuntimeError('no')\n")
    write_skill(project / "skills", "fine")
    wired(project, kurt_home)
    for _ in range(2):
        with pytest.raises(SkillError, match="RuntimeError: no"):
            TOOLS.get("boom")
    assert (markers_of(project) / "boom").read_text() == "imported\n"  # not retried
    assert TOOLS.entry("fine").skill == "fine"


def test_before_load_runs_before_any_code_and_can_refuse(project: Path, kurt_home: Path) -> None:
    write_skill(project / "skills", "checked")
    write_skill(project / "skills", "refused")
    seen: list[tuple[str, set[str]]] = []

    def before_load(record: SkillRecord) -> None:
        seen.append((record.name, imported(markers_of(project))))
        if record.name == "refused":
            raise SkillError("settings are wrong")

    wired(project, kurt_home, before_load=before_load)
    TOOLS.get("checked")
    with pytest.raises(SkillError, match="settings are wrong"):
        TOOLS.get("refused")
    assert seen == [("checked", set()), ("refused", {"checked"})]
    assert imported(markers_of(project)) == {"checked"}


def test_stale_manifest_on_the_quick_path_is_noticed(project: Path, kurt_home: Path) -> None:
    folder = write_skill(project / "skills", "moving", provides=[("tool", "old-name")])
    SkillManager(Locations(project, kurt_home)).catalog()  # warm the cache
    write_skill(project / "skills", "moving", provides=[("tool", "new-name")])
    assert folder.exists()
    wired(project, kurt_home)
    with pytest.raises(UnknownNameError):
        TOOLS.get("old-name")
    assert TOOLS.entry("new-name").skill == "moving"


def test_record_of_unknown_skill_suggests_a_name(project: Path, kurt_home: Path) -> None:
    write_skill(project / "skills", "web-archiver")
    manager = SkillManager(Locations(project, kurt_home))
    with pytest.raises(UnknownNameError, match="Did you mean 'web-archiver'"):
        manager.record("web-archive")
