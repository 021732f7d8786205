"""The repository root is a Kurt demo project: kurt.toml, the site-digest
skill and a sample site. The README's main-job command runs offline, in a
copy of the project (the clone itself stays untouched)."""

from __future__ import annotations

import shutil
import sqlite3
import tomllib

import pytest
from example_helpers import REPO, json_of

from kurt.testing import KurtProject, load_skill, make_context, run_tool

MAIN_JOB = ("tool", "run", "site-digest", "-p", "source=examples/site", "--json")
PAGES = {"index.html", "about.html", "notes.txt", "guide/compost.md", "guide/sowing.md"}


@pytest.fixture
def demo(kurt_project: KurtProject) -> KurtProject:
    """A copy of the repository's demo project (kurt.toml, skills/, examples/site/), untrusted
    as a fresh clone is."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copy(REPO / "kurt.toml", kurt_project.config_file)
    shutil.copytree(REPO / "skills", kurt_project.skills_dir, ignore=ignore, dirs_exist_ok=True)
    shutil.copytree(REPO / "examples" / "site", kurt_project.root / "examples" / "site")
    shutil.copytree(REPO / "workflows", kurt_project.root / "workflows")
    kurt_project.trust(False)
    return kurt_project


def digest_of(project: KurtProject) -> list[dict[str, object]]:
    outcome = project.kurt(*MAIN_JOB)
    assert outcome.exit_code == 0, outcome.stdout + outcome.stderr
    return list(json_of(outcome)["data"])


def test_the_root_kurt_toml_parses_and_configures_the_demo_skill() -> None:
    config = tomllib.loads((REPO / "kurt.toml").read_text(encoding="utf-8"))
    assert config["skills"]["site-digest"] == {"label": "page", "max_words": 12}
    assert "paths" in config["skills"]


def test_the_demo_skill_validates_in_the_clone_itself(kurt_project: KurtProject) -> None:
    outcome = kurt_project.kurt("--project", str(REPO), "skill", "validate", "site-digest")
    assert outcome.exit_code == 0, outcome.stdout + outcome.stderr


def test_a_fresh_clone_refuses_to_run_its_skill_until_trusted(demo: KurtProject) -> None:
    outcome = demo.kurt(*MAIN_JOB[:-1])
    assert outcome.exit_code == 1
    assert "kurt trust" in outcome.stderr
    assert "Traceback" not in outcome.stderr


def test_the_main_job_maps_fetches_stores_and_digests(demo: KurtProject) -> None:
    assert demo.kurt("trust").exit_code == 0

    digest = digest_of(demo)

    assert {str(item["page"]) for item in digest} == PAGES
    compost = next(item for item in digest if item["page"] == "guide/compost.md")
    assert compost["label"] == "page"
    assert compost["title"] == "A patient guide to compost"
    assert compost["excerpt"] == (
        "Compost is slow cooking for soil. Mix green matter (grass, peelings) with …"
    )
    with sqlite3.connect(demo.root / ".kurt" / "kurt.sqlite") as db:
        stored = db.execute("select url, title from documents where status = 'fetched'").fetchall()
    assert {url.split("/examples/site/")[1] for url, _ in stored} == PAGES


def test_the_demo_workflow_maps_fetches_and_digests(demo: KurtProject) -> None:
    """README: kurt workflow run digest -p source=examples/site (map -> fetch -> site-digest)."""
    demo.trust()

    outcome = demo.kurt("workflow", "run", "digest", "-p", "source=examples/site", "--json")

    assert outcome.exit_code == 0, outcome.stdout + outcome.stderr
    steps = json_of(outcome)["data"]
    assert [(step["step"], step["tool"], step["status"]) for step in steps] == [
        ("map", "map", "ok"),
        ("fetch", "fetch", "ok"),
        ("digest", "site-digest", "ok"),
    ]
    fetched = {page["url"].split("/examples/site/")[1] for page in steps[1]["result"]["data"]}
    assert fetched == PAGES
    digest = steps[2]["result"]["data"]
    assert {str(item["page"]) for item in digest} == PAGES
    assert {item["label"] for item in digest} == {"page"}  # the skill's own settings


def test_a_setting_set_from_the_cli_reaches_the_skill(demo: KurtProject) -> None:
    demo.trust()
    before = demo.config_file.read_text(encoding="utf-8")

    outcome = demo.kurt("config", "skills", "set", "site-digest", "max_words", "3")

    assert outcome.exit_code == 0, outcome.stderr
    after = demo.config_file.read_text(encoding="utf-8")
    assert after == before.replace("max_words = 12", "max_words = 3")
    excerpts = {item["page"]: item["excerpt"] for item in digest_of(demo)}
    assert excerpts["guide/sowing.md"] == "Sow little and …"


def test_a_disabled_skill_does_not_run(demo: KurtProject) -> None:
    demo.trust()
    before = demo.config_file.read_bytes()
    assert demo.kurt("config", "skills", "disable", "site-digest").exit_code == 0
    # The new key goes under [skills]' last key, not among the next section's comments.
    assert 'paths = []\ndisabled = ["site-digest"]\n' in demo.config_file.read_text("utf-8")

    outcome = demo.kurt(*MAIN_JOB[:-1])

    assert outcome.exit_code == 1
    assert "site-digest" in outcome.stderr
    assert "Traceback" not in outcome.stderr

    assert demo.kurt("config", "skills", "enable", "site-digest").exit_code == 0
    assert demo.config_file.read_bytes() == before  # the README's disable/enable round trip


@pytest.mark.slow  # a kurt process per README step
def test_the_readmes_edit_sequence_ends_byte_for_byte_as_it_began(demo: KurtProject) -> None:
    """README.md's "Using Kurt" promises kurt.toml is byte for byte as before."""
    demo.trust()
    before = demo.config_file.read_bytes()
    for edit in (
        ("set", "site-digest", "label", "note"),
        ("unset", "site-digest", "label"),
        ("set", "site-digest", "label", "page"),
        ("disable", "site-digest"),
        ("enable", "site-digest"),
    ):
        assert demo.kurt("config", "skills", *edit).exit_code == 0, edit
    assert demo.config_file.read_bytes() == before


def test_unit_the_skill_and_its_helper_module_with_kurt_testing() -> None:
    skill = REPO / "skills" / "site-digest"
    load_skill(skill)  # skill.py imports its helper relatively: from .digest import ...
    context = make_context({"max_words": 2, "label": "note"}, skill_dir=skill)

    result = run_tool("site-digest", source=str(REPO / "examples" / "site"), context=context)

    assert result.success, result.errors
    assert {item["label"] for item in result.data} == {"note"}
    notes = next(item for item in result.data if item["page"] == "notes.txt")
    assert notes == {
        "label": "note",
        "page": "notes.txt",
        "title": None,
        "words": 21,
        "excerpt": "Seed swap: …",
    }


def test_an_empty_source_is_a_failed_result(demo: KurtProject) -> None:
    demo.trust()
    (demo.root / "empty").mkdir()

    outcome = demo.kurt("tool", "run", "site-digest", "-p", "source=empty", "--json")

    assert outcome.exit_code == 1
    assert json_of(outcome)["errors"][-1]["message"] == "no pages found in empty"
