"""A workflow as plain, frozen records (what :mod:`kurt.workflows.load` reads).

A workflow file says (SPEC section 11)::

    [workflow]
    name = "digest"
    description = "Map a folder, fetch its pages, digest them"

    [inputs.source]
    type = "str"
    description = "The folder or site"

    [[steps]]
    id = "map"
    tool = "map"
    input = { source = "{{ inputs.source }}" }

Each record keeps the lines its keys were found on, so that every problem
:mod:`kurt.workflows.validate` finds names the file and the line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs

#: Where a workflow comes from: the project's ``workflows/`` folder, or a skill.
SOURCE_PROJECT = "project"
SOURCE_SKILL = "skill"


@attrs.frozen
class InputSpec:
    """One ``[inputs.NAME]`` table: a value the user passes with ``-p NAME=...``."""

    name: str
    type: str = "str"
    default: Any = None
    description: str = ""
    line: int | None = None

    @property
    def required(self) -> bool:
        """An input without a default must be given."""
        return self.default is None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "default": self.default,
            "required": self.required,
            "description": self.description,
        }


@attrs.frozen
class Step:
    """One ``[[steps]]`` table: a tool run with an input, after its dependencies."""

    id: str
    tool: str
    input: dict[str, Any] = attrs.field(factory=dict)
    depends_on: tuple[str, ...] = ()
    #: The step's own ``[[steps]]`` line, and the line of each of its keys
    #: (``tool``, ``input``, ``input.source``, ``depends_on``).
    line: int | None = None
    lines: dict[str, int] = attrs.field(factory=dict, eq=False)

    def line_of(self, key: str) -> int | None:
        """The line of ``key`` (``input.source``), else of its parent, else the step's."""
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key.rpartition(".")[0]
        return self.line

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "tool": self.tool,
            "input": self.input,
            "depends_on": list(self.depends_on),
        }


@attrs.frozen
class Workflow:
    """One workflow file, read (its problems, if any, are validation's to find)."""

    name: str
    path: Path
    description: str = ""
    inputs: tuple[InputSpec, ...] = ()
    steps: tuple[Step, ...] = ()
    #: ``project`` or ``skill``; ``skill`` is the providing skill's name.
    source: str = SOURCE_PROJECT
    skill: str | None = None
    #: Whether it may run here: a project's own workflows (and those of its
    #: skills) wait for ``kurt trust`` (SPEC section 9).
    trusted: bool = True
    #: Where ``[workflow]`` and ``name`` are, for problems about the whole file.
    line: int | None = None

    def input(self, name: str) -> InputSpec | None:
        return next((spec for spec in self.inputs if spec.name == name), None)

    def step(self, step_id: str) -> Step | None:
        return next((step for step in self.steps if step.id == step_id), None)

    def to_json(self) -> dict[str, Any]:
        """The ``kurt workflow list --json`` row (``info`` adds inputs and steps)."""
        return {
            "name": self.name,
            "description": self.description,
            "source": self.source,
            "skill": self.skill,
            "path": str(self.path),
            "trusted": self.trusted,
        }

    def details_json(self) -> dict[str, Any]:
        """The ``kurt workflow info --json`` object."""
        return {
            **self.to_json(),
            "inputs": [spec.to_json() for spec in self.inputs],
            "steps": [step.to_json() for step in self.steps],
        }
