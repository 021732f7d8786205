"""One record of a skill, one problem record, one JSON codec for each."""

from __future__ import annotations

import json
from pathlib import Path

from kurt.errors import ManifestError
from kurt.skills.manifest.rules import Problem
from kurt.skills.record import ERROR, WARNING, Clash, Provided, SkillProblem, SkillRecord


def test_every_check_makes_the_same_problem_record() -> None:
    assert Problem is SkillProblem


def test_a_problem_names_its_file_as_text_and_round_trips() -> None:
    problem = SkillProblem.at(Path("s/SKILL.md"), 4, "bad", WARNING, "fix it")
    assert problem == SkillProblem(WARNING, "bad", "s/SKILL.md", 4, "fix it")
    assert not problem.is_error
    assert SkillProblem.from_row(json.loads(json.dumps(problem.to_row()))) == problem
    assert str(problem) == "s/SKILL.md:4: bad; fix it"
    assert problem.to_json() == {"file": "s/SKILL.md", "line": 4, "message": "bad"}


def test_an_error_becomes_a_problem_keeping_its_hint_in_the_message() -> None:
    error = ManifestError("no name", file=Path("s/SKILL.md"), line=2, hint="add name:")
    assert SkillProblem.from_error(error) == SkillProblem(
        ERROR, "no name (hint: add name:)", "s/SKILL.md", 2
    )


def test_a_record_round_trips_through_its_plain_form() -> None:
    record = SkillRecord(
        name="web",
        path=Path("/p/skills/web"),
        source="project",
        manifest_path=Path("/p/skills/web/SKILL.md"),
        version="1.0",
        description="d",
        provides=(Provided("tool", "archive", "Archive", ""),),
        requires_skills=("base",),
        settings={"timeout": {"type": "float", "default": 30}},
        problems=(SkillProblem.at("/p/skills/web/SKILL.md", 3, "odd", WARNING),),
        extra={"license": "MIT"},
        clashes=(Clash("tool", "archive", "other", "/p/skills/other"),),
    )
    plain = json.loads(json.dumps(record.to_plain()))
    assert SkillRecord.from_plain(plain) == record
