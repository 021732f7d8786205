"""Restricted configuration: what an untrusted project's kurt.toml applies
(SPEC section 9), decided once where the file becomes configuration."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kurt.config.locations import Locations
from kurt.config.model import load_config
from kurt.config.restricted import project_toml, restrict
from kurt.config.skills import read_skills_config
from kurt.errors import ConfigError

FILE = """\
[skills]
enabled = ["a", "b"]
disabled = ["b"]
paths = ["../shared"]

[skills.a]
timeout = 5

[fetch]
timeout = 3

[fetch.routes]
"*.example.com/*" = "httpx"

[database]
url = "sqlite:////elsewhere.db"
"""


@pytest.fixture
def clone(make_project: Callable[..., Path], kurt_home: Path) -> Callable[[str], Locations]:
    def make(text: str = FILE) -> Locations:
        return Locations(make_project("clone", text, trusted=False), kurt_home)

    return make


def test_only_the_restricting_keys_are_kept_and_every_other_is_named() -> None:
    applied, held = restrict(
        {
            "skills": {"enabled": ["a"], "disabled": [], "paths": ["x"], "a": {"k": 1}},
            "fetch": {"timeout": 3, "routes": {"*": "httpx"}},
            "llm": {"model": "x:y"},  # a section Kurt may learn later: held without being named
            "top": 1,
        }
    )
    assert applied == {"skills": {"enabled": ["a"], "disabled": []}}
    assert [key.label for key in held] == [
        "[skills].paths",
        "[skills.a]",
        "[fetch]",
        "[llm]",
        "[top]",
    ]


def test_an_untrusted_projects_sections_are_not_applied(clone: Callable[..., Locations]) -> None:
    config = load_config(clone())
    assert config.fetch.timeout == 30.0
    assert config.database.url is None


def test_an_untrusted_projects_skills_lists_apply_and_nothing_else(
    clone: Callable[..., Locations],
) -> None:
    skills = read_skills_config(clone())
    assert skills.state("a") == (True, "allow-list")
    assert skills.state("b") == (False, "disabled-list")
    assert skills.state("c") == (False, "not-in-allow-list")
    assert skills.project_paths == ()
    assert skills.settings_tables("a") == ()
    assert skills.held_tables["a"].values == {"timeout": 5}
    assert skills.is_set("a", "timeout", clone().project_file)  # edits still see it


def test_a_trusted_project_applies_its_whole_file(
    make_project: Callable[..., Path], kurt_home: Path
) -> None:
    locations = Locations(make_project("mine", FILE), kurt_home)
    config = load_config(locations)
    assert (config.fetch.timeout, config.database.url) == (3.0, "sqlite:////elsewhere.db")
    skills = read_skills_config(locations)
    assert [table.values for table in skills.settings_tables("a")] == [{"timeout": 5}]
    assert skills.held == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[fetch]\ntimout = 3\n", "unknown key 'fetch.timout'; did you mean 'timeout'?"),
        ("[fetch]\ntimeout = -1\n", "invalid value for 'fetch.timeout'"),
    ],
)
def test_what_is_held_back_is_still_checked(
    clone: Callable[..., Locations], text: str, message: str
) -> None:
    locations = clone(text)
    with pytest.raises(ConfigError, match=message) as caught:
        load_config(locations)
    assert caught.value.file == str(locations.project_file)


def test_the_notice_is_given_once_per_command(
    clone: Callable[..., Locations], capsys: pytest.CaptureFixture[str]
) -> None:
    locations = clone()
    load_config(locations)
    read_skills_config(locations)
    load_config(locations)
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err == (
        f"note: {locations.project_file}: not applied, as this project is not trusted: "
        "[skills].paths, [skills.a], [fetch], [database] "
        "(only [skills].disabled and [skills].enabled apply); "
        f"review it, then run: kurt trust {locations.project_root}\n"
    )


def test_the_trust_record_is_not_read_when_nothing_would_be_held(
    clone: Callable[..., Locations], capsys: pytest.CaptureFixture[str]
) -> None:
    locations = clone('[skills]\ndisabled = ["x"]\n')
    locations.trust_file.write_text("not json", "utf-8")  # read, it would be reported
    found = project_toml(locations)
    assert found is not None
    assert found.held == ()
    assert capsys.readouterr().err == ""
