"""``kurt skill``: list, inspect, validate and create skills.

``list`` and ``info`` read manifests only (through the manifest cache) and
never import skill code; ``validate`` imports it only for skills that may run
here (a trusted project's, the user's, installed and built-in ones).
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

import click

from kurt.cli.complete import skill_names, skill_names_or_paths
from kurt.cli.export import skill_export
from kurt.cli.state import CliState
from kurt.cli.why import skill_why
from kurt.config.skills import MASK

# Not imported here: pathlib and kurt.cli.output (json). `kurt skill list --json`
# with a warm cache needs neither, and every import counts against click's own
# start-up (see docs/performance.md). Functions that need them import them.

if TYPE_CHECKING:
    from pathlib import Path

    from kurt.skills.manager import SkillManager
    from kurt.skills.record import SkillRecord
    from kurt.skills.validate import Report


@click.group("skill")
def skill_group() -> None:
    """List, inspect, validate and create skills."""


@skill_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_obj
def skill_list(state: CliState, as_json: bool) -> None:
    """Every discovered skill: name, version, source, status, what it provides.

    Shadowed, disabled and invalid skills are listed too, with the reason.
    No skill code is imported.
    """
    from kurt.cli import plain
    from kurt.skills.catalog.warm import warm_listing, warm_table

    columns = ["name", "version", "source", "status", "provides", "path"]
    if not as_json:
        # A long table straight from the snapshot's cells (no JSON decoded),
        # each status decided now; anything else starts from the JSON rows.
        table = warm_table(state.project)
        if table is not None and plain.use_plain(len(table[0])):
            cells, problems, untrusted = table
            _print_plain(columns, cells)
            _notes(state, problems=problems, untrusted=untrusted)
            return
    # Both forms start from the JSON text, often straight from the snapshot:
    # the warm path reads the listing pointer and snapshot only; anything
    # changed, or any error to report, takes the full path through the manager.
    text = warm_listing(state.project)
    if text is None:
        text = state.runtime.skills.listing_json()
    if as_json:
        # Compact (an indent would cost the pure-Python encoder); written as is
        # (click.echo would scan it for ANSI codes when stdout is not a terminal).
        sys.stdout.write(text + "\n")
        return
    import json

    rows: list[dict[str, Any]] = json.loads(text)
    if not rows:
        click.echo("No skills found. Create one with: kurt skill new NAME", err=True)
        return
    cells = []
    for row in rows:  # once per skill: kept to plain lookups and joins
        provides = row["provides"]
        status = row["status"] if row.get("trusted", True) else f"{row['status']} (untrusted)"
        cells.append(
            [
                row["name"],
                row["version"] or "",
                row["source"],
                status,
                ", ".join([f"{p['type']} {p['name']}" for p in provides]) if provides else "",
                row["path"],
            ]
        )
    if plain.use_plain(len(cells)):
        _print_plain(columns, cells)
    else:
        from kurt.cli.output import print_listing

        print_listing(columns, cells, own_line="path")
    _notes(
        state,
        problems=any(row["problems"] for row in rows),
        untrusted=not all(row.get("trusted", True) for row in rows),
    )


def _print_plain(columns: list[str], cells: list[list[str]]) -> None:
    """What print_listing does for a long listing, with cells already text
    (its per-cell conversion shows at 10,000 skills)."""
    from kurt.cli import plain

    sys.stdout.write(plain.render(columns, cells, columns_wide=plain.width(), own_line="path"))
    sys.stdout.flush()


def _notes(state: CliState, *, problems: bool, untrusted: bool) -> None:
    """The table's notes on stderr: each problem with its severity, and how to trust."""
    if problems:
        # The rows say what is wrong, the records also how bad (error or warning).
        from kurt.cli.plain import clean

        for record in state.runtime.skills.records:
            for problem in (*record.problems, *record.unmet):
                click.echo(clean(f"{record.name}: {problem.severity}: {problem}"), err=True)
    if untrusted:
        click.echo("(untrusted): the project's skills run only after: kurt trust", err=True)


@skill_group.command("info")
@click.argument("name", shell_complete=skill_names)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_obj
def skill_info(state: CliState, name: str, as_json: bool) -> None:
    """Manifest, settings (effective values, secrets masked), provided names,
    path and status of the skill NAME. No skill code is imported."""
    from kurt.cli.output import print_fields, print_json, print_table

    manager = state.runtime.skills
    # The manager's catalog is as fresh as a full scan (SPEC section 8: its run
    # index is used only while every skill folder and manifest is as it was),
    # so one record is decoded instead of a thousand built.
    record = manager.record(name)
    info = _info(manager, record)
    if as_json:
        print_json(info)
        return
    # Labels padded to the longest one ("requires_skills:") so values line up.
    fields: list[tuple[str, Any]] = [
        (key, info[key]) for key in ("name", "version", "description", "source", "status", "path")
    ]
    fields.append(("enabled", f"{'yes' if info['enabled'] else 'no'} ({info['reason']})"))
    for key in ("requires_skills", "requires", "requires_env", "requires_api"):
        if info[key]:
            fields.append((key, ", ".join(info[key])))
    fields += [("problem", problem) for problem in info["problems"]]
    print_fields(fields, indent=17)
    if info["provides"]:
        routed = any(p.get("url_patterns") for p in info["provides"])  # a column only when used
        print_table(
            # The name first: a description moved under the table is named by it.
            ["name", "type", "class", "description", *(["url_patterns"] if routed else [])],
            [
                [p["name"], p["type"], p["class"], p["description"]]
                + ([_routes_cell(p.get("url_patterns", []), p.get("priority", 0))] * routed)
                for p in info["provides"]
            ],
            title="Provides",
            below=["description"],
        )
    if info["settings"]:
        print_table(
            [
                "key",
                "type",
                "value",
                "source",
                "default",
                "required",
                "secret",
                "env",
                "description",
            ],
            [
                [
                    k,
                    s.get("type"),
                    _shown(s.get("value"), secret=bool(s.get("secret")), source=s.get("source")),
                    s.get("source"),
                    _shown(s.get("default"), secret=bool(s.get("secret"))),
                    # A default makes a value present, as in a run (kurt.config.settings_model).
                    _yes(bool(s.get("required")) and s.get("default") is None),
                    _yes(bool(s.get("secret"))),
                    s.get("env") or "",
                    s.get("description") or "",
                ]
                for k, s in info["settings"].items()
            ],
            title="Settings",
            below=["description"],
            tidy=True,
        )
    for problem in info["settings_problems"]:
        click.echo(f"settings: {problem}", err=True)


def _shown(value: Any, *, secret: bool, source: str | None = None) -> str:
    """A setting's value or default as `kurt config skills` shows it: one line
    of TOML (``false``, ``["a", "b"]``, ``{A = "1"}``), a set secret as ``***``,
    one read from the environment as the variable's name (``from $NAME``)."""
    if value is None:
        return ""
    if secret:
        return MASK
    from kurt.config.settings import from_environment

    if from_environment(source):
        return str(value)
    from kurt.config.tomlvalue import one_line

    return one_line(value)


def _routes_cell(patterns: list[str], priority: int) -> str:
    """A provided name's ``url_patterns`` (and a priority other than 0), one cell."""
    return ", ".join(patterns) + (f" (priority {priority})" if priority else "")


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _info(manager: SkillManager, record: SkillRecord) -> dict[str, Any]:
    data = record.to_json()
    extra = record.extra
    data.update(
        {
            "manifest_path": str(record.manifest_path),
            "provides": [
                {
                    "type": p.kind,
                    "name": p.name,
                    "class": p.class_name,
                    "description": p.description,
                    # What routes URLs to an engine (SPEC 10); a tool takes none.
                    **(
                        {"url_patterns": list(p.url_patterns), "priority": p.priority}
                        if p.kind != "tool"
                        else {}
                    ),
                }
                for p in record.provides
            ],
            "requires": list(extra.get("requires") or []),
            "requires_env": list(extra.get("requires_env") or []),
            "requires_api": list(extra.get("requires_api") or []),
            "requires_python": extra.get("requires_python"),
            "license": extra.get("license"),
            "author": extra.get("author"),
            "tags": list(extra.get("tags") or []),
            "trusted": manager.is_trusted(record),
        }
    )
    data["settings"], data["settings_problems"] = _settings(manager, record)
    return data


def _settings(manager: SkillManager, record: SkillRecord) -> tuple[dict[str, Any], list[str]]:
    """The settings schema with effective values (secrets masked), and problems."""
    schema = {key: dict(spec) for key, spec in record.settings.items()}
    for spec in schema.values():
        if spec.get("secret") and spec.get("default") is not None:
            spec["default"] = MASK
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    problems: list[str] = []
    try:
        from kurt.config.settings import inspect_settings
    except ImportError:  # settings resolution unavailable: show the manifest defaults
        values = {k: s.get("default") for k, s in schema.items()}
        sources = dict.fromkeys(schema, "default")
    else:
        inputs = manager.settings_sources(record.source)
        report = inspect_settings(record.name, record.settings, *inputs)
        values, sources, problems = report.shown(), report.sources(), list(report.problems)
    for key, spec in schema.items():
        spec["value"] = values.get(key)
        spec["source"] = sources.get(key)
    return schema, problems


@skill_group.command("validate")
@click.argument("targets", nargs=-1, metavar="[NAME|PATH]...", shell_complete=skill_names_or_paths)
@click.option(
    "--agentskills",
    is_flag=True,
    help="Judge conformance to the open Agent Skills format instead (strict keys).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_obj
def skill_validate(
    state: CliState, targets: tuple[str, ...], agentskills: bool, as_json: bool
) -> None:
    """Check skills (default: every discovered skill); exit 1 on any error.

    Checks the manifest, the environment (requires_python, requires,
    requires_env, requires_llm), each implements class in skill.py (statically), and, where
    the skill's code may run (a trusted project; user, installed and built-in
    skills), imports it to prove its classes register.

    \b
    Examples:
      kurt skill validate                     every skill
      kurt skill validate web-archiver        one skill, by name
      kurt skill validate ./my-skill --json   a folder
      kurt skill validate --agentskills DIR   open Agent Skills conformance
    """
    from kurt.cli.output import print_json
    from kurt.skills.validate import validate

    runtime = state.runtime
    manager = runtime.skills
    reports: list[Report] = []
    pending = _targets(manager, targets)
    models = manager.models()  # requires_llm: this project's [llm] model
    if any(manager.is_trusted(r) and r.provides for r, found in pending if found):
        runtime.prepare_registries()  # built-ins first: a skill may not take their names
    for record, discovered in pending:
        shadowed = record.status == "shadowed"
        runnable = discovered and not shadowed and manager.is_trusted(record)
        importer = manager.import_code if runnable else None
        reason = None
        if not discovered:
            reason = "it is not in a search path"
        elif shadowed:
            reason = f"it is shadowed by {record.shadowed_by}"
        reports.append(
            validate(
                record,
                importer=importer,
                models=models,
                agentskills=agentskills,
                static_reason=reason,
            )
        )
    if as_json:
        print_json([report.to_json() for report in reports])
    else:
        _print_reports(reports)
    if any(not report.valid for report in reports):
        raise click.exceptions.Exit(1)


def _targets(manager: SkillManager, targets: tuple[str, ...]) -> list[tuple[SkillRecord, bool]]:
    """``(record, discovered)`` for each NAME or PATH (default: every skill)."""
    from pathlib import Path

    from kurt.errors import UsageError
    from kurt.skills.catalog.precedence import fold
    from kurt.skills.validate import folder_record

    if not targets:
        return [(record, True) for record in manager.records]
    by_folder = {os.path.realpath(r.path): r for r in manager.records if r.status != "shadowed"}
    chosen: list[tuple[SkillRecord, bool]] = []
    for target in targets:
        as_path = Path(target)
        if os.sep in target or target.startswith(".") or as_path.is_dir():
            if not as_path.is_dir():
                raise UsageError(
                    f"No skill folder at {target}.",
                    hint="pass a skill's name or a folder holding its SKILL.md (kurt skill list)",
                )
            found = by_folder.get(os.path.realpath(as_path))
            chosen.append((found, True) if found else (folder_record(as_path.resolve()), False))
        else:
            winner = _by_name_or_folder(manager, target)
            for note in manager.fallback_notes(winner):
                click.echo(f"note: {note}", err=True)
            chosen.append((winner, True))
            # Every other skill of that name too, each with its own verdict:
            # "ok" about the one that wins must not hide a broken one the
            # user may believe is used (a project's own copy, say).
            key = fold(winner.name)
            chosen += [
                (record, True)
                for record in manager.records
                if record.path != winner.path and fold(record.name) == key
            ]
    return chosen


def _by_name_or_folder(manager: SkillManager, target: str) -> SkillRecord:
    """The skill named ``target``, else the one whose folder is (a manifest whose
    ``name:`` does not match its folder is found by the folder's name too)."""
    from kurt.errors import UnknownNameError
    from kurt.skills.catalog.precedence import fold

    try:
        return manager.record(target)
    except UnknownNameError:
        in_folder = [r for r in manager.records if fold(os.path.basename(r.path)) == fold(target)]
        if not in_folder:
            raise
        return in_folder[0]


def _print_reports(reports: list[Report]) -> None:
    for report in reports:
        verdict = "ok" if report.valid else "INVALID"
        click.echo(f"{verdict:8}{report.name}  ({report.path}; {report.checked})")
        for problem in report.errors:
            click.echo(f"    error: {problem}")
        for problem in report.warnings:
            click.echo(f"    warning: {problem}")
    invalid = sum(1 for r in reports if not r.valid)
    click.echo(f"{len(reports)} skill(s) checked, {invalid} invalid", err=True)


@skill_group.command("new")
@click.argument("name")
@click.option(
    "--path",
    "parent",
    type=click.Path(file_okay=False),
    help="Folder to create the skill in (default: the project's skills/).",
)
@click.option(
    "--command",
    is_flag=True,
    help="Also add a command `kurt NAME` to Kurt (cli.py, declared under commands:).",
)
@click.pass_obj
def skill_new(state: CliState, name: str, parent: str | None, command: bool) -> None:
    """Create a working skill NAME (SKILL.md, skill.py and a test).

    It validates and runs at once: kurt tool run NAME -p name=Ada
    (with --command, also: kurt NAME --name Ada)
    """
    from pathlib import Path

    from kurt.errors import UsageError
    from kurt.skills.scaffold import create_skill

    where: Path | None = Path(parent) if parent is not None else state.locations.project_skills
    if where is None:
        raise UsageError(
            "Not inside a Kurt project (no kurt.toml here or above).",
            hint="create one with kurt init, or pass --path DIR",
        )
    folder = create_skill(name, where, command=command)
    click.echo(f"Created {folder}")
    if _is_search_root(state, where):
        click.echo(f"  validate it: kurt skill validate {name}")
        if _needs_trust(state, where):
            click.echo("  trust it:    kurt trust   (this project is not trusted yet)")
        click.echo(f"  run it:      kurt tool run {name} -p name=Ada")
        if command:
            click.echo(f"  its command: kurt {name} --name Ada")
    else:  # Kurt will not find it by name until its folder is searched
        click.echo(f"  validate it: kurt skill validate {folder}")
        click.echo(f"  run it:      add {where} to [skills].paths in kurt.toml, then")
        click.echo(f"               kurt tool run {name} -p name=Ada")


def _needs_trust(state: CliState, where: Path) -> bool:
    """Whether a skill made in ``where`` comes with an untrusted project."""
    from kurt.config.trust import is_trusted_or_report

    locations = state.locations
    root = locations.project_root
    if root is None or (locations.user_skills is not None and _same(locations.user_skills, where)):
        return False
    return not is_trusted_or_report(locations.trust_file, root)


def _same(one: Path, other: Path) -> bool:
    return os.path.isdir(one) and os.path.isdir(other) and os.path.samefile(one, other)


def _is_search_root(state: CliState, where: Path) -> bool:
    """Whether skills created in ``where`` are discovered (a skills/ or [skills].paths)."""
    from kurt.config.skills import read_skills_config

    locations = state.locations
    config = read_skills_config(locations)
    roots = [locations.project_skills, locations.user_skills]
    roots += [p.path for p in (*config.project_paths, *config.user_paths)]
    return any(root is not None and _same(root, where) for root in roots)


skill_group.add_command(skill_export)
skill_group.add_command(skill_why)
