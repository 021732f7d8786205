"""examples/skills/firecrawl: a fetcher for Firecrawl's scrape API, replayed offline
from recorded answers served by a local server (``base_url`` points at it)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from example_helpers import EXAMPLE_SKILLS, json_of, skill_row, with_examples
from pytest_httpserver import HTTPServer

from kurt import FetchError
from kurt.testing import KurtProject, load_skill, make_context

SKILL = EXAMPLE_SKILLS / "firecrawl"
RECORDINGS = Path(__file__).parent / "recordings"
KEY = "fc-test-4f1b2c"


def recorded(name: str) -> dict[str, object]:
    loaded: dict[str, object] = json.loads((RECORDINGS / name).read_text(encoding="utf-8"))
    return loaded


@pytest.fixture
def project(kurt_project: KurtProject, httpserver: HTTPServer) -> KurtProject:
    """A trusted project with the example skills, Firecrawl's API on 127.0.0.1."""
    with_examples(kurt_project)
    kurt_project.configure("firecrawl", base_url=httpserver.url_for("/"))
    return kurt_project


def test_without_the_key_it_is_listed_as_unusable(project: KurtProject) -> None:
    row = skill_row(project, "firecrawl")
    assert (row["status"], row["provides"]) == (
        "unusable",
        [{"type": "fetcher", "name": "firecrawl"}],
    )
    assert any("FIRECRAWL_API_KEY" in problem for problem in row["problems"])


def test_a_missing_key_fails_before_any_request(
    project: KurtProject, httpserver: HTTPServer
) -> None:
    outcome = project.kurt("fetch", "https://garden.example/calendar", "--engine", "firecrawl")
    assert outcome.exit_code == 1
    assert "FIRECRAWL_API_KEY" in outcome.stderr
    assert "Traceback" not in outcome.stderr
    assert httpserver.log == []


def test_a_routed_url_is_scraped_through_the_api(
    project: KurtProject, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(
        "/v1/scrape",
        method="POST",
        headers={"Authorization": f"Bearer {KEY}"},
        json={
            "url": "https://garden.example/calendar",
            "formats": ["markdown"],
            "onlyMainContent": True,
        },
    ).respond_with_json(recorded("firecrawl-scrape.json"))
    toml = project.root / "kurt.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8") + '\n[fetch.routes]\n"garden.example/*" = "firecrawl"\n',
        encoding="utf-8",
    )

    # No --engine: the route in kurt.toml sends the URL to the skill.
    outcome = project.kurt(
        "fetch", "https://garden.example/calendar", "--json", env={"FIRECRAWL_API_KEY": KEY}
    )

    result = json_of(outcome)
    assert outcome.exit_code == 0, outcome.stderr
    (document,) = result["data"]
    assert (document["engine"], document["title"], document["language"]) == (
        "firecrawl",
        "Sowing calendar",
        "en",
    )
    assert document["content"].startswith("# Sowing calendar\n\nSow tomatoes indoors")
    assert KEY not in outcome.stdout + outcome.stderr
    assert len(httpserver.log) == 1


def test_unit_an_api_refusal_is_a_fetch_error_with_its_status(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/v1/scrape", method="POST").respond_with_json(
        recorded("firecrawl-unauthorized.json"), status=401
    )
    module = load_skill(SKILL)
    context = make_context(
        {"api_key": "fc-wrong", "base_url": httpserver.url_for("/")}, skill_dir=SKILL
    )

    with pytest.raises(FetchError, match="Firecrawl: Unauthorized: Invalid token") as caught:
        asyncio.run(module.FirecrawlFetcher().fetch("https://garden.example/x", context))
    assert caught.value.status_code == 401
    assert "fc-wrong" not in str(caught.value)


def test_unit_no_key_no_request(httpserver: HTTPServer) -> None:
    module = load_skill(SKILL)
    context = make_context({"api_key": "", "base_url": httpserver.url_for("/")}, skill_dir=SKILL)
    with pytest.raises(FetchError, match="no Firecrawl API key: set FIRECRAWL_API_KEY"):
        asyncio.run(module.FirecrawlFetcher().fetch("https://garden.example/x", context))
    assert httpserver.log == []
