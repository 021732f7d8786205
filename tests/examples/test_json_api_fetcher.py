"""examples/skills/json-api: a fetcher skill, validated, listed, and used by
``kurt fetch --engine json-api`` against a local JSON API."""

from __future__ import annotations

import asyncio

import pytest
from example_helpers import EXAMPLE_SKILLS, json_of, skill_row, with_examples
from pytest_httpserver import HTTPServer

from kurt import FetchError
from kurt.testing import KurtProject, load_skill, make_context

SKILL = EXAMPLE_SKILLS / "json-api"
ISSUE = {
    "title": "Broken link on the sowing page",
    "body": "The link to the compost guide returns 404.",
    "labels": [{"name": "bug"}, {"name": "docs"}],
    "user": {"login": "ada"},
    "comments": 2,
}


@pytest.fixture
def examples_project(kurt_project: KurtProject) -> KurtProject:
    """A trusted project that finds the example skills through ``[skills].paths``."""
    return with_examples(kurt_project)


def test_it_validates(examples_project: KurtProject) -> None:
    outcome = examples_project.kurt("skill", "validate", "json-api")
    assert outcome.exit_code == 0, outcome.stdout + outcome.stderr


def test_it_is_listed_as_a_fetcher(examples_project: KurtProject) -> None:
    row = skill_row(examples_project, "json-api")
    assert (row["source"], row["status"]) == ("path", "ok")
    assert row["provides"] == [{"type": "fetcher", "name": "json-api"}]
    tools = json_of(examples_project.kurt("tool", "list", "--json"))
    assert {"kind": "fetcher", "name": "json-api", "skill": "json-api"}.items() <= next(
        row for row in tools if row["name"] == "json-api"
    ).items()


def test_kurt_fetch_renders_the_whole_document(
    examples_project: KurtProject, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/issues/7").respond_with_json(ISSUE)

    outcome = examples_project.kurt(
        "fetch", httpserver.url_for("/issues/7"), "--engine", "json-api", "--json"
    )

    result = json_of(outcome)
    assert outcome.exit_code == 0, outcome.stderr
    (document,) = result["data"]
    assert document["title"] == "Broken link on the sowing page"
    assert document["engine"] == "json-api"
    assert document["content"].splitlines() == [
        "title: Broken link on the sowing page",
        "body: The link to the compost guide returns 404.",
        "labels:",
        "  -",
        "    name: bug",
        "  -",
        "    name: docs",
        "user:",
        "  login: ada",
        "comments: 2",
    ]


def test_content_key_and_token_come_from_the_settings(
    examples_project: KurtProject, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(
        "/issues/7", headers={"Authorization": "Bearer api-key-123"}
    ).respond_with_json(ISSUE)
    examples_project.configure("json-api", content_key="body")

    outcome = examples_project.kurt(
        "fetch",
        httpserver.url_for("/issues/7"),
        "--engine",
        "json-api",
        "--json",
        env={"JSON_API_TOKEN": "api-key-123"},
    )

    result = json_of(outcome)
    assert outcome.exit_code == 0, outcome.stderr
    assert result["data"][0]["content"] == "The link to the compost guide returns 404."
    assert "api-key-123" not in outcome.stdout + outcome.stderr


def test_a_response_that_is_not_json_is_a_per_url_error(
    examples_project: KurtProject, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/page").respond_with_data("<html></html>", content_type="text/html")
    httpserver.expect_request("/ok").respond_with_json({"title": "fine"})

    outcome = examples_project.kurt(
        "fetch",
        httpserver.url_for("/page"),
        httpserver.url_for("/ok"),
        "--engine",
        "json-api",
        "--json",
    )

    result = json_of(outcome)
    assert outcome.exit_code == 0  # one of the two URLs was fetched
    assert [item["title"] for item in result["data"]] == ["fine"]
    (error,) = result["errors"]
    assert error["item"] == httpserver.url_for("/page")
    assert "the response is not JSON (content type text/html" in error["message"]


@pytest.mark.parametrize(
    ("settings", "title", "content"),
    [
        ({}, "Broken link on the sowing page", None),
        ({"title_key": "user.login", "content_key": "labels.1.name"}, "ada", "docs"),
        ({"title_key": "missing.key"}, None, None),
    ],
)
def test_unit_fetcher_with_settings(
    httpserver: HTTPServer, settings: dict[str, str], title: str | None, content: str | None
) -> None:
    httpserver.expect_request("/issues/7").respond_with_json(ISSUE)
    module = load_skill(SKILL)
    context = make_context(settings, skill_dir=SKILL)

    fetched = asyncio.run(module.JsonApiFetcher().fetch(httpserver.url_for("/issues/7"), context))

    assert fetched.title == title
    if content is not None:
        assert fetched.content == content


def test_unit_http_error_is_a_fetch_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gone").respond_with_data("", status=404)
    module = load_skill(SKILL)

    with pytest.raises(FetchError, match="HTTP 404"):
        asyncio.run(
            module.JsonApiFetcher().fetch(
                httpserver.url_for("/gone"), make_context(skill_dir=SKILL)
            )
        )
