"""What validation finds in a workflow's meaning, each problem at its line."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from kurt.workflows.model import Workflow
from kurt.workflows.validate import duplicate_names, validate
from workflows.helpers import load


class GreetInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    times: int = 1


class Tools:
    """Tools 'greet' (input model known), 'cached' (a skill's, its schema
    cached), 'opaque' (a skill's: schema unknown) and 'off' (its skill is
    disabled)."""

    def names(self) -> Iterable[str]:
        return ["greet", "cached", "opaque", "off"]

    def refusal(self, name: str) -> str | None:
        return "tool 'off' comes from skill 'x', which is disabled" if name == "off" else None

    def input_model(self, name: str) -> type[BaseModel] | None:
        return GreetInput if name == "greet" else None

    def cached_schema(self, name: str) -> dict[str, Any] | None:
        return GreetInput.model_json_schema() if name == "cached" else None


def problems_of(tmp_path: Path, text: str) -> list[tuple[int | None, str]]:
    return [(p.line, p.message) for p in validate(load(tmp_path, text), Tools())]


def test_a_valid_workflow_has_no_problems(tmp_path: Path) -> None:
    text = """
        [workflow]
        name = "ok"
        [inputs.who]
        type = "str"
        [[steps]]
        id = "a"
        tool = "greet"
        input = { name = "{{ inputs.who }}", times = 2 }
        [[steps]]
        id = "b"
        tool = "opaque"
        input = { anything = "{{ steps.a.data.message }}" }
        """
    assert problems_of(tmp_path, text) == []


def test_each_kind_of_problem_at_its_line(tmp_path: Path) -> None:
    text = """
        [workflow]
        name = "bad"
        [inputs.who]
        type = "str"
        [[steps]]
        id = "a"
        tool = "gret"
        [[steps]]
        id = "b"
        tool = "greet"
        input = { nmae = "x" }
        [[steps]]
        id = "c"
        tool = "greet"
        input = { name = "{{ inputs.whom }}", times = "many" }
        [[steps]]
        id = "d"
        tool = "opaque"
        input = { x = "{{ steps.e.data }}", y = "{{ step.a.data }}" }
        depends_on = ["bb"]
        [[steps]]
        id = "b"
        tool = "off"
        """
    assert problems_of(tmp_path, text) == [
        (7, "step 'a': unknown tool 'gret'. Did you mean 'greet'?"),
        (11, "step 'b': tool 'greet' takes no input 'nmae'; did you mean 'name'?"),
        (11, "step 'b': invalid input for tool 'greet': field 'name': Field required"),
        (15, "step 'c': input.name refers to unknown input 'whom'. Did you mean 'who'?"),
        (
            15,
            "step 'c': invalid input for tool 'greet': field 'times': "
            "Input should be a valid integer, unable to parse string as an integer (got 'many')",
        ),
        (19, "step 'd': input.x names unknown step 'e'."),
        (19, "step 'd': '{{ step.a.data }}' in input.y is not a reference Kurt knows"),
        (20, "step 'd': depends_on names unknown step 'bb'. Did you mean 'b'?"),
        (22, "step id 'b' is used by 2 steps"),
        (23, "step 'b': tool 'off' comes from skill 'x', which is disabled"),
    ]


def test_a_cached_schema_checks_keys_and_required_fields(tmp_path: Path) -> None:
    text = """
        [workflow]
        name = "c"
        [[steps]]
        id = "a"
        tool = "cached"
        input = { nmae = "x", times = "many" }
        [[steps]]
        id = "b"
        tool = "cached"
        input = { name = "{{ steps.a.data }}", times = "types are the tool's to check" }
        """
    assert problems_of(tmp_path, text) == [
        (6, "step 'a': tool 'cached' takes no input 'nmae'; did you mean 'name'?"),
        (6, "step 'a': invalid input for tool 'cached': field 'name': Field required"),
    ]


def test_a_cycle_is_reported_at_its_first_step(tmp_path: Path) -> None:
    text = """
        [workflow]
        name = "loop"
        [[steps]]
        id = "a"
        tool = "opaque"
        depends_on = ["b"]
        [[steps]]
        id = "b"
        tool = "opaque"
        input = { x = "{{ steps.a.data }}" }
        """
    [(line, message)] = problems_of(tmp_path, text)
    assert message in {
        "steps wait for each other in a cycle: a -> b -> a",
        "steps wait for each other in a cycle: b -> a -> b",
    }
    assert line == (3 if message.endswith("a -> b -> a") else 7)


def test_a_name_given_twice_is_an_error_of_the_later_file() -> None:
    first = Workflow(name="x", path=Path("workflows/x.toml"), line=2)
    second = Workflow(name="x", path=Path("skills/s/x.toml"), line=3, source="skill", skill="s")
    [problem] = duplicate_names([first, second, Workflow(name="y", path=Path("y.toml"))])
    assert (problem.file, problem.line) == ("skills/s/x.toml", 3)
    assert problem.message == "workflow 'x' is also defined in workflows/x.toml, which is used"
