"""``kurt config llm``: the model ``context.llm`` asks, where it was set, and
where its API key comes from (masked: the key itself is never printed)."""

from __future__ import annotations

import os
from typing import Any

import click

from kurt.cli.state import CliState

#: How a set key is shown.
MASK = "***"


@click.command(name="llm")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (stable keys) instead of text.")
@click.pass_obj
def config_llm(state: CliState, as_json: bool) -> None:
    """The effective [llm] model, where it was set, and where its key comes from.

    \b
    Examples:
      kurt config llm
      KURT_LLM__MODEL=anthropic:claude-sonnet-4-0 kurt config llm --json
    """
    report = llm_report(state)
    if as_json:
        from kurt.cli.output import print_json

        print_json(report)
        return
    from kurt.cli.output import print_fields

    key = report["key"]
    if report["model"] is None:
        key_text = "none (no model)"
    elif key["variable"] is None:
        key_text = "the provider's own set-up (see pydantic-ai's documentation)"
    else:
        key_text = f"{key['variable']} ({'set: ' + MASK if key['set'] else 'not set'})"
    print_fields(
        [
            ("model", _with_source(report["model"], report["sources"]["model"])),
            ("timeout", _with_source(report["timeout"], report["sources"]["timeout"])),
            ("max_tokens", _with_source(report["max_tokens"], report["sources"]["max_tokens"])),
            ("key", key_text),
            ("pydantic-ai", "installed" if report["installed"] else _NOT_INSTALLED),
        ],
        indent=13,
    )


_NOT_INSTALLED = "not installed: pip install 'kurt-skills[llm]'"


def _with_source(value: Any, source: str) -> str:
    return "none (default)" if value is None else f"{value} (from {source})"


def llm_report(state: CliState) -> dict[str, Any]:
    """What ``kurt config llm --json`` prints: values, their sources, the key's
    variable and whether it is set (``value`` is ``***`` or ``None``)."""
    from importlib.util import find_spec

    from kurt.config.llm import llm_source
    from kurt.config.model import load_config
    from kurt.core.llm import key_variable

    section = load_config(state.locations).llm  # located errors for a bad [llm]
    keys = ("model", "timeout", "max_tokens")
    sources = {key: llm_source(state.locations, key).source for key in keys}
    variable = key_variable(section.model.partition(":")[0]) if section.model else None
    is_set = variable is not None and bool(os.environ.get(variable))
    return {
        "model": section.model,
        "timeout": section.timeout,
        "max_tokens": section.max_tokens,
        "sources": sources,
        "key": {"variable": variable, "set": is_set, "value": MASK if is_set else None},
        "installed": find_spec("pydantic_ai") is not None,
    }
