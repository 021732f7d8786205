"""examples/skills/opml: a mapper skill, validated, listed, and used by
``kurt map --engine opml`` on a local file and a local server."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from example_helpers import EXAMPLE_SKILLS, json_of, skill_row, with_examples
from pytest_httpserver import HTTPServer

from kurt.testing import KurtProject, load_skill, make_context

SKILL = EXAMPLE_SKILLS / "opml"
OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Subscriptions</title></head>
  <body>
    <outline text="Gardening" title="Gardening">
      <outline type="rss" text="Allotment notes" xmlUrl="https://allotment.example/feed.xml"
               htmlUrl="https://allotment.example/"/>
      <outline type="rss" text="Seed swap" xmlUrl="https://seeds.example/atom.xml"
               htmlUrl="https://seeds.example/"/>
    </outline>
    <outline text="Python">
      <outline type="rss" text="Release notes" xmlUrl="https://python.example/rss"
               htmlUrl="https://python.example/"/>
      <outline type="rss" text="Again" xmlUrl="https://allotment.example/feed.xml"/>
    </outline>
  </body>
</opml>
"""
FEEDS = [
    "https://allotment.example/feed.xml",
    "https://seeds.example/atom.xml",
    "https://python.example/rss",
]


@pytest.fixture
def examples_project(kurt_project: KurtProject) -> KurtProject:
    """A trusted project that finds the example skills through ``[skills].paths``."""
    return with_examples(kurt_project)


def urls_of(result: dict[str, object]) -> list[str]:
    return [item["url"] for item in result["data"]]  # type: ignore[attr-defined,index]


@pytest.fixture
def opml_file(tmp_path: Path) -> Path:
    path = tmp_path / "subscriptions.opml"
    path.write_text(OPML, encoding="utf-8")
    return path


def test_it_validates(examples_project: KurtProject) -> None:
    outcome = examples_project.kurt("skill", "validate", "opml")
    assert outcome.exit_code == 0, outcome.stdout + outcome.stderr


def test_it_is_listed_as_a_mapper(examples_project: KurtProject) -> None:
    row = skill_row(examples_project, "opml")
    assert (row["source"], row["status"]) == ("path", "ok")
    assert row["provides"] == [{"type": "mapper", "name": "opml"}]


def test_kurt_map_lists_every_feed_once(examples_project: KurtProject, opml_file: Path) -> None:
    outcome = examples_project.kurt("map", str(opml_file), "--engine", "opml", "--json")

    assert outcome.exit_code == 0, outcome.stderr
    assert urls_of(json_of(outcome)) == FEEDS


def test_settings_pick_the_folder_and_the_attribute(
    examples_project: KurtProject, opml_file: Path
) -> None:
    examples_project.configure("opml", folder="Gardening", attribute="htmlUrl")

    outcome = examples_project.kurt("map", str(opml_file), "--engine", "opml", "--json")

    assert urls_of(json_of(outcome)) == ["https://allotment.example/", "https://seeds.example/"]


def test_a_remote_opml_file(examples_project: KurtProject, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/blogroll.opml").respond_with_data(OPML, content_type="text/x-opml")

    result = examples_project.run_tool(
        "map", source=httpserver.url_for("/blogroll.opml"), engine="opml"
    )

    assert result.success, result.errors
    assert [item["url"] for item in result.data] == FEEDS


@pytest.mark.parametrize(
    ("text", "settings", "message"),
    [
        ("<rss><channel/></rss>", {}, "not an OPML document (expected <opml> with a <body>)"),
        ("<opml><body>", {}, "not valid XML: "),
        (OPML, {"folder": "Knitting"}, "no folder titled 'Knitting' in this OPML file"),
        (
            '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaa">]><opml><body/></opml>',
            {},
            "not valid XML: ",
        ),
    ],
)
def test_unit_bad_sources_are_errors_of_the_result(
    tmp_path: Path, text: str, settings: dict[str, str], message: str
) -> None:
    path = tmp_path / "feeds.opml"
    path.write_text(text, encoding="utf-8")
    module = load_skill(SKILL)

    mapped = asyncio.run(
        module.OpmlMapper().map(str(path), make_context(settings, skill_dir=SKILL))
    )

    assert mapped.urls == []
    (error,) = mapped.errors
    assert error.startswith(f"{path}: {message}")


def test_unit_a_missing_file(tmp_path: Path) -> None:
    module = load_skill(SKILL)
    missing = tmp_path / "nope.opml"

    mapped = asyncio.run(module.OpmlMapper().map(missing.as_uri(), make_context(skill_dir=SKILL)))

    assert mapped.errors == [
        f"{missing.as_uri()}: cannot read {missing}: No such file or directory"
    ]
