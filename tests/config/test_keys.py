"""Unknown sections and keys of kurt.toml, found without pydantic, in the
same words as :class:`kurt.config.model.KurtConfig` (which finds them with it)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from kurt.config.keys import SECTIONS, check_keys
from kurt.config.locations import Locations
from kurt.config.model import (
    DatabaseSection,
    FetchSection,
    KurtConfig,
    LlmSection,
    MapSection,
    McpSection,
    load_config,
)
from kurt.config.skills import check_document, read_skills_config
from kurt.errors import ConfigError


def test_the_key_lists_mirror_the_pydantic_sections_in_order() -> None:
    assert list(SECTIONS) == list(KurtConfig.model_fields)
    assert SECTIONS["fetch"] == tuple(FetchSection.model_fields)
    assert SECTIONS["map"] == tuple(MapSection.model_fields)
    assert SECTIONS["database"] == tuple(DatabaseSection.model_fields)
    assert SECTIONS["mcp"] == tuple(McpSection.model_fields)
    assert SECTIONS["llm"] == tuple(LlmSection.model_fields)


TYPOS = [
    ("[skils]\nx = 1\n", ":1: unknown key 'skils'; did you mean 'skills'?"),
    ("# c\n[fetch]\n\ntimout = 5\n", ":4: unknown key 'fetch.timout'; did you mean 'timeout'?"),
    ("# c\nmapp = 1\n[map]\nmax_depth = 1\n", ":2: unknown key 'mapp'; did you mean 'map'?"),
    ("[map]\nmax_depth = 1\n\nmapp = 1\n", ":4: unknown key 'map.mapp'\n"),
    ("[database]\nuri = 'x'\n", ":2: unknown key 'database.uri'; did you mean 'url'?"),
    ("zzz = 1\n", ":1: unknown key 'zzz'\n"),
]


@pytest.mark.parametrize(("text", "where"), TYPOS)
def test_unknown_names_are_the_same_error_with_or_without_pydantic(
    tmp_path: Path, text: str, where: str
) -> None:
    root, home = tmp_path / "project", tmp_path / "home"
    root.mkdir()
    home.mkdir()
    file = root / "kurt.toml"
    file.write_text(text, encoding="utf-8")
    locations = Locations(root, home)
    with pytest.raises(ConfigError) as fast:
        read_skills_config(locations)
    with pytest.raises(ConfigError) as full:
        load_config(locations)
    assert str(fast.value) == str(full.value)
    assert str(fast.value).startswith(f"{file}{where}")
    assert "  hint: " in str(fast.value)


def test_the_user_file_is_checked_too(tmp_path: Path) -> None:
    root, home = tmp_path / "project", tmp_path / "home"
    root.mkdir()
    home.mkdir()
    (home / "kurt.toml").write_text("[fetch]\nengien = 'httpx'\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        read_skills_config(Locations(root, home))
    assert str(caught.value) == (
        f"{home / 'kurt.toml'}:2: unknown key 'fetch.engien'; did you mean 'engine'?\n"
        "  hint: keys of [fetch]: engine, timeout, retries, backoff, max_bytes, concurrency, "
        "user_agent, lease, routes"
    )


def test_known_names_pass(tmp_path: Path) -> None:
    document = {
        "fetch": {"engine": "httpx", "timeout": 3},
        "map": {"include": []},
        "database": {"url": "sqlite://"},
        "skills": {"paths": [], "web-archiver": {"anything": 1}},
    }
    check_keys(document, tmp_path / "kurt.toml")
    check_document(document, tmp_path / "kurt.toml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[skills]\n\ndisable = ["a"]\n',
            ":3: unknown key 'disable' in [skills]; did you mean 'disabled'?\n"
            "  hint: keys of [skills]: paths, enabled, disabled "
            "(and one [skills.<name>] table per skill)",
        ),
        (
            '[skills]\npath = ["../shared"]\n',
            ":2: unknown key 'path' in [skills]; did you mean 'paths'?\n",
        ),
        (
            "[skills]\nweb = 3\n",
            ":2: 'skills.web' must be a table of that skill's settings, got int\n"
            "  hint: write its settings under a [skills.web] section",
        ),
        (
            '[skills]\npaths = "../shared"\n',
            ":2: 'skills.paths' must be a list of strings\n"
            '  hint: for example: paths = ["../shared-skills"]',
        ),
    ],
)
def test_keys_under_skills(tmp_path: Path, text: str, message: str) -> None:
    file = tmp_path / "kurt.toml"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        check_document(tomllib.loads(text), file)
    assert str(caught.value).startswith(f"{file}{message}")
