"""``{{ inputs.x }}`` and ``{{ steps.ID.data }}`` in a step's input.

The grammar is three forms, so it is read with one regular expression rather
than a template engine (Jinja would render text, and a step's input keeps
its types: ``"{{ steps.map.data }}"`` is the list itself):

- ``{{ inputs.NAME }}``: the value of workflow input NAME;
- ``{{ steps.ID.data }}``: the ``data`` of step ID's ToolResult (a list of items);
- ``{{ steps.ID.data.FIELD }}``: FIELD of each of those items, as a list
  (``{{ steps.map.data.url }}`` gives the URLs the ``map`` step found).

A string that is exactly one reference becomes the referenced value; a
reference inside longer text is written into it (lists and mappings as JSON).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

_REFERENCE = re.compile(r"\{\{\s*(.*?)\s*\}\}")
_NAME = r"[A-Za-z_][A-Za-z0-9_-]*"
_INPUT = re.compile(rf"inputs\.({_NAME})")
_STEP = re.compile(rf"steps\.({_NAME})\.data(?:\.({_NAME}))?")

INPUTS = "inputs"
STEPS = "steps"

#: What the forms say, for messages.
FORMS = "{{ inputs.NAME }}, {{ steps.ID.data }} or {{ steps.ID.data.FIELD }}"


class Reference(NamedTuple):
    """One ``{{ ... }}`` in a value; ``kind`` is ``inputs``, ``steps`` or
    ``None`` when the text is none of the forms."""

    kind: str | None
    name: str
    field: str | None
    text: str


def parse(text: str) -> Reference:
    """The reference written inside ``{{ }}`` (``text`` without the braces)."""
    if found := _INPUT.fullmatch(text):
        return Reference(INPUTS, found.group(1), None, text)
    if found := _STEP.fullmatch(text):
        return Reference(STEPS, found.group(1), found.group(2), text)
    return Reference(None, text, None, text)


def references(value: Any, key: str = "") -> Iterator[tuple[str, Reference]]:
    """Every reference in ``value`` (nested lists and tables too), with the
    dotted key it sits under (``source``, ``urls[1]``)."""
    if isinstance(value, str):
        for found in _REFERENCE.finditer(value):
            yield key, parse(found.group(1))
    elif isinstance(value, Mapping):
        for name, item in value.items():
            yield from references(item, f"{key}.{name}" if key else str(name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from references(item, f"{key}[{index}]")


def is_templated(value: Any) -> bool:
    """Whether ``value`` holds a reference anywhere (its final value is known at run time)."""
    return next(references(value), None) is not None


def render(value: Any, inputs: Mapping[str, Any], data: Mapping[str, list[dict[str, Any]]]) -> Any:
    """``value`` with every reference replaced: ``inputs`` are the workflow's
    input values, ``data`` each finished step's ToolResult data. Validation
    has made sure every name exists; a missing one raises ``KeyError``."""
    if isinstance(value, str):
        whole = _REFERENCE.fullmatch(value.strip())
        if whole:
            return _value(parse(whole.group(1)), inputs, data)
        return _REFERENCE.sub(lambda m: _text(_value(parse(m.group(1)), inputs, data)), value)
    if isinstance(value, Mapping):
        return {name: render(item, inputs, data) for name, item in value.items()}
    if isinstance(value, list):
        return [render(item, inputs, data) for item in value]
    return value


def _value(
    reference: Reference, inputs: Mapping[str, Any], data: Mapping[str, list[dict[str, Any]]]
) -> Any:
    if reference.kind == INPUTS:
        return inputs[reference.name]
    if reference.kind == STEPS:
        items = data[reference.name]
        if reference.field is None:
            return items
        return [item[reference.field] for item in items if reference.field in item]
    raise KeyError(reference.text)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
