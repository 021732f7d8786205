"""The environment rules: what this machine must have to run a skill."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from skill_helpers import write_skill

from kurt.config.llm import ConfiguredModels
from kurt.config.locations import Locations
from kurt.errors import SkillError
from kurt.skills import environment
from kurt.skills.catalog.warm import warm_listing
from kurt.skills.manager import SkillManager
from kurt.skills.record import LINES, SkillProblem, SkillRecord

F = "s/SKILL.md"


@pytest.fixture
def nowhere(kurt_home: Path) -> ConfiguredModels:
    """The models of no project (and a user without kurt.toml): none."""
    return ConfiguredModels(Locations(None, kurt_home))


def messages(problems: list[SkillProblem]) -> list[str]:
    return [p.message for p in problems]


def test_requires_python() -> None:
    assert environment.check_requires_python(None, F, 2) == []
    assert environment.check_requires_python(">=3.8", F, 2) == []
    running = ".".join(map(str, sys.version_info[:3]))
    assert messages(environment.check_requires_python("<3", F, 2)) == [
        f"requires Python <3, but this is Python {running}"
    ]
    # The interpreter's release counts, as for pip's Requires-Python: 3.14.0rc1 is "3.14.0".
    assert environment.check_requires_python(">=3.14", F, 2, python="3.14.0") == []
    assert len(environment.check_requires_python("<3.12", F, 2, python="3.12.1")) == 1
    assert messages(environment.check_requires_python("nonsense", F, 2)) == [
        "requires_python 'nonsense' is not a PEP 440 specifier"
    ]


def test_requires_installed_distributions() -> None:
    from importlib.metadata import version

    installed = version("packaging")
    good = ["packaging", "PACKAGING>=1", "pydantic_core", 'nothing-here>=1; python_version < "3"']
    assert environment.check_requires(good, F, 3) == []
    problems = environment.check_requires(
        ["surely-not-installed-kurt-dist", "packaging<1", "not a requirement!"], F, 3
    )
    assert messages(problems) == [
        "requires 'surely-not-installed-kurt-dist', but surely-not-installed-kurt-dist "
        "is not installed",
        f"requires 'packaging<1', but packaging {installed} is installed",
        "'not a requirement!' is not a PEP 508 requirement",
    ]
    assert {(p.file, p.line, p.severity) for p in problems} == {(F, 3, "error")}


def test_requires_never_imports_the_distribution() -> None:
    # A fresh interpreter: in this one, pytest may have imported anything already.
    script = (
        "import sys; from kurt.skills.environment import check_requires;"
        "assert check_requires(['trafilatura'], None, None) == [];"
        "print('trafilatura' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"


def test_requires_env() -> None:
    env = {"SET": "1", "EMPTY": ""}
    assert environment.check_requires_env(["SET"], F, 4, environ=env) == []
    assert messages(
        environment.check_requires_env(["EMPTY", "MISSING", "1BAD"], F, 4, environ=env)
    ) == [
        "environment variable EMPTY is not set",
        "environment variable MISSING is not set",
        "requires_env '1BAD' is not a valid environment variable name",
    ]


def test_requires_env_reads_the_real_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KURT_TEST_TOKEN", "x")
    assert environment.check_requires_env(["KURT_TEST_TOKEN"], F, 4) == []
    monkeypatch.delenv("KURT_TEST_TOKEN")
    assert len(environment.check_requires_env(["KURT_TEST_TOKEN"], F, 4)) == 1


def test_unmet_reads_the_facts_and_names_each_line(
    monkeypatch: pytest.MonkeyPatch, nowhere: ConfiguredModels
) -> None:
    monkeypatch.delenv("KURT_SURELY_UNSET", raising=False)
    extra = {
        "requires_python": ">=99",
        "requires": ["surely-not-installed-kurt-dist"],
        "requires_env": ["KURT_SURELY_UNSET"],
        LINES: {"requires_python": 4, "requires": 5, "requires_env": 6},
    }
    found = environment.unmet(extra, F, models=nowhere)
    assert [(p.file, p.line) for p in found] == [(F, 4), (F, 5), (F, 6)]
    assert str(found[2]) == (
        f"{F}:6: environment variable KURT_SURELY_UNSET is not set; "
        "set it: export KURT_SURELY_UNSET=..."
    )
    assert "python -m pip install 'surely-not-installed-kurt-dist'" in str(found[1])
    # What the snapshot stores is enough to check again.
    assert environment.unmet(environment.requirements(extra), F, models=nowhere) == found


def test_a_skill_without_requirements_costs_nothing(nowhere: ConfiguredModels) -> None:
    assert not environment.declares_requirements({"license": "MIT"})
    assert environment.unmet({"license": "MIT"}, F, models=nowhere) == []
    script = (
        "import sys; from kurt.skills.environment import unmet;"
        "from kurt.config.llm import ConfiguredModels; from kurt.config.locations import Locations;"
        "models = ConfiguredModels(Locations.discover());"
        "unmet({'requires_env': ['HOME']}, 'x', models=models);"
        "print('packaging' in sys.modules, 'importlib.metadata' in sys.modules,"
        " 'tomllib' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["False", "False", "False"]  # nor is kurt.toml read


# -- requires_llm: checked against the project the caller names --------------------------

ASKER = "requires_llm: true\n"


def test_requires_llm_reads_the_model_of_the_project_given(
    make_project: Callable[..., Path], kurt_home: Path
) -> None:
    with_model = make_project("with", '[llm]\nmodel = "test"\n')
    own_model = make_project("own", '[skills.asker.llm]\nmodel = "openai:gpt-4o-mini"\n')
    without = make_project("without")
    extra = {"requires_llm": True, LINES: {"requires_llm": 4}}

    def problems(root: Path) -> list[str]:
        models = ConfiguredModels(Locations(root, kurt_home))
        return [str(p) for p in environment.unmet(extra, F, "asker", models=models)]

    # In turn, in one process: no answer leaks from one project into the next.
    for root, unmet in [(with_model, False), (without, True), (own_model, False)] * 2:
        assert bool(problems(root)) is unmet, root
    assert problems(without) == [
        f"{F}:4: requires a language model (requires_llm), but no [llm] model is configured;"
        ' set one in kurt.toml: [llm] model = "openai:gpt-4o-mini", or for this skill alone'
        " under [skills.asker.llm] (see: kurt config llm)"
    ]


def test_two_projects_listed_in_one_process_each_get_their_own_answer(
    make_project: Callable[..., Path], kurt_home: Path
) -> None:
    with_model = make_project("with", '[llm]\nmodel = "test"\n')
    without = make_project("without")
    for root in (with_model, without):
        write_skill(root / "skills", "asker", manifest_extra=ASKER)

    def statuses() -> list[object]:
        # Both managers made before either lists: the second once told the
        # process which project every check was for.
        managers = [SkillManager(Locations(root, kurt_home)) for root in (with_model, without)]
        return [manager.listing()[0]["status"] for manager in managers]

    assert statuses() == ["ok", "unusable"]  # the full path (writes the snapshots)
    assert statuses() == ["ok", "unusable"]  # the snapshot's fast path
    warm = [warm_listing(str(root)) for root in (with_model, without, with_model)]
    assert [json.loads(text)[0]["status"] for text in warm if text] == ["ok", "unusable", "ok"]
    first, second = (SkillManager(Locations(root, kurt_home)) for root in (with_model, without))
    first.check_environment(asker(first))  # usable: no error
    with pytest.raises(SkillError, match="requires a language model"):
        second.check_environment(asker(second))


def asker(manager: SkillManager) -> SkillRecord:
    return next(record for record in manager.records if record.name == "asker")
