"""examples/skills/web-archiver: validated, listed, and run against a local
archive service (pytest-httpserver) with its token from the environment."""

from __future__ import annotations

import pytest
from example_helpers import EXAMPLE_SKILLS, json_of, skill_row, with_examples
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from kurt.testing import KurtProject, load_skill, make_context, run_tool

SKILL = EXAMPLE_SKILLS / "web-archiver"
TOKEN = "ACCESSKEY:s3cr3t-t0ken"
PAGE = "https://example.com/essay"


@pytest.fixture
def examples_project(kurt_project: KurtProject) -> KurtProject:
    """A trusted project that finds the example skills through ``[skills].paths``."""
    return with_examples(kurt_project)


def archive_service(httpserver: HTTPServer, seen: list[Request]) -> str:
    """A fake Save Page Now endpoint that records each request; returns its URL."""

    def answer(request: Request) -> Response:
        seen.append(request)
        return Response(
            '{"url": "https://example.com/essay", "job_id": "spn2-42"}',
            status=200,
            headers={
                "Content-Type": "application/json",
                "Content-Location": "/web/20261125000000/https://example.com/essay",
            },
        )

    httpserver.expect_request("/save", method="POST").respond_with_handler(answer)
    return httpserver.url_for("/save")


def test_it_validates(examples_project: KurtProject) -> None:
    outcome = examples_project.kurt("skill", "validate", "web-archiver")
    assert outcome.exit_code == 0, outcome.stdout + outcome.stderr


def test_it_is_listed_with_its_tool(examples_project: KurtProject) -> None:
    row = skill_row(examples_project, "web-archiver")
    assert (row["source"], row["status"], row["enabled"]) == ("path", "ok", True)
    assert row["provides"] == [{"type": "tool", "name": "archive"}]


def test_it_archives_with_the_token_from_the_environment(
    examples_project: KurtProject, httpserver: HTTPServer
) -> None:
    seen: list[Request] = []
    examples_project.configure("web-archiver", base_url=archive_service(httpserver, seen))

    outcome = examples_project.kurt(
        "tool", "run", "archive", "-p", f"url={PAGE}", "--json", env={"WAYBACK_TOKEN": TOKEN}
    )

    result = json_of(outcome)
    assert outcome.exit_code == 0, outcome.stderr
    assert result["data"] == [
        {
            "url": PAGE,
            "status_code": 200,
            "job_id": "spn2-42",
            "archive_url": httpserver.url_for("/web/20261125000000/https://example.com/essay"),
        }
    ]
    (request,) = seen
    assert request.headers["Authorization"] == f"LOW {TOKEN}"
    assert request.headers["Accept"] == "application/json"
    assert request.form["url"] == PAGE
    assert TOKEN not in outcome.stdout + outcome.stderr


def test_without_a_token_no_authorization_is_sent(
    examples_project: KurtProject, httpserver: HTTPServer
) -> None:
    seen: list[Request] = []
    examples_project.configure("web-archiver", base_url=archive_service(httpserver, seen))

    outcome = examples_project.kurt("tool", "run", "archive", "-p", f"url={PAGE}", "--json")

    assert outcome.exit_code == 0, outcome.stderr
    assert "Authorization" not in seen[0].headers


def test_the_token_is_masked_in_every_listing(
    examples_project: KurtProject, httpserver: HTTPServer
) -> None:
    examples_project.configure("web-archiver", token=TOKEN)
    config = examples_project.kurt("config", "skills", "--json")
    info = examples_project.kurt("skill", "info", "web-archiver")
    info_json = examples_project.kurt("skill", "info", "web-archiver", "--json")

    for outcome in (config, info, info_json):
        assert outcome.exit_code == 0, outcome.stderr
        assert TOKEN not in outcome.stdout + outcome.stderr
    (row,) = [s for s in json_of(config)["skills"] if s["name"] == "web-archiver"]
    assert row["settings"]["token"] == "***"
    assert row["settings"]["base_url"] == "https://web.archive.org/save"


def test_a_refusal_fails_without_echoing_the_token(
    examples_project: KurtProject, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/save", method="POST").respond_with_data("busy", status=503)
    examples_project.configure("web-archiver", base_url=httpserver.url_for("/save"))

    outcome = examples_project.kurt(
        "tool", "run", "archive", "-p", f"url={PAGE}", "--json", env={"WAYBACK_TOKEN": TOKEN}
    )

    result = json_of(outcome)
    assert outcome.exit_code == 1
    assert result["success"] is False
    assert result["errors"][0]["message"] == f"the archive service refused {PAGE}: HTTP 503"
    assert TOKEN not in outcome.stdout + outcome.stderr


def test_an_unreachable_service_is_a_failed_result(examples_project: KurtProject) -> None:
    # Port 9 (discard) on loopback: nothing listens there in a test environment.
    examples_project.configure("web-archiver", base_url="http://127.0.0.1:9/save", timeout=5)

    result = examples_project.run_tool("archive", url=PAGE)

    assert result.success is False
    assert result.errors[0].message.startswith(
        "could not reach the archive service at http://127.0.0.1:9/save: "
    )


def test_only_web_urls_are_archived(examples_project: KurtProject) -> None:
    result = examples_project.run_tool("archive", url="file:///etc/passwd")
    assert result.success is False
    assert (
        result.errors[0].message == "only http and https URLs can be archived: file:///etc/passwd"
    )


@pytest.mark.parametrize("token", [TOKEN, None])
def test_unit_with_a_hand_built_context(
    httpserver: HTTPServer, token: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same tool without a project: kurt.testing's context and run_tool."""
    seen: list[Request] = []
    settings = {"base_url": archive_service(httpserver, seen)}
    if token:
        settings["token"] = token
    load_skill(SKILL)

    result = run_tool("archive", url=PAGE, context=make_context(settings, skill_dir=SKILL))

    assert result.success, result.errors
    assert result.data[0]["job_id"] == "spn2-42"
    assert seen[0].headers.get("Authorization") == (f"LOW {token}" if token else None)


def test_it_has_a_readme() -> None:
    assert "WAYBACK_TOKEN" in (SKILL / "README.md").read_text(encoding="utf-8")
