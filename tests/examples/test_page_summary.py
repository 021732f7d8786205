"""examples/skills/page-summary: unusable until a model is configured, then it
summarises the demo site's pages offline, on pydantic-ai's test model."""

from __future__ import annotations

import pytest
from example_helpers import EXAMPLE_SKILLS, REPO, json_of, skill_row, with_examples
from pydantic_ai.models.test import TestModel

from kurt.testing import KurtProject, load_skill, make_context, offline_llm, run_tool

SKILL = EXAMPLE_SKILLS / "page-summary"
SITE = REPO / "examples" / "site"


@pytest.fixture
def examples_project(kurt_project: KurtProject) -> KurtProject:
    return with_examples(kurt_project)


def test_without_a_model_it_is_unusable_and_does_not_run(examples_project: KurtProject) -> None:
    row = skill_row(examples_project, "page-summary")
    assert row["status"] == "unusable"
    assert row["problems"] == [
        f"{SKILL / 'SKILL.md'}:11: requires a language model (requires_llm), but no [llm] "
        'model is configured; set one in kurt.toml: [llm] model = "openai:gpt-4o-mini", '
        "or for this skill alone under [skills.page-summary.llm] (see: kurt config llm)"
    ]

    outcome = examples_project.kurt("tool", "run", "summarize", "-p", f"urls={SITE / 'index.html'}")
    assert outcome.exit_code == 1
    assert "skill 'page-summary' cannot run here: requires a language model" in outcome.stderr
    assert 'hint: set one in kurt.toml: [llm] model = "openai:gpt-4o-mini"' in outcome.stderr
    assert "Traceback" not in outcome.stderr


def test_it_summarises_the_demo_pages_offline(examples_project: KurtProject) -> None:
    document = examples_project.read_config()
    document["llm"] = {"model": "test"}  # pydantic-ai's offline model: no network, no key
    examples_project.write_config(document)
    assert skill_row(examples_project, "page-summary")["status"] == "ok"

    pages = [SITE / "index.html", SITE / "about.html"]
    outcome = examples_project.kurt(
        "tool", "run", "summarize", *(f"-purls={page}" for page in pages), "--json"
    )

    result = json_of(outcome)
    assert outcome.exit_code == 0, outcome.stderr
    assert [item["url"] for item in result["data"]] == [page.as_uri() for page in pages]
    assert all(set(item) == {"url", "title", "summary", "key_points"} for item in result["data"])
    spent = result["metadata"]["llm"]
    assert (spent["model"], spent["requests"]) == ("test", 2)
    assert spent["input_tokens"] > 0


def test_a_model_of_its_own_makes_it_usable_and_is_the_one_asked(
    examples_project: KurtProject,
) -> None:
    document = examples_project.read_config()
    document["skills"]["page-summary"] = {"llm": {"model": "test"}}  # [skills.page-summary.llm]
    examples_project.write_config(document)
    assert skill_row(examples_project, "page-summary")["status"] == "ok"
    assert skill_row(examples_project, "page-summary")["status"] == "ok"  # from the snapshot

    outcome = examples_project.kurt(
        "tool", "run", "summarize", f"-purls={SITE / 'index.html'}", "--json"
    )
    assert outcome.exit_code == 0, outcome.stderr
    assert json_of(outcome)["metadata"]["llm"]["model"] == "test"


def test_an_authors_unit_test_chooses_the_answer() -> None:
    load_skill(SKILL)
    answer = {"title": "Compost", "summary": "How to make compost.", "key_points": ["turn it"]}
    llm = offline_llm(TestModel(custom_output_args=answer))
    context = make_context({"max_chars": 200}, skill_dir=SKILL, llm=llm)

    result = run_tool("summarize", {"urls": [str(SITE / "guide" / "compost.md")]}, context=context)

    assert result.success, result.errors
    assert result.data == [{**answer, "url": (SITE / "guide" / "compost.md").as_uri()}]
    assert llm.usage.requests == 1
