"""examples/skills/tavily: a search mapper (query -> result URLs) for Tavily's API,
replayed offline from recorded answers served by a local server."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from example_helpers import EXAMPLE_SKILLS, json_of, with_examples
from pytest_httpserver import HTTPServer

from kurt import FetchError
from kurt.testing import KurtProject, load_skill, make_context

SKILL = EXAMPLE_SKILLS / "tavily"
RECORDINGS = Path(__file__).parent / "recordings"
KEY = "tvly-test-93ad"
QUERY = "companion planting tomatoes"


@pytest.fixture
def project(kurt_project: KurtProject, httpserver: HTTPServer) -> KurtProject:
    """A trusted project with the example skills, Tavily's API on 127.0.0.1."""
    with_examples(kurt_project)
    kurt_project.configure("tavily", base_url=httpserver.url_for("/"), max_results=5)
    return kurt_project


def test_it_validates(project: KurtProject) -> None:
    outcome = project.kurt("skill", "validate", "tavily", env={"TAVILY_API_KEY": KEY})
    assert outcome.exit_code == 0, outcome.stdout + outcome.stderr


def test_kurt_map_lists_and_stores_the_result_urls(
    project: KurtProject, httpserver: HTTPServer
) -> None:
    answer = json.loads((RECORDINGS / "tavily-search.json").read_text(encoding="utf-8"))
    httpserver.expect_request(
        "/search",
        method="POST",
        headers={"Authorization": f"Bearer {KEY}"},
        json={"query": QUERY, "max_results": 5, "search_depth": "basic"},
    ).respond_with_json(answer)

    outcome = project.kurt(
        "map", QUERY, "--engine", "tavily", "--json", env={"TAVILY_API_KEY": KEY}
    )

    result = json_of(outcome)
    assert outcome.exit_code == 0, outcome.stderr
    assert [(row["url"], row["source"], row["engine"]) for row in result["data"]] == [
        ("https://garden.example/companions/tomatoes", QUERY, "tavily"),
        ("https://allotment.example/blog/ten-companions", QUERY, "tavily"),
    ]
    assert result["metadata"]["stored"] is True
    assert KEY not in outcome.stdout + outcome.stderr


def test_a_missing_key_fails_before_any_request(
    project: KurtProject, httpserver: HTTPServer
) -> None:
    outcome = project.kurt("map", QUERY, "--engine", "tavily")
    assert outcome.exit_code == 1
    assert "TAVILY_API_KEY" in outcome.stderr
    assert "Traceback" not in outcome.stderr
    assert httpserver.log == []


def test_unit_an_api_refusal_is_a_fetch_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/search", method="POST").respond_with_json(
        {"detail": {"error": "Unauthorized: missing or invalid API key."}}, status=401
    )
    module = load_skill(SKILL)
    context = make_context(
        {"api_key": "tvly-wrong", "base_url": httpserver.url_for("/")}, skill_dir=SKILL
    )

    with pytest.raises(
        FetchError, match="Tavily: Unauthorized: missing or invalid API key"
    ) as caught:
        asyncio.run(module.TavilyMapper().map(QUERY, context))
    assert caught.value.status_code == 401


def test_unit_no_key_no_request(httpserver: HTTPServer) -> None:
    module = load_skill(SKILL)
    context = make_context({"api_key": "", "base_url": httpserver.url_for("/")}, skill_dir=SKILL)
    with pytest.raises(FetchError, match="no Tavily API key: set TAVILY_API_KEY"):
        asyncio.run(module.TavilyMapper().map(QUERY, context))
    assert httpserver.log == []
