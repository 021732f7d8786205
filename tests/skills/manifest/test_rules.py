"""Each validation rule of kurt.skills.manifest.rules on its own, then the groups."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from kurt.config.llm import ConfiguredModels
from kurt.config.locations import Locations
from kurt.errors import ManifestError, SkillError
from kurt.skills import codecheck, environment
from kurt.skills.catalog import precedence
from kurt.skills.catalog.search import Candidate
from kurt.skills.manifest import rules as checks
from kurt.skills.manifest.frontmatter import FrontMatter, read_front_matter
from kurt.skills.manifest.model import Implementation, SettingSpec, parse_manifest
from kurt.skills.manifest.read import read_facts
from kurt.skills.manifest.rules import Problem

F = Path("s/SKILL.md")


def on_line_8(key: str) -> int:
    """A line lookup that puts every key on line 8."""
    return 8


def messages(problems: list[Problem]) -> list[str]:
    return [p.message for p in problems]


def tool(cls: str, name: str = "t", kind: str = "tool") -> dict[str, Any]:
    """An ``implements`` item in the plain form the checks read."""
    item = Implementation.model_validate({"type": kind, "class": cls, "name": name})
    return item.model_dump(by_alias=True)


# --- name -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["a", "web-archiver", "x2", "a-b-c", "a" * 64])
def test_good_names(name: str) -> None:
    assert checks.check_name(name, name, F, 2) == []


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "name must not be empty"),
        ("  ", "name must not be empty"),
        ("a" * 65, f"name '{'a' * 65}' is longer than 64 characters (65)"),
        ("Web", "name 'Web' may hold only lowercase ASCII letters a-z, digits 0-9 and '-'"),
        ("a_b", "name 'a_b' may hold only lowercase ASCII letters a-z, digits 0-9 and '-'"),
        ("café", "name 'café' may hold only lowercase ASCII letters a-z, digits 0-9 and '-'"),
        ("-a", "name '-a' must not start or end with '-'"),
        ("a-", "name 'a-' must not start or end with '-'"),
        ("a--b", "name 'a--b' must not contain '--'"),
        ("paths", "name 'paths' is reserved (a key of [skills] in kurt.toml)"),
    ],
)
def test_bad_names(name: str, message: str) -> None:
    problems = checks.check_name(name, None, F, 2)
    assert messages(problems) == [message]
    assert problems[0] == Problem.at(F, 2, message, "error")


def test_name_must_equal_the_folder_or_entry_point() -> None:
    [problem] = checks.check_name("web", "web-archiver", F, 2)
    assert problem.message == "name 'web' does not match the folder name 'web-archiver'"
    [problem] = checks.check_name("web", "pkg", F, 2, expected_from="the entry-point name")
    assert problem.message == "name 'web' does not match the entry-point name 'pkg'"


def test_several_name_problems_at_once() -> None:
    assert len(checks.check_name("-Bad--", "bad", F, 2)) == 4


# --- description, compatibility, metadata, unknown keys ------------------------------------


def test_description() -> None:
    assert checks.check_description("d" * 1024, F, 3) == []
    assert messages(checks.check_description(" \n", F, 3)) == ["description must not be empty"]
    assert messages(checks.check_description("d" * 1025, F, 3)) == [
        "description is longer than 1024 characters (1025)"
    ]


def test_compatibility() -> None:
    assert checks.check_compatibility(None, F, 4) == []
    assert checks.check_compatibility("c" * 500, F, 4) == []
    assert messages(checks.check_compatibility("c" * 501, F, 4)) == [
        "compatibility is longer than 500 characters (501)"
    ]


def test_metadata_values_that_were_not_strings_warn() -> None:
    assert checks.check_metadata([], F, 5) == []
    [problem] = checks.check_metadata(["a", "b"], F, 5)
    assert problem.severity == "warning"
    assert problem.line == 5
    assert problem.message == "metadata values should be strings (read as text: a, b); quote them"


def test_unknown_keys_warn_at_their_own_lines() -> None:
    problems = checks.check_unknown_keys(["effort", "type"], {"effort": 4, "type": 6}, F)
    assert problems == [
        Problem.at(F, 4, "unknown top-level key 'effort' (ignored by Kurt)", "warning"),
        Problem.at(F, 6, "unknown top-level key 'type' (ignored by Kurt)", "warning"),
    ]


# --- implements (manifest side) -------------------------------------------------------------


def test_a_skill_without_implements_warns() -> None:
    [problem] = checks.check_provides_something([], F, 2)
    assert problem.severity == "warning"
    assert "implements nothing" in problem.message
    assert checks.check_provides_something([tool("A")], F, 2) == []
    assert checks.check_provides_something([], F, 2, ["digest.toml"]) == []


def test_workflows_are_toml_files_inside_the_skill(tmp_path: Path) -> None:
    (tmp_path / "digest.toml").write_text("[workflow]\n")
    (tmp_path / "notes.txt").write_text("")
    entries = ["digest.toml", "missing.toml", "notes.txt", "../other/x.toml", "/etc/x.toml"]
    problems = checks.check_workflows(entries, tmp_path, F, 9)
    assert [(p.line, p.message) for p in problems] == [
        (9, f"workflow 'missing.toml' is not a file in {tmp_path}"),
        (9, "workflow 'notes.txt' must be a .toml file"),
        (9, "workflow '../other/x.toml' must be a path inside the skill's folder"),
        (9, "workflow '/etc/x.toml' must be a path inside the skill's folder"),
    ]


def test_duplicate_implements() -> None:
    items = [tool("A", "x"), tool("B", "x"), tool("C", "x", "fetcher")]
    assert messages(checks.check_implements_unique(items, F, lambda _: 7)) == [
        "tool 'x' is implemented twice"
    ]


@pytest.mark.parametrize("name", ["Fetch", "my tool", "HTTPX", "-x", ""])
def test_provided_names_are_lowercase_command_line_words(name: str) -> None:
    item = {"type": "tool", "name": name, "class": "A", "description": None}
    [problem] = checks.check_provided_names([item], F, lambda key: {"implements[0]": 6}[key])
    assert problem == Problem.at(
        F,
        6,
        f"tool name '{name}' may hold only lowercase ASCII letters a-z, digits 0-9, '-' and '_'",
    )
    good = {**item, "name": "json_api-2"}
    assert checks.check_provided_names([good], F, lambda key: 6) == []


# --- settings -------------------------------------------------------------------------------


def spec(**fields: object) -> dict[str, Any]:
    return SettingSpec.model_validate(fields).to_plain()


@pytest.mark.parametrize(
    ("type_name", "good", "bad"),
    [
        ("str", "x", 1),
        ("int", 3, 3.5),
        ("int", 0, True),
        ("float", 1, "1.0"),
        ("float", 1.5, False),
        ("bool", False, 0),
        ("list", [1], "a"),
        ("dict", {"a": 1}, [1]),
    ],
)
def test_matches_setting_type(type_name: str, good: object, bad: object) -> None:
    assert checks.matches_setting_type(type_name, good)
    assert not checks.matches_setting_type(type_name, bad)


def test_unknown_setting_type_matches_nothing() -> None:
    assert not checks.matches_setting_type("number", 1)


def test_settings_sanity() -> None:
    settings = {
        "timeout": spec(type="float", default="slow"),
        "token": spec(type="str", secret=True, default="abc", required=True, env="BAD-NAME"),
        "bad key": spec(type="int"),
        "max-n": spec(type="int"),
        "max_n": spec(type="int"),
        "fine": spec(type="int", default=3, env="FINE_N"),
    }
    problems = checks.check_settings(settings, F, lambda _: 9)
    assert [(p.severity, p.message) for p in problems] == [
        ("error", "setting 'timeout': default 'slow' is not of type float"),
        ("warning", "setting 'token': is required but has a default, so it can never be missing"),
        ("warning", "setting 'token': is secret but has a default written in SKILL.md"),
        ("error", "setting 'token': env 'BAD-NAME' is not a valid environment variable name"),
        (
            "error",
            "setting 'bad key': a setting name holds only letters, digits, '_' and '-', "
            "and starts with a letter",
        ),
        ("error", "setting 'max_n': clashes with 'max-n' as an environment variable (MAX_N)"),
    ]
    assert all(p.line == 9 for p in problems)


# --- the groups -----------------------------------------------------------------------------


def skill(
    tmp_path: Path, folder: str, manifest: str, code: str | None = None
) -> tuple[Path, FrontMatter, dict[str, Any]]:
    root = tmp_path / folder
    root.mkdir()
    path = root / "SKILL.md"
    path.write_text(textwrap.dedent(manifest), encoding="utf-8")
    if code is not None:
        (root / "skill.py").write_text(textwrap.dedent(code), encoding="utf-8")
    front = read_front_matter(path.read_bytes(), path)
    return root, front, parse_manifest(front, path).to_cache()


def machine_checks(root: Path, tmp_path: Path) -> list[Any]:
    """The environment checks of the skill at ``root``, from its facts as the
    catalog reads and caches them (no manifest parsed again)."""
    facts = read_facts(Candidate("project", root, root / "SKILL.md"))
    return environment.unmet(
        facts["extra"], str(root / "SKILL.md"), facts["name"], models=nowhere(tmp_path)
    )


def command(name: str, entry: str = "cli:main") -> dict[str, Any]:
    return {"name": name, "entry": entry, "help": None}


def test_commands_are_typable_not_kurts_own_and_point_at_module_attribute() -> None:
    items = [
        command("archive-all"),
        command("Archive"),
        command("fetch"),
        command("archive-all", "pkg.cli:group.sub"),
        command("ok", "cli"),
        command("ok2", "cli:1x"),
    ]
    lines = {f"commands[{i}]": 10 + i for i in range(len(items))}
    problems = checks.check_commands(items, F, lines.__getitem__)
    assert [(p.line, p.message) for p in problems] == [
        (
            11,
            "command name 'Archive' may hold only lowercase ASCII letters a-z, digits 0-9 "
            "and single '-' between them, starting with a letter",
        ),
        (12, "command 'fetch' is one of Kurt's own commands (kurt fetch); rename it"),
        (13, "command 'archive-all' is declared twice"),
        (
            14,
            "command 'ok': entry 'cli' is not of the form 'module:attribute' "
            "(e.g. 'cli:main' for the click command `main` in cli.py of the skill folder)",
        ),
        (
            15,
            "command 'ok2': entry 'cli:1x' is not of the form 'module:attribute' "
            "(e.g. 'cli:main' for the click command `main` in cli.py of the skill folder)",
        ),
    ]
    assert {p.file for p in problems} == {str(F)}


def test_the_commands_of_spec_still_to_come_are_reserved_too() -> None:
    [problem] = checks.check_commands([command("workflow")], F, on_line_8)
    assert problem.message == (
        "command 'workflow' is one of Kurt's own commands (kurt workflow); rename it"
    )


def test_a_command_item_of_the_wrong_shape_is_a_parse_error(tmp_path: Path) -> None:
    root = tmp_path / "web"
    root.mkdir()
    path = root / "SKILL.md"
    path.write_text("---\nname: web\ndescription: d\ncommands:\n  - {name: a}\n---\n")
    with pytest.raises(ManifestError) as caught:
        parse_manifest(read_front_matter(path.read_bytes(), path), path)
    assert (caught.value.line, caught.value.message) == (
        5,
        "missing required key 'commands[0].entry'",
    )
    assert "entry" in str(caught.value.hint)


def test_manifest_checks_collect_every_manifest_rule(tmp_path: Path) -> None:
    root, front, manifest = skill(
        tmp_path,
        "web",
        """\
        ---
        name: Web
        description: ""
        metadata: {n: 1}
        effort: high
        ---
        """,
    )
    path = root / "SKILL.md"
    problems = checks.manifest_checks(root, front, manifest)
    assert [(p.line, p.severity, p.message) for p in problems] == [
        (2, "error", "name 'Web' may hold only lowercase ASCII letters a-z, digits 0-9 and '-'"),
        (2, "error", "name 'Web' does not match the folder name 'web'"),
        (3, "error", "description must not be empty"),
        (5, "warning", "unknown top-level key 'effort' (ignored by Kurt)"),
        (4, "warning", "metadata values should be strings (read as text: n); quote them"),
        (2, "warning", "the skill implements nothing (no 'implements' key): it provides no tool"),
    ]
    assert {p.file for p in problems} == {str(path)}


def test_field_checks_need_no_parsed_manifest(tmp_path: Path) -> None:
    root = tmp_path / "web"
    root.mkdir()
    path = root / "SKILL.md"
    path.write_text("---\nname: Web\ndescription: 5\ntags: web\neffort: high\n---\n", "utf-8")
    front = read_front_matter(path.read_bytes(), path)
    problems = checks.field_checks(root, front)
    assert [(p.line, p.message) for p in problems] == [
        (2, "name 'Web' may hold only lowercase ASCII letters a-z, digits 0-9 and '-'"),
        (2, "name 'Web' does not match the folder name 'web'"),
        (5, "unknown top-level key 'effort' (ignored by Kurt)"),
    ]  # description: 5 and tags: web are the parser's to report


def test_manifest_checks_for_a_package_skill_use_the_entry_point_name(tmp_path: Path) -> None:
    root, front, manifest = skill(tmp_path, "web_pkg", "---\nname: web\ndescription: d\n---\n")
    problems = checks.manifest_checks(root, front, manifest, entry_point="web")
    assert [p.severity for p in problems] == ["warning"]  # implements nothing


def nowhere(home: Path) -> ConfiguredModels:
    """The models of no project: none (these skills do not ask one)."""
    return ConfiguredModels(Locations(None, home))


def test_a_healthy_skill_has_no_problems(tmp_path: Path) -> None:
    root, front, manifest = skill(
        tmp_path,
        "archiver",
        """\
        ---
        name: archiver
        description: Archive pages.
        requires_python: ">=3.8"
        requires: [packaging]
        implements:
          - {type: tool, class: ArchiveTool, name: archive}
        settings:
          timeout: {type: float, default: 30}
        ---
        """,
        "from kurt import Tool\n\nclass ArchiveTool(Tool): ...\n",
    )
    assert checks.manifest_checks(root, front, manifest) == []
    assert machine_checks(root, tmp_path) == []
    assert codecheck.code_checks(root, front, manifest) == []


def test_environment_and_code_checks_point_at_their_keys(tmp_path: Path) -> None:
    root, front, manifest = skill(
        tmp_path,
        "archiver",
        """\
        ---
        name: archiver
        description: Archive pages.
        requires_python: "<3"
        requires: [surely-not-installed-kurt-dist]
        requires_env: [KURT_SURELY_UNSET_VARIABLE]
        implements:
          - {type: tool, class: Missing, name: archive}
        ---
        """,
        "x = 1\n",
    )
    env = machine_checks(root, tmp_path)
    assert [p.line for p in env] == [4, 5, 6]
    [code] = codecheck.code_checks(root, front, manifest)
    assert code.line == 8  # the implements item naming the missing class


# --- requirement order ----------------------------------------------------------------------


def test_order_puts_requirements_first_and_keeps_the_given_order() -> None:
    requires = {"app": ["db", "http"], "http": [], "db": ["http"], "other": []}
    assert precedence.order_by_requirements(requires) == ["http", "db", "app", "other"]


def test_a_cycle_is_named() -> None:
    with pytest.raises(SkillError) as info:
        precedence.order_by_requirements({"a": ["b"], "b": ["a"]})
    assert info.value.message == "skill 'a': requirement cycle: a -> b -> a"
    assert info.value.hint


def test_a_skill_requiring_itself() -> None:
    resolution = precedence.resolve_requirements({"a": ["a"], "b": []})
    assert resolution.order == ["b"]
    assert resolution.problems == {"a": "requirement cycle: a -> a"}


def test_a_missing_requirement_is_an_error() -> None:
    with pytest.raises(SkillError, match="requires skill 'nope', which is not available"):
        precedence.order_by_requirements({"a": ["nope"]})


def test_skills_above_a_broken_one_cannot_load_and_the_rest_still_can() -> None:
    resolution = precedence.resolve_requirements(
        {"top": ["mid"], "mid": ["x"], "x": ["y"], "y": ["x"], "ok": [], "lost": ["gone"]}
    )
    assert resolution.order == ["ok"]
    cycle = "requirement cycle: x -> y -> x"
    assert resolution.problems == {
        "x": cycle,
        "y": cycle,
        "mid": f"requires 'x', which cannot load: {cycle}",
        "top": f"requires 'mid', which cannot load: requires 'x', which cannot load: {cycle}",
        "lost": "requires skill 'gone', which is not available",
    }


def test_a_long_chain_does_not_hit_the_recursion_limit() -> None:
    n = 5000
    requires = {f"s{i}": [f"s{i + 1}"] if i + 1 < n else [] for i in range(n)}
    assert precedence.order_by_requirements(requires)[0] == f"s{n - 1}"


# --- routing: url_patterns and priority -------------------------------------------------------


def routed(kind: str, name: str = "t", **keys: Any) -> dict[str, Any]:
    item = {"type": kind, "class": "C", "name": name, **keys}
    return Implementation.model_validate(item).model_dump(by_alias=True)


def test_fetchers_and_mappers_may_declare_url_patterns_and_priority() -> None:
    implements = [
        routed("fetcher", url_patterns=["*.notion.so/*", "notion.so/*"], priority=3),
        routed("mapper", "m", url_patterns=["*/feed*", "example.com/[a-z]*"]),
    ]
    assert checks.check_routing(implements, F, on_line_8) == []
    assert implements[0]["priority"] == 3
    assert routed("fetcher")["url_patterns"] == []
    assert routed("fetcher")["priority"] == 0


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        (
            "https://example.com/*",
            "fetcher 't': url_patterns: 'https://example.com/*' holds a scheme; patterns "
            "match host/path without it (write 'example.com/*')",
        ),
        ("", "fetcher 't': url_patterns: a pattern must not be empty"),
        (
            "example.com/a b",
            "fetcher 't': url_patterns: 'example.com/a b' holds whitespace or a control character",
        ),
        (
            "example.com/[ab",
            "fetcher 't': url_patterns: 'example.com/[ab' opens a '[' set that no ']' closes",
        ),
        (
            "notion.so",
            "fetcher 't': url_patterns: 'notion.so' can never match: a URL is matched "
            "as host/path, so write 'notion.so/*'",
        ),
    ],
)
def test_a_bad_url_pattern_is_an_error_at_its_entry(pattern: str, message: str) -> None:
    implements = [routed("fetcher", url_patterns=["ok.test/*", pattern])]
    problems = checks.check_routing(implements, F, on_line_8)
    assert [(p.file, p.line, p.severity, p.message) for p in problems] == [
        (str(F), 8, "error", message)
    ]


def test_a_tool_takes_no_url_patterns_nor_priority() -> None:
    for keys in ({"url_patterns": ["*.test/*"]}, {"priority": 2}):
        problems = checks.check_routing([routed("tool", "archive", **keys)], F, on_line_8)
        assert messages(problems) == [
            "tool 'archive': url_patterns and priority route URLs to fetchers and mappers; "
            "a tool takes neither (remove them)"
        ]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ("url_patterns: '*.test/*'", "'implements[0].url_patterns': expected a list"),
        ("priority: high", "'implements[0].priority': expected an integer"),
        ("priority: true", "'implements[0].priority': expected an integer"),
    ],
)
def test_routing_keys_of_the_wrong_shape_fail_parsing(
    tmp_path: Path, fields: str, expected: str
) -> None:
    folder = tmp_path / "web"
    folder.mkdir()
    text = (
        "---\nname: web\ndescription: d\nimplements:\n"
        f"  - {{type: fetcher, class: C, name: web, {fields}}}\n---\n"
    )
    (folder / "SKILL.md").write_text(text, encoding="utf-8")
    with pytest.raises(ManifestError) as caught:
        parse_manifest(read_front_matter(text, folder / "SKILL.md"), folder / "SKILL.md")
    assert expected in str(caught.value)
    assert caught.value.line == 5
