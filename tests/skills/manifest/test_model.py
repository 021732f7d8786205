"""parse_manifest / load_manifest: the typed manifest, lenient where the open
format's clients are, and every shape error naming file, line, key, expected, found."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from shared_corpus import corpus, corpus_files

from kurt.errors import ManifestError
from kurt.skills.manifest.frontmatter import read_front_matter
from kurt.skills.manifest.model import Manifest, SettingSpec, load_manifest, parse_manifest

__all__ = ["corpus"]  # a fixture, used by name

PATH = Path("skills/web-archiver/SKILL.md")

SPEC_EXAMPLE = """\
---
name: web-archiver            # required
description: Archive web pages to the Internet Archive.
version: 0.1.0
license: MIT
author: Example <user@example.com>
tags: [web, archival]
requires_python: ">=3.10"
requires: ["httpx>=0.27"]
requires_env: [WAYBACK_TOKEN]
requires_api: [wayback]
requires_skills: []
implements:
  - {type: tool, class: WebArchiverTool, name: archive, description: "Archive one URL"}
settings:
  timeout: {type: float, default: 30, description: "Seconds per request"}
  token:   {type: str, secret: true, env: WAYBACK_TOKEN, required: false}
---
# Web archiver
"""


def parse(text: str) -> Manifest:
    return parse_manifest(read_front_matter(text, PATH), PATH)


def fails(text: str) -> ManifestError:
    with pytest.raises(ManifestError) as info:
        parse(text)
    assert info.value.file == str(PATH)
    return info.value


def test_the_spec_example_parses() -> None:
    manifest = parse(SPEC_EXAMPLE)
    assert manifest.name == "web-archiver"
    assert manifest.version == "0.1.0"
    assert manifest.tags == ["web", "archival"]
    assert manifest.requires == ["httpx>=0.27"]
    assert manifest.requires_env == ["WAYBACK_TOKEN"]
    assert manifest.requires_api == ["wayback"]
    [item] = manifest.implements
    assert (item.type, item.class_, item.name, item.description) == (
        "tool",
        "WebArchiverTool",
        "archive",
        "Archive one URL",
    )
    assert manifest.provides == [("tool", "archive")]
    assert manifest.settings["timeout"] == SettingSpec(
        type="float", default=30, description="Seconds per request"
    )
    assert manifest.settings["token"].secret
    assert manifest.settings["token"].env == "WAYBACK_TOKEN"
    assert manifest.extra_keys == []


def test_a_bare_agent_skill_parses_with_defaults() -> None:
    manifest = parse("---\nname: x\ndescription: d\n---\n")
    assert manifest.implements == []
    assert manifest.settings == {}
    assert manifest.metadata == {}
    assert manifest.version is None


def test_allowed_tools_as_string_or_list() -> None:
    assert parse("---\nname: x\ndescription: d\nallowed-tools: Read Grep\n---\n").allowed_tools == (
        "Read Grep"
    )
    text = "---\nname: x\ndescription: d\nallowed-tools: [Read, Grep]\n---\n"
    assert parse(text).allowed_tools == ["Read", "Grep"]


def test_unknown_top_level_keys_are_kept_not_refused() -> None:
    text = "---\nname: x\ndescription: d\neffort: high\nargument-hint: '[file]'\n---\n"
    assert parse(text).extra_keys == ["argument-hint", "effort"]


def test_non_string_metadata_is_read_as_text_and_remembered() -> None:
    manifest = parse("---\nname: x\ndescription: d\nmetadata: {a: 1, b: true, c: ok}\n---\n")
    assert manifest.metadata == {"a": "1", "b": "true", "c": "ok"}
    assert manifest.metadata_coerced == ["a", "b"]


def test_rules_that_real_skills_break_do_not_fail_parsing() -> None:
    # Name spelling, folder name, description length: these are checks, not parse errors.
    manifest = parse(f"---\nname: Not_A--Name-\ndescription: '{'d' * 2000}'\n---\n")
    assert manifest.name == "Not_A--Name-"


# --- shape errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "line", "key", "message"),
    [
        ("implements: yes", 4, "implements", "'implements': expected a list, found True"),
        (
            "implements:\n  - {type: tol, class: A, name: a}",
            5,
            "implements[0].type",
            "'implements[0].type': expected one of 'tool', 'fetcher' or 'mapper', found 'tol'",
        ),
        (
            "implements:\n  - {type: tool, name: a}",
            5,
            "implements[0].class",
            "missing required key 'implements[0].class'",
        ),
        (
            "implements:\n  - {type: tool, class: A, name: a, kind: x}",
            5,
            "implements[0].kind",
            "unknown key 'kind' in 'implements[0]'",
        ),
        (
            "settings:\n  t: {type: number}",
            5,
            "settings.t.type",
            "'settings.t.type': expected one of 'str', 'int', 'float', 'bool', 'list' or 'dict', "
            "found 'number'",
        ),
        (
            "settings:\n  t: {default: 1}",
            5,
            "settings.t.type",
            "missing required key 'settings.t.type'",
        ),
        (
            "settings:\n  t: {type: int, required: maybe}",
            5,
            "settings.t.required",
            "'settings.t.required': expected true or false, found 'maybe'",
        ),
        (
            "version: not-a-version",
            4,
            "version",
            "'version': expected a PEP 440 version such as 1.0.2, found 'not-a-version'",
        ),
        (
            "requires_python: '3.11'",
            4,
            "requires_python",
            "'requires_python': expected a PEP 440 version specifier such as '>=3.11', "
            "found '3.11'",
        ),
        (
            "requires: [httpx, 'bad spec>=']",
            4,
            "requires[1]",
            "'requires[1]': expected a PEP 508 requirement such as 'httpx>=0.27', "
            "found 'bad spec>='",
        ),
        ("tags: web", 4, "tags", "'tags': expected a list, found 'web'"),
        ("license: [MIT]", 4, "license", "'license': expected a string, found [\"MIT\"]"),
        ("metadata: [a]", 4, "metadata", "'metadata': expected a mapping, found [\"a\"]"),
    ],
)
def test_shape_errors(extra: str, line: int, key: str, message: str) -> None:
    """Each error names its key and the line of the item it is in (line 5: the
    item under a top-level key written on line 4)."""
    error = fails(f"---\nname: x\ndescription: d\n{extra}\n---\n")
    assert error.message == message
    assert error.line == line
    assert error.key == key
    assert str(error).startswith(f"{PATH}:{line}: ")


def test_missing_name_and_description() -> None:
    error = fails("---\nlicense: MIT\n---\n")
    assert error.message.startswith("missing required key 'name'")
    assert "missing required key 'description'" in error.message
    assert error.line == 2  # no line of its own: the start of the front matter


def test_a_non_string_name_is_an_error_at_its_line() -> None:
    error = fails("---\ndescription: d\nname: 12\n---\n")
    assert error.message == "'name': expected a string, found 12"
    assert error.line == 3


def test_every_problem_is_reported_in_line_order() -> None:
    error = fails("---\nname: x\ndescription: d\nversion: bad\ntags: 3\n---\n")
    assert error.line == 4
    assert error.message.splitlines() == [
        "'version': expected a PEP 440 version such as 1.0.2, found 'bad'",
        "  line 5: 'tags': expected a list, found 3",
    ]


def test_hints_say_how_to_write_the_key() -> None:
    error = fails("---\nname: x\ndescription: d\nimplements: [archive]\n---\n")
    assert error.hint is not None
    assert "type: tool|fetcher|mapper" in error.hint


def test_long_found_values_are_shortened() -> None:
    error = fails(f"---\nname: x\ndescription: d\ntags: {'x' * 500}\n---\n")
    assert len(error.message) < 150
    assert error.message.endswith("...")


# --- the cache form -------------------------------------------------------------------------


def test_cache_round_trip_through_json() -> None:
    manifest = parse(
        SPEC_EXAMPLE.replace("requires_skills: []", "requires_skills: [b]\nmetadata: {n: 1}")
    )
    data = json.loads(json.dumps(manifest.to_cache()))
    assert data["implements"][0]["class"] == "WebArchiverTool"
    assert "allowed-tools" in data
    again = Manifest.from_cache(data)
    assert again == manifest
    assert again.metadata_coerced == ["n"]


def test_a_corrupt_cache_entry_is_refused() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        Manifest.from_cache({"name": "x"})


def test_settings_spec_is_plain_data() -> None:
    spec = parse(SPEC_EXAMPLE).settings_spec()
    assert spec == {
        "timeout": {
            "type": "float",
            "default": 30,
            "description": "Seconds per request",
            "required": False,
            "secret": False,
            "env": None,
        },
        "token": {
            "type": "str",
            "default": None,
            "description": None,
            "required": False,
            "secret": True,
            "env": "WAYBACK_TOKEN",
        },
    }


# --- files ----------------------------------------------------------------------------------


def test_load_manifest_reads_the_file(tmp_path: Path) -> None:
    path = tmp_path / "SKILL.md"
    path.write_text(SPEC_EXAMPLE, encoding="utf-8")
    assert load_manifest(path).name == "web-archiver"


def test_load_manifest_of_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match=r"cannot read SKILL\.md") as info:
        load_manifest(tmp_path / "SKILL.md")
    assert info.value.file == str(tmp_path / "SKILL.md")


def test_load_manifest_errors_name_the_real_file(tmp_path: Path) -> None:
    path = tmp_path / "SKILL.md"
    path.write_text("---\nname: x\ndescription: d\nimplements: 3\n---\n", encoding="utf-8")
    with pytest.raises(ManifestError) as info:
        load_manifest(path)
    assert str(info.value).startswith(f"{path}:4: ")


def test_every_corpus_manifest_parses(corpus: Path) -> None:
    files = corpus_files(corpus)
    assert len(files) == 122
    for path in files:
        manifest = load_manifest(path)
        assert manifest.name
        assert manifest.description
        assert Manifest.from_cache(manifest.to_cache()) == manifest
