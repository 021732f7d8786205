"""``kurt config``: show and edit kurt.toml.

``kurt config skills`` lists the skill search paths, each skill's enabled
state and why, its effective settings with their source (secrets masked) and
its problems. It reads manifests only: no skill code is imported, so it works
in any project, trusted or not. ``enable``, ``disable``, ``set`` and ``unset``
edit the project's kurt.toml (``--user``: ``~/.kurt/kurt.toml``) through
:mod:`kurt.config.edit`: comments and layout kept, atomic, locked, checked
before writing. ``kurt config schema`` prints a JSON Schema of kurt.toml.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kurt.cli.complete import setting_keys, skill_names
from kurt.cli.state import CliState
from kurt.config.skills import LLM_TABLE, MASK

if TYPE_CHECKING:
    from kurt.config.settings_model import Spec
    from kurt.config.skills import SkillsConfig
    from kurt.skills.manager import SkillManager
    from kurt.skills.record import SkillRecord

USER_HELP = "Edit the user's ~/.kurt/kurt.toml instead of the project's."


@click.group(name="config")
def config_group() -> None:
    """Show and edit kurt.toml configuration.

    \b
    Examples:
      kurt config skills                        paths, skills, settings, problems
      kurt config skills disable legacy-crawler
      kurt config skills set web-archiver timeout 45
      kurt config schema > kurt.schema.json     for editors: completion and checks
      kurt config llm                           the model context.llm asks, its key
    """


@config_group.group(name="skills", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (stable keys) instead of tables.")
@click.pass_context
def config_skills(ctx: click.Context, as_json: bool) -> None:
    """Search paths, each skill's enabled state and why, its settings and problems."""
    if ctx.invoked_subcommand is not None:
        return
    state: CliState = ctx.obj
    report = skills_report(state)
    if as_json:
        from kurt.cli.output import print_json

        print_json(report)
        return
    _print_report(report)


@config_skills.command(name="enable")
@click.argument("name", shell_complete=skill_names)
@click.option("--user", is_flag=True, help=USER_HELP)
@click.pass_obj
def config_skills_enable(state: CliState, name: str, user: bool) -> None:
    """Enable skill NAME (remove it from `disabled`; add it to an `enabled` allow-list)."""
    from kurt.config import edit

    file = _target(state, user)
    _check_name(state, name, file)
    changed = edit.enable(file, name)
    _report_edit(changed, f"Enabled '{name}' in {file}.", f"'{name}' is already enabled in {file}")
    _warn_state(state, name, want=True)


@config_skills.command(name="disable")
@click.argument("name", shell_complete=skill_names)
@click.option("--user", is_flag=True, help=USER_HELP)
@click.pass_obj
def config_skills_disable(state: CliState, name: str, user: bool) -> None:
    """Disable skill NAME (add it to `disabled`; remove it from `enabled`)."""
    from kurt.config import edit

    file = _target(state, user)
    _check_name(state, name, file)
    changed = edit.disable(file, name)
    _report_edit(
        changed, f"Disabled '{name}' in {file}.", f"'{name}' is already disabled in {file}"
    )


@config_skills.command(name="set")
@click.argument("name", shell_complete=skill_names)
@click.argument("key", shell_complete=setting_keys)
@click.argument("value")
@click.option("--user", is_flag=True, help=USER_HELP)
@click.pass_obj
def config_skills_set(state: CliState, name: str, key: str, value: str, user: bool) -> None:
    """Set setting KEY of skill NAME to VALUE (a TOML value, else a string).

    VALUE is checked against the skill's settings schema first; a refused
    edit leaves kurt.toml as it was.

    \b
    Examples:
      kurt config skills set web-archiver timeout 45        a number
      kurt config skills set opml folder Gardening          a string
      kurt config skills set my-skill tags '["a", "b"]'     a TOML list
      kurt config skills set my-skill code '"45"'           the string 45
    """
    from kurt.config import edit
    from kurt.config.settings import check_value

    file = _target(state, user)
    record = _record(state, name)
    _refuse_unread(state, record)
    known = _check_key(record, key)
    parsed = parse_value(value)
    check_value(name, record.settings, key, parsed, file)
    changed = edit.set_value(file, name, key, parsed, check=_settings_check(state, record, file))
    shown = MASK if known[key].secret else _toml(parsed)
    _report_edit(
        changed,
        f"Set skills.{name}.{key} = {shown} in {file}.",
        f"skills.{name}.{key} already has that value in {file}",
    )


@config_skills.command(name="unset")
@click.argument("name", shell_complete=skill_names)
@click.argument("key", shell_complete=setting_keys)
@click.option("--user", is_flag=True, help=USER_HELP)
@click.pass_obj
def config_skills_unset(state: CliState, name: str, key: str, user: bool) -> None:
    """Remove setting KEY of skill NAME (it falls back to the next source)."""
    from kurt.config import edit

    file = _target(state, user)
    _check_name(state, name, file)
    record = _find(state, name)
    if record is not None and not state.runtime.skills.config.is_set(name, key, file):
        # A key the file holds may always go (a stale one, say); any other
        # must be one the skill declares, or it is a typo of one.
        _check_key(record, key)
    check = _settings_check(state, record, file) if record is not None else None
    changed = edit.unset(file, name, key, check=check)
    _report_edit(
        changed,
        f"Removed skills.{name}.{key} from {file}.",
        f"skills.{name}.{key} is not set in {file}",
    )


@config_group.command(name="schema")
@click.pass_obj
def config_schema(state: CliState) -> None:
    """Print a JSON Schema of kurt.toml, including each discovered skill's settings.

    For editors that validate TOML (Taplo / Even Better TOML): save it, then
    put a #:schema line first in kurt.toml.

    \b
    Example:
      kurt config schema > kurt.schema.json
      #:schema ./kurt.schema.json              (first line of kurt.toml)
    """
    from kurt.cli.output import print_json
    from kurt.config.json_schema import kurt_toml_schema

    records = _winning(state)
    print_json(kurt_toml_schema({record.name: record.settings for record in records}))


# -- the report ---------------------------------------------------------------------------


def skills_report(state: CliState) -> dict[str, Any]:
    """The ``kurt config skills --json`` document (SPEC section 6)."""
    import os

    from kurt.config.settings import SettingsInspector, SettingsReport
    from kurt.errors import did_you_mean
    from kurt.skills.catalog.search import search_roots
    from kurt.skills.status import STATUS_SHADOWED

    manager = state.runtime.skills
    config = manager.config
    paths = [
        {"path": str(root.path), "source": root.source, "exists": root.path.is_dir()}
        for root in search_roots(state.locations, config, builtin_dir=None)
    ]
    skills: list[dict[str, Any]] = []
    environ = dict(os.environ)  # read once: each os.environ lookup decodes bytes again
    inspector = SettingsInspector(config, environ)
    # Rows straight from the catalog's snapshot while every manifest is as it
    # was (no record built), else from the full catalog.
    rows = manager.config_rows()
    # Skills that share a schema share its report: its two dicts are made once
    # (each report is kept here, so that its id is never reused).
    shown: dict[int, tuple[SettingsReport, dict[str, Any], dict[str, str]]] = {}
    for name, source, status, enabled, reason, settings, errors in rows:
        if status == STATUS_SHADOWED:
            continue
        unread = _unread_settings(manager, name, status, settings)
        if unread is not None:
            # Its schema is unknown, not empty: checking the keys against it
            # would call every one unknown and advise deleting valid settings.
            skills.append(
                {
                    "name": name,
                    "enabled": enabled,
                    "reason": reason,
                    "settings": {},
                    "problems": [*unread, *errors, *_llm_problems(config, name)],
                    "sources": {},
                    "source": source,
                    "status": status,
                }
            )
            continue
        report = inspector.inspect(name, settings, manifest_only=not manager.reads_settings(source))
        values = shown.get(id(report))
        if values is None or values[0] is not report:
            values = shown[id(report)] = (report, report.shown(), report.sources())
        skills.append(
            {
                "name": name,
                "enabled": enabled,
                "reason": reason,
                "settings": values[1],
                "problems": [
                    *report.problems,
                    *errors,
                    *_held_problems(config, name, settings),
                    *_llm_problems(config, name),
                ],
                "sources": values[2],
                "source": source,
                "status": status,
                "ignored": sorted(held.values) if (held := config.held_tables.get(name)) else [],
            }
        )
    names = {row[0] for row in rows}
    problems = [
        f"{table.file}: [skills.{name}] configures no discovered skill"
        + (f"; did you mean '{hint}'?" if (hint := did_you_mean(name, names)) else "")
        for name, tables in sorted(config.tables.items())
        if name not in names
        for table in tables
    ]
    from kurt.config.keys import misspelt_variables

    problems += misspelt_variables(environ, lambda: names)
    return {
        "paths": paths,
        "skills": skills,
        "problems": problems,
        "restricted": _restricted(state),
    }


def _held_problems(config: SkillsConfig, name: str, schema: dict[str, Any]) -> list[str]:
    """The problems of an untrusted project's ``[skills.NAME]`` table, which
    is not applied (checked alone: what it would be once trusted)."""
    held = config.held_tables.get(name)
    if held is None:  # nearly always: asked once per skill, so before any import
        return []
    from kurt.config.settings import inspect_settings
    from kurt.config.skills import SkillsConfig

    alone = inspect_settings(name, schema, SkillsConfig(tables={name: (held,)}), {})
    missing = "missing required setting"  # set elsewhere once applied; not this table's problem
    return [f"not applied: {p}" for p in alone.problems if not p.startswith(missing)]


def _llm_problems(config: SkillsConfig, name: str) -> list[str]:
    """The problems of each ``[skills.NAME.llm]`` table (the skill's own model),
    found now rather than when the skill first asks its model; an untrusted
    project's is checked alone too, as it will apply once trusted."""
    held = config.held_tables.get(name)
    tables = [(table, "") for table in config.settings_tables(name) if table.llm]
    if held is not None and held.llm:
        tables.append((held, "not applied: "))
    if not tables:
        return []
    from kurt.config.model import skill_llm_problems  # pydantic: only for such a table

    return [
        prefix + str(problem)
        for table, prefix in tables
        for problem in skill_llm_problems(name, table.llm, table.file)
    ]


def _restricted(state: CliState) -> dict[str, Any] | None:
    """What the project's kurt.toml holds but does not apply, as the project
    is not trusted (SPEC section 9); ``None`` when it applies in full."""
    from kurt.config.restricted import RESTRICTING_LABELS, project_toml, trust_hint
    from kurt.config.skills import locate_path

    project = project_toml(state.locations)
    if project is None or not project.held:
        return None
    return {
        "file": str(project.file),
        "reason": f"the project is not trusted: only {RESTRICTING_LABELS} apply",
        "hint": trust_hint(project),
        "ignored": [
            {"key": key.label, "line": locate_path(project.file, key.loc)} for key in project.held
        ],
    }


def _unread_settings(
    manager: SkillManager, name: str, status: str, settings: dict[str, Any]
) -> list[str] | None:
    """For a skill with settings in kurt.toml whose SKILL.md could not be read:
    one problem per settings table saying they are not checked, and why; else
    ``None`` (only then is the full catalog scanned)."""
    from kurt.skills.status import STATUS_INVALID

    if status != STATUS_INVALID or settings:  # nearly always: asked once per skill
        return None
    tables = manager.config.settings_tables(name)
    if not tables:
        return None
    from kurt.errors import ConfigError

    record = manager.unreadable(name)
    if record is None:
        return None
    first = record.errors[0] if record.errors else None
    where = str(record.manifest_path)
    if first is not None:
        where = f"{first.file or where}" + (f":{first.line}" if first.line else "")
    return [
        str(
            ConfigError(
                f"[skills.{name}] is not checked: the manifest of skill '{name}' "
                f"could not be read ({where})",
                file=table.file,
                hint=f"fix its SKILL.md and keep these settings: kurt skill validate {name}",
            )
        )
        for table in tables
    ]


def _print_report(report: dict[str, Any]) -> None:
    from kurt.cli.output import print_table

    print_table(
        ["path", "source", "exists"],
        [(row["path"], row["source"], "yes" if row["exists"] else "no") for row in report["paths"]],
        title="Skill search paths",
    )
    rows = []
    for skill in report["skills"]:
        settings = "\n".join(
            [
                f"{key} = {_toml(value, skill['sources'][key])} ({skill['sources'][key]})"
                for key, value in skill["settings"].items()
            ]
            + [f"{key}: not applied (see below)" for key in skill["ignored"]]
        )
        rows.append(
            (
                skill["name"],
                "yes" if skill["enabled"] else "no",
                skill["reason"],
                settings,
                "\n".join(skill["problems"]),
            )
        )
    print_table(
        ["skill", "enabled", "why", "settings (source)", "problems"],
        rows,
        title="Skills",
        below=["problems"],
    )
    restricted = report["restricted"]
    if restricted is not None:
        print_table(
            ["key", "line"],
            [(row["key"], str(row["line"] or "")) for row in restricted["ignored"]],
            title="Not applied (untrusted project)",
        )
        click.echo(f"{restricted['file']}: {restricted['reason']}; {restricted['hint']}")
    for problem in report["problems"]:
        click.echo(f"warning: {problem}", err=True)


# -- helpers ------------------------------------------------------------------------------


def parse_value(text: str) -> Any:
    """VALUE as a TOML value when it parses as one (``45``, ``true``, ``[1, 2]``),
    else as the string itself.

    VALUE is parsed as the document ``value = VALUE``, so text holding more
    than one value (``1\n[evil]``, ``1\nother = 2``) parses too, as a
    document with more keys: that is refused (a usage error) rather than
    keeping the first value and dropping the rest unseen, or storing as text
    what the user evidently meant as TOML.
    """
    import tomllib

    from kurt.config.files import MAX_DEPTH, TooDeepError, loads
    from kurt.errors import UsageError

    try:
        document = loads(f"value = {text}")
    except tomllib.TOMLDecodeError:
        return text
    except TooDeepError:
        raise UsageError(
            f"VALUE nests lists or tables more than {MAX_DEPTH} levels deep.",
            hint="kurt.toml may not hold it; nest the value less deeply",
        ) from None
    if document.keys() != {"value"}:
        raise UsageError(
            # VALUE is not repeated: it may be a secret's.
            "VALUE is more than one TOML value (a line break, then more TOML).",
            hint="give one value (45, true, '[\"a\"]'), or a string in quotes: '\"...\"'",
        )
    return document["value"]


def _toml(value: Any, source: str | None = None) -> str:
    """A value as one line of TOML (``{A = "1"}``, ``["a", "b"]``, ``"text"``),
    as it would be written in kurt.toml or given to `set`; one read from the
    environment is shown as the variable's name (``from $NAME``) instead."""
    from kurt.config.settings import from_environment

    if value is None:
        return "(unset)"
    if value == MASK or from_environment(source):
        return str(value)
    from kurt.config.tomlvalue import one_line

    return one_line(value)


def _target(state: CliState, user: bool) -> Path:
    """The kurt.toml an edit changes."""
    from kurt.errors import UsageError

    if user:
        return state.locations.user_file
    file = state.locations.project_file
    if file is None or not file.is_file():
        raise UsageError(
            "Not in a Kurt project: no kurt.toml here or in any parent folder.",
            hint="run `kurt init`, pass --project DIR, or use --user to edit ~/.kurt/kurt.toml",
        )
    return file


def _winning(state: CliState) -> list[SkillRecord]:
    from kurt.skills.record import STATUS_SHADOWED

    return [r for r in state.runtime.skills.records if r.status != STATUS_SHADOWED]


def _find(state: CliState, name: str) -> SkillRecord | None:
    return next((r for r in _winning(state) if r.name == name), None)


def _refuse_reserved(name: str) -> None:
    """``paths``, ``enabled`` and ``disabled`` name no skill: a usage error."""
    from kurt.config.skills import refuse_reserved
    from kurt.errors import UsageError

    refuse_reserved(name, UsageError)


def _record(state: CliState, name: str) -> SkillRecord:
    from kurt.errors import UnknownNameError

    _refuse_reserved(name)
    record = _find(state, name)
    if record is None:
        raise UnknownNameError("skill", name, [r.name for r in _winning(state)])
    return record


def _check_name(state: CliState, name: str, file: Path) -> None:
    """``name`` must be a discovered skill, or at least be named in ``file``
    (so a stale entry for a skill that is gone can still be cleaned up)."""
    _refuse_reserved(name)  # even when the file names it (as the key it is)
    if _find(state, name) is not None:
        return
    if not state.runtime.skills.config.mentions(name, file):
        _record(state, name)


def _refuse_unread(state: CliState, record: SkillRecord) -> None:
    """A skill whose SKILL.md could not be read has settings Kurt cannot see:
    say so (exit 1, file:line), rather than that it has no such setting."""
    if not record.valid and state.runtime.skills.unreadable(record.name) is not None:
        state.runtime.skills.check_usable(record)


def _check_key(record: SkillRecord, key: str) -> dict[str, Spec]:
    """The settings ``record`` declares, by key; a usage error (with a
    did-you-mean) unless ``key`` is one of them."""
    from kurt.config.settings_model import specs
    from kurt.errors import UsageError, did_you_mean

    known = {spec.key: spec for spec in specs(record.name, record.settings)}
    if key not in known:
        suggestion = did_you_mean(key, known)
        hint = f"settings of '{record.name}': {', '.join(sorted(known)) or '(none)'}"
        if key.partition(".")[0] == LLM_TABLE:  # the skill's own model: no setting
            suggestion = None
            hint = (
                f"the skill's own model is written by hand under [skills.{record.name}.llm]"
                " (model, timeout, max_tokens); `kurt config skills` checks it, "
                "`kurt config llm` shows it"
            )
        raise UsageError(
            f"Unknown setting '{key}' of skill '{record.name}'."
            + (f" Did you mean '{suggestion}'?" if suggestion else ""),
            hint=hint,
        )
    return known


def _settings_check(state: CliState, record: SkillRecord, file: Path) -> Any:
    """A check for :func:`kurt.config.edit.edit_toml`: refuse an edit that adds
    a problem to ``record``'s settings (an unset required value, say)."""
    import os

    from kurt.config.settings import inspect_settings
    from kurt.config.skills import read_skills_config
    from kurt.errors import ConfigError

    locations = state.locations
    before = inspect_settings(record.name, record.settings, state.runtime.skills.config, os.environ)

    def check(document: dict[str, Any]) -> None:
        is_user = file == locations.user_file
        after_config: SkillsConfig = read_skills_config(
            locations,
            project_document=None if is_user else document,
            user_document=document if is_user else None,
        )
        after = inspect_settings(record.name, record.settings, after_config, os.environ)
        new = [problem for problem in after.problems if problem not in before.problems]
        if new:
            raise ConfigError(
                f"edit refused, the file is unchanged: {new[0]}",
                hint="fix the value, or set it another way (kurt config skills --help)",
            )

    return check


def _report_edit(changed: bool, done: str, unchanged: str) -> None:
    click.echo(done if changed else f"{unchanged}; nothing to change.")


def _warn_state(state: CliState, name: str, *, want: bool) -> None:
    """Say so when the other file still decides otherwise."""
    from kurt.config.skills import read_skills_config

    enabled, reason = read_skills_config(state.locations).state(name)
    if enabled != want:
        click.echo(
            f"note: '{name}' is still disabled ({reason}); check both kurt.toml files", err=True
        )


from kurt.cli.config_llm import config_llm  # noqa: E402 (its own module, registered here)

config_group.add_command(config_llm)
