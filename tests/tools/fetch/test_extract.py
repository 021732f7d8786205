"""Extraction: what a fetched page's text and metadata are made of."""

from __future__ import annotations

from kurt.tools.fetch.extract import extract, kind_of

BODY = "<p>" + "Notes about compost and the soil, kept for the season. " * 10 + "</p>"


def page(head: str = "", prose: str = "") -> str:
    return (
        f"<html lang='en'><head><title>Compost</title>{head}</head>"
        f"<body><article><h1>Compost</h1><p>{prose}</p>{BODY}</article></body></html>"
    )


def test_a_date_the_markup_declares_is_the_pages_date() -> None:
    head = "<meta property='article:published_time' content='2024-05-01T10:00:00Z'>"

    found = extract(page(head), "html", url="https://example.com/compost", metadata=True)

    assert found.date == "2024-05-01"
    assert found.title == "Compost"
    assert found.language == "en"


def test_a_date_the_prose_mentions_is_not_taken_for_the_pages_date() -> None:
    # trafilatura's default "extensive search" would answer 2019-03-12 here.
    found = extract(page(prose="On 12 March 2019 the old shed came down."), "html", metadata=True)

    assert found.date is None
    assert "12 March 2019" in found.text


def test_markdown_is_kept_as_written_and_titled_by_its_first_heading() -> None:
    found = extract("intro\n\n## Sowing seeds ##\n\ntext", "markdown", metadata=True)

    assert found.title == "Sowing seeds"
    assert found.text.startswith("intro")


def test_the_kind_comes_from_the_content_type_or_else_the_name() -> None:
    assert kind_of("text/html") == "html"
    assert kind_of(None, "notes.md") == "markdown"
    assert kind_of("text/plain", "page.html") == "html"
    assert kind_of(None, "notes.txt") == "text"
