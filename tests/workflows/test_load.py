"""Reading a workflow file: records with their lines, and the problems of its shape."""

from __future__ import annotations

from pathlib import Path

from kurt.workflows.lines import key_lines
from kurt.workflows.model import InputSpec
from workflows.helpers import load


def test_a_workflow_is_read_with_the_line_of_each_key(tmp_path: Path) -> None:
    loaded = load(
        tmp_path,
        """
        [workflow]
        name = "digest"
        description = "d"

        [inputs.source]
        type = "str"

        [inputs.limit]
        type = "int"
        default = 3

        [[steps]]
        id = "map"
        tool = "map"
        input = { source = "{{ inputs.source }}" }

        [[steps]]
        id = "fetch"
        tool = "fetch"
        depends_on = "map"

        [steps.input]
        urls = "{{ steps.map.data.url }}"
        """,
    )
    assert loaded.problems == []
    workflow = loaded.workflow
    assert (workflow.name, workflow.description, workflow.line) == ("digest", "d", 2)
    assert workflow.inputs == (
        InputSpec("source", "str", None, "", 5),
        InputSpec("limit", "int", 3, "", 8),
    )
    assert workflow.inputs[0].required
    assert not workflow.inputs[1].required
    map_step, fetch_step = workflow.steps
    assert (map_step.line, map_step.line_of("tool"), map_step.line_of("input.source")) == (
        12,
        14,
        15,
    )
    assert fetch_step.depends_on == ("map",)
    assert fetch_step.input == {"urls": "{{ steps.map.data.url }}"}
    assert (fetch_step.line_of("depends_on"), fetch_step.line_of("input.urls")) == (20, 23)


def test_shape_problems_name_their_line(tmp_path: Path) -> None:
    loaded = load(
        tmp_path,
        """
        [workflow]
        name = "x"
        descripton = "typo"

        [inputs.n]
        type = "number"

        [inputs.flag]
        type = "bool"
        default = "yes"

        [[steps]]
        tool = "map"
        input = "docs/"
        depends_on = [1]
        """,
    )
    assert [(p.line, p.message) for p in loaded.problems] == [
        (3, "unknown key 'descripton' in workflow; did you mean 'description'?"),
        (6, "input 'n': type 'number' is not one of str, int, float, bool, list, dict"),
        (10, "input 'flag': default 'yes' is not a bool"),
        (12, "step 1 has no 'id'"),
        (14, "step '': 'input' must be a table"),
        (15, "step '': 'depends_on' must be a list of step ids"),
    ]
    assert loaded.workflow.steps == ()  # a step without an id is not kept


def test_a_toml_syntax_error_is_one_problem_at_its_line(tmp_path: Path) -> None:
    loaded = load(tmp_path, '[workflow]\nname = "x"\n[[steps]]\nid = \n')
    [problem] = loaded.problems
    assert (problem.line, problem.message.startswith("invalid TOML: ")) == (4, True)
    assert loaded.workflow.name == "flow"  # the file's name stands in


def test_an_empty_file_says_what_is_missing(tmp_path: Path) -> None:
    messages = [p.message for p in load(tmp_path, "").problems]
    assert messages == ["missing the [workflow] table", "the workflow has no steps"]


def test_keys_inside_multiline_strings_are_not_keys() -> None:
    text = '[workflow]\ndescription = """\nname = "no"\n"""\nname = "yes"\n'
    assert key_lines(text)[("workflow", "name")] == 5
