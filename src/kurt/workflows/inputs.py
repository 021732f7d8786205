"""The values of a workflow's inputs for one run, from ``-p key=value``.

Command-line values are text: each is read as its input's type (``"5"`` for
an ``int``, ``true``/``false`` for a ``bool``, JSON for a ``list`` or
``dict``; a key given twice is a list already). A missing required input, an
unknown key or a value that is not of its type is a usage error (exit 2).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from kurt.errors import UsageError, did_you_mean
from kurt.skills.manifest.rules import matches_setting_type
from kurt.workflows.model import InputSpec, Workflow

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def resolve_inputs(workflow: Workflow, params: Mapping[str, Any]) -> dict[str, Any]:
    """Each input's value: from ``params``, else its default."""
    names = [spec.name for spec in workflow.inputs]
    for key in params:
        if key not in names:
            close = did_you_mean(key, names)
            suggestion = f" Did you mean '{close}'?" if close else ""
            raise UsageError(
                f"workflow '{workflow.name}' takes no input '{key}'.{suggestion}",
                hint=_takes(workflow),
            )
    values: dict[str, Any] = {}
    for spec in workflow.inputs:
        if spec.name in params:
            values[spec.name] = _convert(workflow, spec, params[spec.name])
        elif spec.required:
            raise UsageError(
                f"workflow '{workflow.name}' needs input '{spec.name}'",
                hint=f"pass it with -p {spec.name}=...; {_takes(workflow)}",
            )
        else:
            values[spec.name] = spec.default
    return values


def _convert(workflow: Workflow, spec: InputSpec, value: Any) -> Any:
    converted = _as_type(spec.type, value)
    if not matches_setting_type(spec.type, converted):
        raise UsageError(
            f"workflow '{workflow.name}': input '{spec.name}' must be of type {spec.type}, "
            f"got {value!r}",
            hint=_takes(workflow),
        )
    return converted


def _as_type(kind: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
        if kind in ("list", "dict"):
            return json.loads(value)
    except ValueError:
        return value
    if kind == "bool":
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
    return value


def _takes(workflow: Workflow) -> str:
    if not workflow.inputs:
        return f"'{workflow.name}' takes no input"
    parts = [
        f"{spec.name} ({spec.type}, required)" if spec.required else f"{spec.name}={spec.default!r}"
        for spec in workflow.inputs
    ]
    return f"'{workflow.name}' takes: {', '.join(parts)}"
