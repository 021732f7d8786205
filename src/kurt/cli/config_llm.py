"""``kurt config llm``: the model ``context.llm`` asks, where it was set, and
where its API key comes from (masked: the key itself is never printed); the
same for each skill with a model of its own (``[skills.NAME.llm]``)."""

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

    Then the same for each skill with a [skills.NAME.llm] table of its own
    (its keys over [llm]), or that table's problems.

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

    print_fields(
        [
            *_model_fields(report),
            ("pydantic-ai", "installed" if report["installed"] else _NOT_INSTALLED),
        ],
        indent=13,
    )
    for skill in report["skills"]:
        click.echo(f"\nskill {skill['name']} ([skills.{skill['name']}.llm] over [llm]):")
        if skill["problems"]:
            _print_problems(skill["problems"])
            continue
        print_fields(_model_fields(skill), indent=13, margin="  ")


def _print_problems(problems: list[str]) -> None:
    """A skill's invalid table: each problem (and its hint) wrapped within the width."""
    from kurt.cli.fit import wrap
    from kurt.cli.plain import width

    click.echo("  invalid: context.llm fails for this skill until the table is fixed")
    for problem in problems:
        for part in problem.split("\n"):  # the message, then its hint (indented)
            margin = "  " + part[: len(part) - len(part.lstrip())]
            lines = wrap(part.lstrip(), width() - len(margin), whole=True)
            click.echo("\n".join(margin + line for line in lines))


_NOT_INSTALLED = "not installed: pip install 'kurt-skills[llm]'"


def _model_fields(report: dict[str, Any]) -> list[tuple[str, str]]:
    """model, timeout, max_tokens (each with where it was set) and the key."""
    key = report["key"]
    if report["model"] is None:
        key_text = "none (no model)"
    elif key.get("setting") is not None:
        key_text = f"the skill's {key['setting']} setting (set: {MASK})"
    elif key["variable"] is None:
        key_text = "the provider's own set-up (see pydantic-ai's documentation)"
    else:
        key_text = f"{key['variable']} ({'set: ' + MASK if key['set'] else 'not set'})"
    sources = report["sources"]
    return [
        *((name, _with_source(report[name], sources[name])) for name in KEYS),
        ("key", key_text),
    ]


def _with_source(value: Any, source: str) -> str:
    return "none (default)" if value is None else f"{value} (from {source})"


#: The keys of ``[llm]`` (and of each ``[skills.NAME.llm]``).
KEYS = ("model", "timeout", "max_tokens")


def llm_report(state: CliState) -> dict[str, Any]:
    """What ``kurt config llm --json`` prints: values, their sources, the key's
    variable and whether it is set (``value`` is ``***`` or ``None``), and the
    same for each skill with a ``[skills.NAME.llm]`` table (:func:`skill_reports`)."""
    from importlib.util import find_spec

    from kurt.config.llm import llm_source
    from kurt.config.model import load_config

    section = load_config(state.locations).llm  # located errors for a bad [llm]
    sources = {key: llm_source(state.locations, key).source for key in KEYS}
    return {
        "model": section.model,
        "timeout": section.timeout,
        "max_tokens": section.max_tokens,
        "sources": sources,
        "key": _key(section.model),
        "installed": find_spec("pydantic_ai") is not None,
        "skills": skill_reports(state, section, sources),
    }


def _key(model: str | None) -> dict[str, Any]:
    """The variable ``model``'s provider reads its API key from, and whether it
    is set (``value``: ``***`` or ``None``, never the key)."""
    from kurt.core.llm import key_variable

    variable = key_variable(model.partition(":")[0]) if model else None
    is_set = variable is not None and bool(os.environ.get(variable))
    return {"variable": variable, "set": is_set, "value": MASK if is_set else None}


def skill_reports(state: CliState, section: Any, sources: dict[str, str]) -> list[dict[str, Any]]:
    """For each discovered skill whose ``[skills.NAME.llm]`` applies, by name:
    the model, timeout and max_tokens its ``context.llm`` asks (``section``,
    ``[llm]``, with the skill's keys over it) and where each was set, its key,
    or the table's problems (the values are then ``None``): what the runtime
    gives the skill, read the same way (:func:`kurt.config.model.skill_llm`)."""
    manager = state.runtime.skills
    if not any(table.llm for tables in manager.config.tables.values() for table in tables):
        return []  # no catalog scan for a project without one
    from kurt.config.model import skill_llm, skill_llm_problems
    from kurt.skills.status import STATUS_SHADOWED

    found: list[dict[str, Any]] = []
    for name, source, status, *_, schema, _errors in sorted(
        manager.config_rows(), key=lambda row: row[0]
    ):
        config, environ = manager.settings_sources(source)
        tables = [table for table in config.settings_tables(name) if table.llm]
        if status == STATUS_SHADOWED or not tables:
            continue
        problems = [
            str(problem)
            for table in tables
            for problem in skill_llm_problems(name, table.llm, table.file)
        ]
        if problems:
            found.append(
                {"name": name, "model": None, "timeout": None, "max_tokens": None}
                | {"sources": {}, "key": None, "problems": problems}
            )
            continue
        own = skill_llm(section, name, tables)
        secret = _secret_key(name, schema, config, environ)
        found.append(
            {
                "name": name,
                "model": own.model,
                "timeout": own.timeout,
                "max_tokens": own.max_tokens,
                "sources": {
                    key: next((str(t.file) for t in tables if key in t.llm), sources[key])
                    for key in KEYS
                },
                "key": (
                    {"variable": None, "set": True, "value": MASK, "setting": secret}
                    if secret is not None
                    else {**_key(own.model), "setting": None}
                ),
                "problems": [],
            }
        )
    return found


def _secret_key(name: str, schema: Any, config: Any, environ: Any) -> str | None:
    """``llm_api_key`` when the skill declares it as a secret setting and it is
    set: the runtime then gives it to the provider (:data:`kurt.runtime.LLM_KEY_SETTING`)."""
    from kurt.config.settings import inspect_settings
    from kurt.runtime import LLM_KEY_SETTING

    declared = schema.get(LLM_KEY_SETTING) if isinstance(schema, dict) else None
    if not isinstance(declared, dict) or not declared.get("secret"):
        return None
    values = inspect_settings(name, schema, config, environ).values
    value = next((item.value for item in values if item.key == LLM_KEY_SETTING), None)
    return LLM_KEY_SETTING if value else None
