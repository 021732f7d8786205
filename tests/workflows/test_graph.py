"""What each step waits for, and cycles."""

from __future__ import annotations

from pathlib import Path

from kurt.workflows.graph import dependencies, find_cycle, needs
from kurt.workflows.model import Step, Workflow


def flow(*steps: Step) -> Workflow:
    return Workflow(name="f", path=Path("f.toml"), steps=steps)


def test_a_reference_to_a_step_is_a_dependency() -> None:
    step = Step("b", "t", {"x": "{{ steps.a.data }}", "y": "{{ inputs.z }}"}, ("c",))
    assert needs(step) == ["c", "a"]


def test_unknown_ids_are_left_to_validation() -> None:
    workflow = flow(Step("a", "t"), Step("b", "t", depends_on=("a", "ghost")))
    assert dependencies(workflow) == {"a": set(), "b": {"a"}}


def test_a_cycle_is_found_in_run_order() -> None:
    workflow = flow(
        Step("a", "t", depends_on=("c",)),
        Step("b", "t", {"x": "{{ steps.a.data }}"}),
        Step("c", "t", depends_on=("b",)),
    )
    cycle = find_cycle(workflow)
    assert cycle is not None
    assert set(cycle) == {"a", "b", "c"}
    assert cycle[0] == cycle[-1]
    assert find_cycle(flow(Step("a", "t"), Step("b", "t", depends_on=("a",)))) is None


def test_a_step_waiting_for_itself_is_a_cycle() -> None:
    assert find_cycle(flow(Step("a", "t", {"x": "{{ steps.a.data }}"}))) == ["a", "a"]
