"""The merged [skills] section: enabled/disabled semantics, shapes, line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from kurt.config.locations import Locations
from kurt.config.skills import SkillsConfig, locate_key, read_skills_config
from kurt.config.trust import set_trusted
from kurt.errors import ConfigError


def config(tmp_path: Path, project: str = "", user: str = "") -> SkillsConfig:
    root, home = tmp_path / "project", tmp_path / "home"
    root.mkdir(exist_ok=True)
    home.mkdir(exist_ok=True)
    (root / "kurt.toml").write_text(project, encoding="utf-8")
    (home / "kurt.toml").write_text(user, encoding="utf-8")
    set_trusted(Locations(root, home).trust_file, root)  # its file applies in full
    return read_skills_config(Locations(root, home))


def test_without_lists_every_skill_is_enabled_by_default(tmp_path: Path) -> None:
    assert config(tmp_path).state("any") == (True, "default")


def test_allow_list_enables_only_its_names(tmp_path: Path) -> None:
    merged = config(tmp_path, project='[skills]\nenabled = ["a"]\n')
    assert merged.state("a") == (True, "allow-list")
    assert merged.state("b") == (False, "not-in-allow-list")


def test_empty_allow_list_enables_nothing(tmp_path: Path) -> None:
    assert config(tmp_path, project="[skills]\nenabled = []\n").state("a") == (
        False,
        "not-in-allow-list",
    )


def test_disabled_wins_over_enabled(tmp_path: Path) -> None:
    merged = config(tmp_path, project='[skills]\nenabled = ["a"]\ndisabled = ["a"]\n')
    assert merged.state("a") == (False, "disabled-list")


def test_disabled_is_the_union_of_both_files(tmp_path: Path) -> None:
    merged = config(
        tmp_path, project='[skills]\ndisabled = ["a"]\n', user='[skills]\ndisabled = ["b"]\n'
    )
    assert merged.disabled == {"a", "b"}


def test_project_allow_list_replaces_the_users(tmp_path: Path) -> None:
    merged = config(
        tmp_path, project='[skills]\nenabled = ["a"]\n', user='[skills]\nenabled = ["b"]\n'
    )
    assert merged.state("b") == (False, "not-in-allow-list")
    assert config(tmp_path, user='[skills]\nenabled = ["b"]\n').state("b") == (
        True,
        "allow-list",
    )


def test_paths_are_relative_to_the_file_naming_them(tmp_path: Path) -> None:
    merged = config(
        tmp_path, project='[skills]\npaths = ["../shared"]\n', user='[skills]\npaths = ["mine"]\n'
    )
    assert [p.path for p in merged.project_paths] == [(tmp_path / "shared").resolve()]
    assert [p.path for p in merged.user_paths] == [(tmp_path / "home" / "mine").resolve()]


def test_settings_tables_project_first(tmp_path: Path) -> None:
    merged = config(tmp_path, project="[skills.x]\na = 1\n", user="[skills.x]\na = 2\n")
    assert [(t.scope, t.values) for t in merged.settings_tables("x")] == [
        ("project", {"a": 1}),
        ("user", {"a": 2}),
    ]


def test_a_document_can_stand_in_for_a_file(tmp_path: Path) -> None:
    config(tmp_path, project='[skills]\ndisabled = ["a"]\n')
    merged = read_skills_config(
        Locations(tmp_path / "project", tmp_path / "home"),
        project_document={"skills": {"disabled": ["z"]}},
    )
    assert merged.disabled == {"z"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[skills]\n\ndisabled = "a"\n', ":3: 'skills.disabled' must be a list of strings"),
        ("[skills]\nweb = 3\n", ":2: 'skills.web' must be a table of that skill's settings"),
        ('skills = "x"\n', ": 'skills' must be a table"),
    ],
)
def test_wrong_shapes_are_located_errors(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config(tmp_path, project=text)
    assert message in str(caught.value)
    assert str(caught.value).startswith(str(tmp_path / "project" / "kurt.toml"))


def test_locate_key_finds_headers_dotted_keys_and_inline_tables(tmp_path: Path) -> None:
    path = tmp_path / "kurt.toml"
    path.write_text(
        "# c\n[skills]\nalpha = {timeout = 3}\nbeta.depth = 2\n\n"
        '[skills."web-archiver"]\n# note\ntimeout = 4\n',
        encoding="utf-8",
    )
    assert locate_key(path, "alpha", "timeout") == 3
    assert locate_key(path, "beta", "depth") == 4
    assert locate_key(path, "web-archiver") == 6
    assert locate_key(path, "web-archiver", "timeout") == 8
    assert locate_key(path, "web-archiver", "missing") is None


def test_decided_by_names_the_file_that_disables(tmp_path: Path) -> None:
    project, user = tmp_path / "project" / "kurt.toml", tmp_path / "home" / "kurt.toml"
    merged = config(
        tmp_path,
        project='[skills]\ndisabled = ["both", "mine"]\n',
        user='[skills]\ndisabled = ["both", "theirs"]\nenabled = ["on"]\n',
    )
    assert merged.decided_by("mine") == project
    assert merged.decided_by("both") == project  # enabling it there comes first
    assert merged.decided_by("theirs") == user
    assert merged.decided_by("off") == user  # the user's allow-list leaves it out
    assert merged.decided_by("on") is None
    assert config(tmp_path, project="[skills]\nenabled = []\n").decided_by("x") == project
