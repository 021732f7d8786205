"""``kurt workflow validate``: what a workflow means, checked before it runs.

From manifests alone, importing no skill's code: tool names (with a
did-you-mean), each step's input against its tool's input schema where Kurt
knows it, references to inputs and steps, ``depends_on`` ids, duplicate step
ids and cycles. Every problem names the file and the line.

A skill's input schema is in its code, which validation does not import: a
step's input is checked against the input model of Kurt's own tools (and of a
skill's tool this process loaded already) in full, and against the schema
:mod:`kurt.skills.schemas` cached when the skill was last imported for its
schemas (``kurt mcp serve`` lists its tools), while its files are unchanged,
for its keys and required fields (their types are the tool's to check when it
runs).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

from kurt.errors import did_you_mean
from kurt.skills.record import SkillProblem
from kurt.workflows import template
from kurt.workflows.graph import find_cycle
from kurt.workflows.load import Loaded
from kurt.workflows.model import Step, Workflow

if TYPE_CHECKING:
    from pydantic import BaseModel

    from kurt.skills.manager import SkillManager
    from kurt.skills.schemas import SchemaCache


class ToolLookup(Protocol):
    """What validation asks about tool names (:class:`CatalogTools` answers
    from the skills' manifests; tests pass their own)."""

    def names(self) -> Iterable[str]:
        """Every tool name a step may use."""
        ...

    def refusal(self, name: str) -> str | None:
        """Why tool ``name`` cannot run here (unknown names aside), or ``None``."""
        ...

    def input_model(self, name: str) -> type[BaseModel] | None:
        """The tool's input model when known without importing skill code."""
        ...

    def cached_schema(self, name: str) -> dict[str, Any] | None:
        """The JSON Schema of a skill tool's input, cached from its last import."""
        ...


class CatalogTools:
    """:class:`ToolLookup` from Kurt's own names and the skills' manifests."""

    def __init__(self, skills: SkillManager) -> None:
        self.skills = skills
        self._schemas: SchemaCache | None = None

    def names(self) -> Iterable[str]:
        import sys

        from kurt.kinds import OWN_NAMES

        names = set(OWN_NAMES["tool"]) | set(self.skills.names("tool"))
        registry = sys.modules.get("kurt.registry")
        if registry is not None:  # registered in this process (a test, a script)
            names.update(entry.name for entry in registry.TOOLS.loaded())
        return names

    def refusal(self, name: str) -> str | None:
        from kurt.kinds import OWN_NAMES

        if name in OWN_NAMES["tool"]:
            return None
        record = self.skills.provider("tool", name)
        if record is None or record.usable:
            return None
        why = record.reason or record.status
        if record.errors:
            why = f"{record.status}: {record.errors[0].message}"
        return f"tool '{name}' comes from skill '{record.name}', which is {why}"

    def input_model(self, name: str) -> type[BaseModel] | None:
        import sys

        from kurt.kinds import OWN_NAMES

        if name in OWN_NAMES["tool"]:
            from kurt.registry import TOOLS

            model: type[BaseModel] = TOOLS.get(name).InputModel
            return model
        registry = sys.modules.get("kurt.registry")
        entry = registry.TOOLS.registered(name) if registry is not None else None
        return None if entry is None else entry.obj.InputModel

    def cached_schema(self, name: str) -> dict[str, Any] | None:
        from kurt.skills.schemas import SchemaCache

        record = self.skills.provider("tool", name)
        if record is None:
            return None
        if self._schemas is None:
            self._schemas = SchemaCache(self.skills)  # one file per project, read once
        return (self._schemas.cached(str(record.path)) or {}).get(name)


def validate(loaded: Loaded, tools: ToolLookup) -> list[SkillProblem]:
    """Every problem of one workflow file: its shape's, then its meaning's."""
    workflow = loaded.workflow
    problems = list(loaded.problems)
    problems += _duplicate_ids(workflow)
    known_tools = set(tools.names())
    step_ids = [step.id for step in workflow.steps]
    for step in workflow.steps:
        problems += _tool(workflow, step, tools, known_tools)
        problems += _depends_on(workflow, step, step_ids)
        problems += _references(workflow, step, step_ids)
        if step.tool in known_tools and tools.refusal(step.tool) is None:
            model = tools.input_model(step.tool)
            if model is not None:
                problems += _input(workflow, step, model)
            elif (schema := tools.cached_schema(step.tool)) is not None:
                problems += _input_keys(workflow, step, schema)
    cycle = find_cycle(workflow)
    if cycle is not None:
        first = workflow.step(cycle[0])
        problems.append(
            SkillProblem.at(
                workflow.path,
                first.line if first else None,
                f"steps wait for each other in a cycle: {' -> '.join(cycle)}",
                hint="remove one of these from depends_on (or the reference to it)",
            )
        )
    return sorted(problems, key=lambda p: p.line or 0)


def duplicate_names(workflows: Iterable[Workflow]) -> list[SkillProblem]:
    """A workflow name given twice: the first found runs (the project's
    before a skill's), the others are errors at their ``name`` line."""
    first: dict[str, Workflow] = {}
    problems = []
    for workflow in workflows:
        winner = first.setdefault(workflow.name, workflow)
        if winner is not workflow:
            problems.append(
                SkillProblem.at(
                    workflow.path,
                    workflow.line,
                    f"workflow '{workflow.name}' is also defined in {winner.path}, which is used",
                    hint="rename one of them under [workflow] name",
                )
            )
    return problems


def _duplicate_ids(workflow: Workflow) -> list[SkillProblem]:
    counts = Counter(step.id for step in workflow.steps)
    seen: set[str] = set()
    problems = []
    for step in workflow.steps:
        if counts[step.id] > 1 and step.id in seen:
            problems.append(
                SkillProblem.at(
                    workflow.path,
                    step.line_of("id"),
                    f"step id '{step.id}' is used by {counts[step.id]} steps",
                    hint="give each step an id of its own",
                )
            )
        seen.add(step.id)
    return problems


def _tool(workflow: Workflow, step: Step, tools: ToolLookup, known: set[str]) -> list[SkillProblem]:
    line = step.line_of("tool")
    if step.tool not in known:
        close = did_you_mean(step.tool, known)
        suggestion = f" Did you mean '{close}'?" if close else ""
        return [
            SkillProblem.at(
                workflow.path,
                line,
                f"step '{step.id}': unknown tool '{step.tool}'.{suggestion}",
                hint=None if close else "see every tool with: kurt tool list",
            )
        ]
    refusal = tools.refusal(step.tool)
    if refusal is not None:
        return [SkillProblem.at(workflow.path, line, f"step '{step.id}': {refusal}")]
    return []


def _depends_on(workflow: Workflow, step: Step, step_ids: list[str]) -> list[SkillProblem]:
    problems = []
    for other in step.depends_on:
        if other not in step_ids:
            problems.append(_unknown_step(workflow, step, "depends_on", other, step_ids))
    return problems


def _references(workflow: Workflow, step: Step, step_ids: list[str]) -> list[SkillProblem]:
    problems = []
    inputs = [spec.name for spec in workflow.inputs]
    for key, reference in template.references(step.input):
        where = f"input.{key}"
        line = step.line_of(where)
        if reference.kind is None:
            problems.append(
                SkillProblem.at(
                    workflow.path,
                    line,
                    f"step '{step.id}': '{{{{ {reference.text} }}}}' in {where} "
                    "is not a reference Kurt knows",
                    hint=f"write {template.FORMS}",
                )
            )
        elif reference.kind == template.INPUTS and reference.name not in inputs:
            close = did_you_mean(reference.name, inputs)
            suggestion = f" Did you mean '{close}'?" if close else ""
            problems.append(
                SkillProblem.at(
                    workflow.path,
                    line,
                    f"step '{step.id}': {where} refers to unknown input "
                    f"'{reference.name}'.{suggestion}",
                    hint=None if close else f"declare it: [inputs.{reference.name}]",
                )
            )
        elif reference.kind == template.STEPS and reference.name not in step_ids:
            problems.append(_unknown_step(workflow, step, where, reference.name, step_ids))
    return problems


def _unknown_step(
    workflow: Workflow, step: Step, where: str, other: str, step_ids: list[str]
) -> SkillProblem:
    close = did_you_mean(other, [s for s in step_ids if s != step.id])
    suggestion = f" Did you mean '{close}'?" if close else ""
    return SkillProblem.at(
        workflow.path,
        step.line_of(where),
        f"step '{step.id}': {where} names unknown step '{other}'.{suggestion}",
        hint=None if close else f"the steps are: {', '.join(step_ids)}",
    )


def _input(workflow: Workflow, step: Step, model: type[BaseModel]) -> list[SkillProblem]:
    """``step``'s input against its tool's input model; values that hold a
    reference are known only at run time, so only their keys are checked."""
    from pydantic import ValidationError

    from kurt.core.execute import describe_errors, undeclared_keys

    problems = []
    fields = list(model.model_fields)
    problems += [
        _undeclared(workflow, step, key, fields) for key in undeclared_keys(model, step.input)
    ]
    undeclared = set(undeclared_keys(model, step.input))
    templated = {key for key, value in step.input.items() if template.is_templated(value)}
    literal: dict[str, Any] = {
        key: value for key, value in step.input.items() if key not in templated | undeclared
    }
    try:
        model.model_validate(literal)
    except ValidationError as exc:
        for error in exc.errors():
            top = str(error["loc"][0]) if error["loc"] else ""
            if top in templated or error["type"] == "extra_forbidden":
                continue
            [detail] = describe_errors([error], fields)
            problems.append(_invalid(workflow, step, f"input.{top}" if top else "input", detail))
    return problems


def _input_keys(workflow: Workflow, step: Step, schema: dict[str, Any]) -> list[SkillProblem]:
    """``step``'s input keys against a skill tool's cached JSON Schema: each
    key declared (unless the model takes any), each required one given."""
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return []
    fields = list(properties)
    problems = []
    if schema.get("additionalProperties") is not True:
        problems += [
            _undeclared(workflow, step, key, fields) for key in step.input if key not in fields
        ]
    for key in schema.get("required") or []:
        if key not in step.input:
            problems.append(_invalid(workflow, step, "input", f"field '{key}': Field required"))
    return problems


def _undeclared(workflow: Workflow, step: Step, key: str, fields: list[str]) -> SkillProblem:
    close = did_you_mean(key, fields)
    suggestion = f"; did you mean '{close}'?" if close else ""
    return SkillProblem.at(
        workflow.path,
        step.line_of(f"input.{key}"),
        f"step '{step.id}': tool '{step.tool}' takes no input '{key}'{suggestion}",
        hint=f"'{step.tool}' takes: {', '.join(fields) or 'no input'}",
    )


def _invalid(workflow: Workflow, step: Step, key: str, detail: str) -> SkillProblem:
    return SkillProblem.at(
        workflow.path,
        step.line_of(key),
        f"step '{step.id}': invalid input for tool '{step.tool}': {detail}",
    )
