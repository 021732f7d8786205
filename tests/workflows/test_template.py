"""References in a step's input: parsed, found, and rendered with their types."""

from __future__ import annotations

from kurt.workflows import template
from kurt.workflows.template import Reference

DATA = {"map": [{"url": "a", "n": 1}, {"url": "b"}, {"other": 3}]}


def test_the_three_forms_parse_and_anything_else_is_unknown() -> None:
    assert template.parse("inputs.source") == Reference("inputs", "source", None, "inputs.source")
    assert template.parse("steps.map.data") == Reference("steps", "map", None, "steps.map.data")
    assert template.parse("steps.map.data.url").field == "url"
    assert template.parse("steps.map.result").kind is None
    assert template.parse("input.source").kind is None


def test_references_are_found_at_any_depth_with_their_key() -> None:
    found = list(
        template.references(
            {"a": "{{ inputs.x }}", "b": ["plain", "{{steps.s.data}} and {{ inputs.y }}"]}
        )
    )
    assert [(key, ref.name) for key, ref in found] == [("a", "x"), ("b[1]", "s"), ("b[1]", "y")]
    assert template.is_templated({"a": ["{{ inputs.x }}"]})
    assert not template.is_templated({"a": "{ inputs.x }", "n": 3})


def test_a_whole_reference_keeps_its_type() -> None:
    inputs = {"limit": 3, "source": "docs/"}
    rendered = template.render(
        {
            "limit": "{{ inputs.limit }}",
            "all": "{{ steps.map.data }}",
            "urls": " {{ steps.map.data.url }} ",
        },
        inputs,
        DATA,
    )
    assert rendered == {"limit": 3, "all": DATA["map"], "urls": ["a", "b"]}


def test_a_reference_inside_text_is_written_into_it() -> None:
    rendered = template.render(
        ["from {{ inputs.source }}", "n={{ steps.map.data.n }}", 7], {"source": "docs/"}, DATA
    )
    assert rendered == ["from docs/", "n=[1]", 7]
