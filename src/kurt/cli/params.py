"""What a command is given as input: ``--input JSON`` and ``-p KEY=VALUE``
(``kurt tool run``, ``kurt workflow run``), and ``--json`` for the result."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import click

from kurt.errors import UsageError

F = TypeVar("F", bound=Callable[..., Any])


def input_options(*, what: str, one: str) -> Callable[[F], F]:
    """``--input JSON``, ``-p/--param KEY=VALUE`` (repeatable) and ``--json``:
    ``what`` names the input (``"Input"``), ``one`` a single ``-p`` value."""

    def decorate(command: F) -> F:
        for option in reversed(
            (
                click.option(
                    "--input", "raw_input", metavar="JSON", help=f"{what} as a JSON object."
                ),
                click.option(
                    "-p",
                    "--param",
                    "pairs",
                    multiple=True,
                    metavar="KEY=VALUE",
                    help=f"{one} (repeatable).",
                ),
                click.option(
                    "--json", "as_json", is_flag=True, help="Print the ToolResult as JSON."
                ),
            )
        ):
            command = option(command)
        return command

    return decorate


def parse_params(pairs: tuple[str, ...], raw_input: str | None) -> dict[str, Any]:
    """Merge ``--input JSON`` with ``-p key=value`` pairs (pairs win).

    A value that looks like a JSON array or object is parsed as JSON; any other
    value stays a string (the tool's InputModel converts "2" to 2 for an int).
    A key given twice becomes a list.
    """
    params: dict[str, Any] = {}
    if raw_input:
        try:
            loaded = json.loads(raw_input)
        except json.JSONDecodeError as exc:
            raise UsageError(
                f"--input is not valid JSON: {exc.msg} at column {exc.colno}",
                hint='pass an object, for example --input \'{"url": "https://example.com"}\'',
            ) from None
        if not isinstance(loaded, dict):
            raise UsageError(
                "--input must be a JSON object", hint="for example --input '{\"a\": 1}'"
            )
        params.update(loaded)
    seen: set[str] = set()
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(
                f"-p expects key=value, got '{pair}'", hint="for example -p url=https://example.com"
            )
        parsed: Any = value
        if value[:1] in "[{":
            try:
                parsed = json.loads(value)
            except json.JSONDecodeError:
                parsed = value
        if key in seen:
            current = params[key]
            params[key] = [*current, parsed] if isinstance(current, list) else [current, parsed]
        else:
            params[key] = parsed
            seen.add(key)
    return params
