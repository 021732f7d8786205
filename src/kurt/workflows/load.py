"""Reading workflow files, and finding them: the project's ``workflows/``
folder first, then the ``workflows:`` of each usable skill, in search order.

Reading never raises for what a file says: :func:`read_workflow` returns the
workflow as far as it could be read and the problems of its shape (a syntax
error, a missing ``tool``, a value of the wrong type, an unknown key), each
with the file and line. What the steps mean (tool names, their inputs,
references, cycles) is :mod:`kurt.workflows.validate`'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kurt.errors import did_you_mean
from kurt.skills.manifest.rules import SETTING_TYPES, matches_setting_type
from kurt.skills.record import SkillProblem
from kurt.workflows.lines import KeyPath, key_lines
from kurt.workflows.model import SOURCE_PROJECT, SOURCE_SKILL, InputSpec, Step, Workflow

if TYPE_CHECKING:
    from kurt.skills.manager import SkillManager

#: The project's folder of workflow files.
FOLDER = "workflows"

_TOP_KEYS = ("workflow", "inputs", "steps")
_WORKFLOW_KEYS = ("name", "description")
_INPUT_KEYS = ("type", "default", "description")
_STEP_KEYS = ("id", "tool", "input", "depends_on")


class Loaded:
    """A workflow file read: the workflow and the problems of its shape."""

    __slots__ = ("problems", "workflow")

    def __init__(self, workflow: Workflow, problems: list[SkillProblem]) -> None:
        self.workflow = workflow
        self.problems = problems


def read_workflow(
    path: Path, *, source: str = SOURCE_PROJECT, skill: str | None = None, trusted: bool = True
) -> Loaded:
    """Read the workflow file at ``path`` (see the module doc)."""
    from kurt.config.files import parse_toml
    from kurt.errors import ConfigError

    problems: list[SkillProblem] = []
    empty = Workflow(name=path.stem, path=path, source=source, skill=skill, trusted=trusted)
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except OSError as exc:
        problems.append(SkillProblem.at(path, None, f"cannot read the file: {exc.strerror}"))
        return Loaded(empty, problems)
    try:
        data = parse_toml(text, path)
    except ConfigError as exc:  # a syntax error, or nesting too deep
        problems.append(SkillProblem.at(path, exc.line, exc.message, hint=exc.hint))
        return Loaded(empty, problems)
    reader = _Reader(path, key_lines(text), problems)
    workflow = reader.workflow(data, empty)
    return Loaded(workflow, problems)


class _Reader:
    """Turns parsed TOML into records, noting each problem at its line."""

    def __init__(self, path: Path, lines: dict[KeyPath, int], problems: list[SkillProblem]):
        self.path = path
        self.lines = lines
        self.problems = problems

    def line(self, *key: str | int) -> int | None:
        """The line of ``key``, else of the nearest table holding it."""
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return None

    def problem(self, key: KeyPath, message: str, hint: str | None = None) -> None:
        self.problems.append(SkillProblem.at(self.path, self.line(*key), message, hint=hint))

    def unknown_keys(
        self, table: Mapping[str, Any], known: tuple[str, ...], where: KeyPath
    ) -> None:
        for key in table:
            if key not in known:
                close = did_you_mean(key, known)
                suggestion = f"; did you mean '{close}'?" if close else ""
                place = _dotted(where) or "the file"
                self.problem(
                    (*where, key),
                    f"unknown key '{key}' in {place}{suggestion}",
                    hint=f"{place} takes: {', '.join(known)}",
                )

    def text(self, table: Mapping[str, Any], key: str, where: KeyPath, default: str = "") -> str:
        value = table.get(key, default)
        if not isinstance(value, str):
            self.problem((*where, key), f"'{_dotted((*where, key))}' must be a string")
            return default
        return value

    def table(self, value: Any, where: KeyPath) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.problem(where, f"'{_dotted(where)}' must be a table")
            return {}
        return value

    def workflow(self, data: dict[str, Any], empty: Workflow) -> Workflow:
        self.unknown_keys(data, _TOP_KEYS, ())
        head = self.table(data.get("workflow", {}), ("workflow",))
        if "workflow" not in data:
            self.problem((), "missing the [workflow] table", hint='add [workflow] name = "..."')
        self.unknown_keys(head, _WORKFLOW_KEYS, ("workflow",))
        name = self.text(head, "name", ("workflow",), empty.name)
        description = self.text(head, "description", ("workflow",))
        inputs = [
            self.input(key, spec)
            for key, spec in self.table(data.get("inputs", {}), ("inputs",)).items()
        ]
        raw_steps = data.get("steps", [])
        if not isinstance(raw_steps, list) or not all(isinstance(s, dict) for s in raw_steps):
            self.problem(("steps",), "'steps' must be tables: write each one as [[steps]]")
            raw_steps = []
        if not raw_steps:
            self.problem((), "the workflow has no steps", hint="add a [[steps]] table: id, tool")
        steps = [self.step(index, raw) for index, raw in enumerate(raw_steps)]
        return Workflow(
            name=name,
            path=self.path,
            description=description,
            inputs=tuple(inputs),
            steps=tuple(step for step in steps if step is not None),
            source=empty.source,
            skill=empty.skill,
            trusted=empty.trusted,
            line=self.line("workflow", "name"),
        )

    def input(self, name: str, raw: Any) -> InputSpec:
        where: KeyPath = ("inputs", name)
        spec = self.table(raw, where)
        self.unknown_keys(spec, _INPUT_KEYS, where)
        kind = self.text(spec, "type", where, "str")
        if kind not in SETTING_TYPES:
            self.problem(
                (*where, "type"),
                f"input '{name}': type '{kind}' is not one of {', '.join(SETTING_TYPES)}",
            )
            kind = "str"
        default = spec.get("default")
        if default is not None and not matches_setting_type(kind, default):
            self.problem(
                (*where, "default"), f"input '{name}': default {default!r} is not a {kind}"
            )
        description = self.text(spec, "description", where)
        return InputSpec(name, kind, default, description, self.line(*where))

    def step(self, index: int, raw: dict[str, Any]) -> Step | None:
        where: KeyPath = ("steps", index)
        self.unknown_keys(raw, _STEP_KEYS, where)
        for key in ("id", "tool"):
            if key not in raw:
                self.problem(where, f"step {index + 1} has no '{key}'", hint=_STEP_HINT)
        step_id = self.text(raw, "id", where)
        tool = self.text(raw, "tool", where)
        payload = raw.get("input", {})
        if not isinstance(payload, dict):
            self.problem((*where, "input"), f"step '{step_id}': 'input' must be a table")
            payload = {}
        depends = raw.get("depends_on", [])
        if isinstance(depends, str):
            depends = [depends]
        if not isinstance(depends, list) or not all(isinstance(d, str) for d in depends):
            self.problem(
                (*where, "depends_on"), f"step '{step_id}': 'depends_on' must be a list of step ids"
            )
            depends = []
        if not step_id or not tool:
            return None
        lines = {
            _dotted(path[2:]): line
            for path, line in self.lines.items()
            if path[:2] == where and len(path) > 2
        }
        return Step(step_id, tool, payload, tuple(depends), self.line(*where), lines)


_STEP_HINT = 'each [[steps]] table has id = "...", tool = "...", and optionally input, depends_on'


def _dotted(path: KeyPath) -> str:
    text = ""
    for part in path:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


# --- finding them --------------------------------------------------------------------------


def find_workflows(project_root: Path | None, skills: SkillManager) -> list[Loaded]:
    """Every workflow file: the project's first (by file name), then each
    usable skill's, in the skills' search order."""
    found: list[Loaded] = []
    if project_root is not None:
        folder = project_root / FOLDER
        trusted = _project_trusted(skills)
        if folder.is_dir():
            for path in sorted(folder.glob("*.toml")):
                found.append(read_workflow(path, trusted=trusted))
    project_trusted: bool | None = None
    for record in skills.records:
        entries = record.extra.get("workflows") or []
        if not record.usable or not entries:
            continue
        trusted = True
        if skills.needs_trust(record):
            if project_trusted is None:
                project_trusted = _project_trusted(skills)
            trusted = project_trusted
        for entry in entries:
            path = record.path / entry
            found.append(
                read_workflow(path, source=SOURCE_SKILL, skill=record.name, trusted=trusted)
            )
    return found


def _project_trusted(skills: SkillManager) -> bool:
    from kurt.errors import ConfigError

    try:
        return skills.project_trusted()
    except ConfigError:  # an unreadable trust record trusts nothing; running says why
        return False


def pick_workflow(found: list[Loaded], name: str) -> Loaded:
    """The workflow called ``name`` (the first found: the project's before a
    skill's); an unknown name is a usage error with a did-you-mean."""
    for loaded in found:
        if loaded.workflow.name == name:
            return loaded
    from kurt.errors import UnknownNameError

    raise UnknownNameError("workflow", name, [loaded.workflow.name for loaded in found])
