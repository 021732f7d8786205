"""Kurt's two precedence engines follow one order.

Kurt's own sections (``[fetch]``, ``[map]``, ``[database]``) are resolved by
pydantic-settings (kurt/config/model.py); a skill's settings by Kurt's per-key
resolver (kurt/config/settings.py), which also reports where each value came
from and never echoes a secret. docs/architecture.md names this as a decision;
this test holds the two to the order users are told (docs/configuration.md):
the environment, then the project's kurt.toml, then the user's, then the
default, key by key.
"""

from __future__ import annotations

import os
from itertools import combinations
from pathlib import Path

import pytest

from kurt.config.locations import Locations
from kurt.config.model import FetchSection, load_config
from kurt.config.settings import ResolvedSettings, resolve_settings
from kurt.config.skills import read_skills_config
from kurt.config.trust import set_trusted

ORDER = ("env", "project", "user", "default")
#: The value each source gives the key ``timeout``; the default is the same in both engines.
VALUE = {"env": 1.0, "project": 2.0, "user": 3.0, "default": 30.0}
SCHEMA = {"timeout": {"type": "float", "default": 30.0}, "retries": {"type": "int", "default": 2}}
SITUATIONS = [set(chosen) for size in range(4) for chosen in combinations(ORDER[:3], size)]


def both_engines(tmp_path: Path, project: str, user: str) -> tuple[FetchSection, ResolvedSettings]:
    """Kurt's own ``[fetch]`` and skill ``archiver``'s settings, from the same files
    and environment."""
    root, home = tmp_path / "project", tmp_path / "home"
    root.mkdir()
    home.mkdir()
    (root / "kurt.toml").write_text(project, encoding="utf-8")
    (home / "kurt.toml").write_text(user, encoding="utf-8")
    locations = Locations(root, home)
    set_trusted(locations.trust_file, root)  # its file applies in full
    own = load_config(locations).fetch
    skill = resolve_settings("archiver", SCHEMA, read_skills_config(locations), dict(os.environ))
    return own, skill


def tables(**keys: float) -> str:
    """The same keys under ``[fetch]`` and ``[skills.archiver]``."""
    body = "".join(f"{key} = {value!r}\n" for key, value in keys.items())
    return f"[fetch]\n{body}[skills.archiver]\n{body}" if keys else ""


@pytest.mark.parametrize("given", SITUATIONS, ids=lambda given: "+".join(sorted(given)) or "none")
def test_both_engines_take_the_first_source_in_the_one_order(
    given: set[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if "env" in given:
        monkeypatch.setenv("KURT_FETCH__TIMEOUT", "1")
        monkeypatch.setenv("KURT_SKILLS__ARCHIVER__TIMEOUT", "1")
    project = tables(timeout=VALUE["project"]) if "project" in given else ""
    user = tables(timeout=VALUE["user"]) if "user" in given else ""

    own, skill = both_engines(tmp_path, project, user)

    winner = next(source for source in ORDER if source in given or source == "default")
    assert own.timeout == skill.model.timeout == VALUE[winner]
    assert skill.sources()["timeout"] == winner


def test_both_engines_decide_key_by_key_not_table_by_table(tmp_path: Path) -> None:
    """A project table that sets one key leaves the user's other keys in force."""
    own, skill = both_engines(
        tmp_path, project=tables(timeout=2.0), user=tables(timeout=3.0, retries=7)
    )
    assert (own.timeout, own.retries) == (2.0, 7)
    assert (skill.model.timeout, skill.model.retries) == (2.0, 7)
    assert skill.sources() == {"timeout": "project", "retries": "user"}
