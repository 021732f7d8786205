"""The order of a workflow's steps: what each one waits for, and cycles.

A step waits for the steps in its ``depends_on`` and for every step whose
data its input refers to (``{{ steps.map.data }}`` needs ``map`` finished),
so ``depends_on`` need only name the steps whose data it does not read.
"""

from __future__ import annotations

import graphlib

from kurt.workflows import template
from kurt.workflows.model import Step, Workflow


def needs(step: Step) -> list[str]:
    """The step ids ``step`` waits for: ``depends_on`` first, then those its
    input refers to, each once."""
    ids = dict.fromkeys(step.depends_on)
    for _, reference in template.references(step.input):
        if reference.kind == template.STEPS:
            ids.setdefault(reference.name)
    return list(ids)


def dependencies(workflow: Workflow) -> dict[str, set[str]]:
    """Step id -> the ids it waits for (unknown ids left out: validation
    reports them)."""
    known = {step.id for step in workflow.steps}
    return {step.id: {n for n in needs(step) if n in known} for step in workflow.steps}


def find_cycle(workflow: Workflow) -> list[str] | None:
    """Ids of a cycle among the steps (the first id repeated last), or ``None``."""
    try:
        graphlib.TopologicalSorter(dependencies(workflow)).prepare()
    except graphlib.CycleError as exc:
        cycle: list[str] = list(exc.args[1])
        # graphlib lists it as "a waits for b waits for a"; read it as the
        # order the steps would run in.
        return cycle[::-1]
    return None
