"""Answering from the catalog's snapshot: the warm paths of every read-only command.

:mod:`kurt.skills.catalog.snapshot` is the format; this module answers with
it, and checks first that it is still true (a string-only scan of every
skill folder and manifest):

- :func:`warm_listing`: ``kurt skill list --json`` from the pointer and the
  listing snapshot, importing neither the TOML parser nor the configuration;
- :func:`fast_listing`: the same once kurt.toml has been read;
- :func:`warm_tools`, :func:`provided_rows`: every name a skill provides
  and the skill that wins it (``kurt tool list``), the same two ways;
- :func:`read_index`: the run index, for resolving a tool, fetcher or mapper
  name (:class:`QuickCatalog`), and ``kurt tool list``.

Rows are rendered as stored (enabled by default, trusted, runnable); only a
row whose enabled state, environment or trust differs is decoded, and its
status is then decided by :func:`kurt.skills.status.status_of`, as on the
full path. The environment is never stored: the requirements of the skills
that declare some are checked again by every listing.
"""

from __future__ import annotations

import os

from kurt.skills.catalog.scan import path_stamps
from kurt.skills.catalog.snapshot import (
    FIELD,
    FORMAT,
    MAGIC,
    SEP,
    TRUST_FILE,
    TRUSTED_END,
    config_stamps,
    packages_from,
    pointer_file,
    read_pointer,
    scan_keys,
    stamps_text,
)
from kurt.skills.status import STATUS_INVALID, STATUS_OK, STATUS_SHADOWED, status_of

# Not `from typing import ...`: `kurt --help` reads the snapshot through this
# module, and importing typing costs a third of its budget (bench/startup.py).
# Type checkers treat any name TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path
    from typing import Any

    from kurt.config.skills import SkillsConfig
    from kurt.skills.catalog.precedence import Index
    from kurt.skills.catalog.search import SearchRoot
    from kurt.skills.record import SkillRecord

if TYPE_CHECKING:
    from kurt.config.llm import ConfiguredModels

    State = Callable[[str], tuple[bool, str]]
    #: The project a listing is for, as strings (this module's currency: it
    #: builds no path): its root (``None``: none) and the user's Kurt home.
    #: ``requires_llm`` reads its ``[llm] model`` (:func:`_models`).
    Project = tuple[str | None, str]


def fast_listing(
    path: Path,
    roots: list[SearchRoot],
    project: Project,
    config: SkillsConfig | None = None,
    untrusted: frozenset[str] = frozenset(),
) -> str | None:
    """The JSON array of ``kurt skill list --json`` for ``project``, or
    ``None`` when the snapshot at ``path`` is missing, unreadable or no longer
    true; the enabled state comes from ``config``, and skills found in the
    ``untrusted`` root folders are listed as not trusted."""
    state = config.state if config is not None and has_state(config) else None
    found = [(root.source, str(root.path), str(root.path) not in untrusted) for root in roots]
    return answer(str(path), found, state, project)


def fast_provided(
    path: Path, roots: list[SearchRoot], config: SkillsConfig, project: Project
) -> list[ProvidedRow] | None:
    """:func:`provided_rows` once kurt.toml has been read (as :func:`fast_listing`)."""
    state = config.state if has_state(config) else None
    found = [(root.source, str(root.path), True) for root in roots]
    return provided_rows(str(path), found, state, project)


def has_state(config: SkillsConfig) -> bool:
    """Whether kurt.toml enables or disables anything (else every skill is
    enabled by default)."""
    return config.enabled is not None or bool(config.disabled)


class _Snapshot:
    """A listing snapshot just checked against a scan: its parts, still text."""

    __slots__ = (
        "body",
        "cells",
        "commands",
        "count",
        "details",
        "names",
        "needs",
        "provided",
        "statuses",
        "trusted",
    )

    def __init__(self, parts: list[str], header: list[str], trusted: list[bool]) -> None:
        self.count = len(trusted)
        self.names = parts[0]
        self.body = parts[-1] if self.count else ""
        self.needs, self.provided, self.details, self.cells, self.commands, self.statuses = header
        self.trusted = trusted


def _open(path: str, roots: list[tuple[str, str, bool]]) -> _Snapshot | None:
    """The snapshot at ``path`` if a scan of ``roots`` (source, folder, whether
    its skills are trusted) matches it, else ``None``."""
    try:
        with open(path, "rb") as file:
            text = file.read().decode("utf-8")
        magic, stamps, packages_text, *header, count_text, rest = text.split("\n", 10)
        count = int(count_text)
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if magic != MAGIC or stamps != stamps_text(path_stamps()) or len(header) != 6:
        return None
    parts = rest.split("\n", count + 1) if count else [rest]
    if len(parts) != count + 2 and count:
        return None
    packages = packages_from(packages_text)
    if packages is None:
        return None
    keys, owners = scan_keys([(source, folder) for source, folder, _ in roots], packages)
    if len(keys) != count or keys != parts[1 : count + 1]:
        return None
    return _Snapshot(parts, header, [owner < 0 or roots[owner][2] for owner in owners])


def answer(
    path: str, roots: list[tuple[str, str, bool]], state: State | None, project: Project
) -> str | None:
    """The listing from the snapshot at ``path`` if a scan of ``roots`` (source,
    folder, whether its skills are trusted) matches it; ``state`` gives each
    skill's enabled state (``None``: every skill enabled by default), and
    ``project`` the ``[llm] model`` its ``requires_llm`` skills need."""
    found = _open(path, roots)
    if found is None:
        return None
    if not found.count:
        return "[]"
    count, body, trusted = found.count, found.body, found.trusted
    unmet = _unmet(found.needs, found.names.split(SEP), project) if found.needs else {}
    if state is None and not unmet and all(trusted):
        return "[" + body.replace("\n", ", ") + "]"
    names = found.names.split(SEP)
    rows = body.split("\n")
    if len(names) != count or len(rows) != count or unmet is None:
        return None
    shown = (
        _row(text, *(state(name) if state else (True, "default")), unmet.get(i), trusted[i])
        for i, (name, text) in enumerate(zip(names, rows, strict=True))
    )
    return "[" + ", ".join(shown) + "]"


#: One name a skill provides, as ``kurt tool list`` shows it: kind, name, the
#: skill that provides it, description.
ProvidedRow = tuple[str, str, str, str]


def provided_rows(
    path: str, roots: list[tuple[str, str, bool]], state: State | None, project: Project
) -> list[ProvidedRow] | None:
    """Every name a skill provides, with the first of its providers (in
    priority order) whose status is ``ok``, from the snapshot at ``path``;
    ``None`` when the snapshot is missing or no longer true. Only the status
    of a provider is ever computed, by :func:`status_of` as on the full path."""
    found = _open(path, roots)
    return None if found is None else _provided_of(found, state, project)


def _provided_of(
    found: _Snapshot, state: State | None, project: Project
) -> list[ProvidedRow] | None:
    """:func:`provided_rows` of a snapshot already opened."""
    if not found.count or not found.provided:
        return []
    import json

    states = _states(found, state, project)
    if states is None:
        return None
    names = found.names.split(SEP)
    ok = [status == STATUS_OK for _, _, status in states]
    rows: list[ProvidedRow] = []
    try:
        for kind, name, candidates in json.loads(found.provided):
            for row, description in candidates:
                if ok[row]:
                    rows.append((kind, name, names[row], description))
                    break
    except (ValueError, TypeError, IndexError):
        return None
    return rows


def _invalid_of(found: _Snapshot, state: State | None) -> list[str] | None:
    """The enabled skills of a snapshot already opened that are invalid (what
    they provide is left out of ``kurt tool list``), or ``None`` when it does
    not hold together. Validity is the manifest's; ``state`` (kurt.toml) says
    which are enabled: a disabled skill is disabled first, as on the full path."""
    if not found.count:
        return []
    names = found.names.split(SEP)
    stored = found.statuses.split(SEP)
    if len(names) != found.count or len(stored) != found.count:
        return None
    return [
        name
        for name, status in zip(names, stored, strict=True)
        if status == STATUS_INVALID and (state is None or state(name)[0])
    ]


def _unmet(needs_text: str, names: list[str], project: Project) -> dict[int, list[str]] | None:
    """Row -> what this machine (and ``project``) lacks to run it, for the
    skills that declare requirements (checked now: the environment is never
    cached); ``names``: each row's skill."""
    import json

    from kurt.skills.environment import unmet

    models = _models(project)
    try:
        needs = json.loads(needs_text)
        found = {
            int(row): unmet(extra, manifest, names[int(row)], models=models)
            for row, (manifest, extra) in needs.items()
        }
    except (ValueError, TypeError, AttributeError, IndexError):
        return None
    return {row: [str(p) for p in problems] for row, problems in found.items() if problems}


def _models(project: Project) -> ConfiguredModels:
    """What ``requires_llm`` is checked against in ``project`` (kurt.toml is
    read only if a skill declaring it is checked)."""
    from pathlib import Path

    from kurt.config.llm import ConfiguredModels
    from kurt.config.locations import Locations

    root, home = project
    return ConfiguredModels(Locations(Path(root) if root is not None else None, Path(home)))


def _row(text: str, enabled: bool, reason: str, unmet: list[str] | None, trusted: bool) -> str:
    """A row rendered with its real enabled state, what this machine lacks and
    whether it is trusted (decoded only when one of them differs)."""
    if enabled and reason == "default" and not unmet:
        if trusted:
            return text
        if text.endswith(TRUSTED_END):
            return text[: -len(TRUSTED_END)] + ', "trusted": false}'
    import json

    row = json.loads(text)
    row["enabled"], row["reason"], row["trusted"] = enabled, reason, trusted
    row["problems"] += unmet or []
    row["status"] = status_of(
        shadowed=row["status"] == STATUS_SHADOWED,
        enabled=enabled,
        valid=row["status"] != STATUS_INVALID,
        runnable=not unmet,
    )
    return json.dumps(row, ensure_ascii=False)


def _states(
    found: _Snapshot,
    state: State | None,
    project: Project,
    unmet: dict[int, list[str]] | None = None,
) -> list[tuple[bool, str, str]] | None:
    """Each row's enabled state, its reason and its status, decided now by
    :func:`status_of` (kurt.toml and the environment are never cached);
    ``unmet``: :func:`_unmet` of the snapshot when already checked."""
    if unmet is None:
        unmet = _unmet(found.needs, found.names.split(SEP), project) if found.needs else {}
    names = found.names.split(SEP)
    stored = found.statuses.split(SEP)
    if unmet is None or len(names) != found.count or len(stored) != found.count:
        return None
    if state is None and not unmet:
        return [(True, "default", status) for status in stored]
    states: list[tuple[bool, str, str]] = []
    for row, (name, status) in enumerate(zip(names, stored, strict=True)):
        enabled, reason = state(name) if state else (True, "default")
        decided = status_of(
            shadowed=status == STATUS_SHADOWED,
            enabled=enabled,
            valid=status != STATUS_INVALID,
            runnable=row not in unmet,
        )
        states.append((enabled, reason, decided))
    return states


#: One command a skill adds to ``kurt``: name, help, the skill, the skill's
#: status (decided now) and whether its code may run here.
CommandRow = tuple[str, str, str, str, bool]


def command_rows(
    path: str, roots: list[tuple[str, str, bool]], state: State | None, project: Project
) -> list[CommandRow] | None:
    """Every command of a valid, unshadowed skill, from the snapshot at
    ``path`` (``None`` when it is missing or no longer true); each skill's
    status is decided now, by :func:`status_of` as on the full path."""
    found = _open(path, roots)
    if found is None:
        return None
    if not found.count or not found.commands:
        return []
    states = _states(found, state, project)
    if states is None:
        return None
    names = found.names.split(SEP)
    kind, text = found.commands[:1], found.commands[1:]
    try:
        if kind == "T":
            items = [item.split(FIELD) for item in text.split(SEP)]
        else:
            import json

            items = json.loads(text)
        return [
            (
                str(name),
                str(help_text),
                names[int(row)],
                states[int(row)][2],
                found.trusted[int(row)],
            )
            for name, help_text, row in items
        ]
    except (ValueError, TypeError, IndexError):
        return None


def fast_commands(
    path: Path,
    roots: list[SearchRoot],
    config: SkillsConfig,
    untrusted: frozenset[str],
    project: Project,
) -> list[CommandRow] | None:
    """:func:`command_rows` once kurt.toml has been read (as :func:`fast_listing`)."""
    state = config.state if has_state(config) else None
    found = [(root.source, str(root.path), str(root.path) not in untrusted) for root in roots]
    return command_rows(str(path), found, state, project)


def warm_commands(project: str | None) -> list[CommandRow] | None:
    """:func:`command_rows` for ``--project project`` from the pointer, as
    :func:`warm_listing`: ``kurt --help`` without reading kurt.toml."""
    found = _pointed(project)
    return command_rows(*found) if found is not None else None


#: What ``kurt config skills`` shows of one skill: name, source, status,
#: enabled, reason, settings schema, errors.
if TYPE_CHECKING:
    ConfigRow = tuple[str, str, str, bool, str, dict[str, Any], list[str]]


def config_rows(
    path: Path, roots: list[SearchRoot], config: SkillsConfig, project: Project
) -> list[ConfigRow] | None:
    """Every discovered skill (shadowed ones too) as ``kurt config skills``
    needs it, from the snapshot at ``path``, or ``None`` when it is missing or
    no longer true (as :func:`fast_listing`)."""
    found = _open(str(path), [(root.source, str(root.path), True) for root in roots])
    if found is None:
        return None
    if not found.count:
        return []
    import json

    states = _states(found, config.state if has_state(config) else None, project)
    names = found.names.split(SEP)
    try:
        details = json.loads(found.details)
        schemas, rows = details["schemas"], details["rows"]
        if states is None or len(rows) != found.count:
            return None
        # Rows of one schema share one dict (SettingsInspector then reads it once).
        return [
            (name, source, status, enabled, reason, schemas[at], errors)
            for name, (enabled, reason, status), (source, at, errors) in zip(
                names, states, rows, strict=True
            )
        ]
    except (ValueError, TypeError, KeyError, IndexError):
        return None


#: The human ``kurt skill list``: each row's cells (name, version, source,
#: status, provides, path), whether any row has problems, whether any is untrusted.
Table = tuple[list[list[str]], bool, bool]


def table_rows(
    path: str, roots: list[tuple[str, str, bool]], state: State | None, project: Project
) -> Table | None:
    """The human table from the snapshot's cells, with each row's status
    decided now (:func:`_states`) and marked when it needs ``kurt trust``;
    ``None`` when the snapshot is missing, no longer true, empty or holds no
    cells (the caller then decodes the JSON listing)."""
    found = _open(path, roots)
    if found is None or not found.count or not found.cells:
        return None
    unmet = _unmet(found.needs, found.names.split(SEP), project) if found.needs else {}
    if unmet is None:
        return None
    states = _states(found, state, project, unmet)
    cells = found.cells.split(SEP)
    if states is None or len(cells) != found.count:
        return None
    table: list[list[str]] = []
    problems = bool(unmet)
    for fields, (_, _, status), trusted in zip(cells, states, found.trusted, strict=True):
        name, version, source, provides, where, flagged = fields.split(FIELD)
        problems = problems or bool(flagged)
        shown = status if trusted else f"{status} (untrusted)"
        table.append([name, version, source, shown, provides, where])
    return table, problems, not all(found.trusted)


def warm_table(project: str | None) -> Table | None:
    """:func:`table_rows` for ``--project project`` from the pointer, as
    :func:`warm_listing`."""
    found = _pointed(project)
    return table_rows(*found) if found is not None else None


def warm_listing(project: str | None) -> str | None:
    """``kurt skill list --json`` for ``--project project`` (or the project
    found as :func:`kurt.config.locations.find_project_root` finds it), from
    the pointer and the snapshot; ``None`` whenever anything is not exactly
    as it was (the caller then takes the full path, which also reports errors
    such as a missing project folder)."""
    found = _pointed(project)
    return answer(*found) if found is not None else None


def warm_tools(project: str | None) -> tuple[list[ProvidedRow], list[str]] | None:
    """:func:`provided_rows` and the invalid skills it leaves out for ``--project
    project`` from the pointer, as :func:`warm_listing`: ``kurt tool list``
    without reading kurt.toml, from one scan of the skill folders."""
    pointed = _pointed(project)
    if pointed is None:
        return None
    path, roots, state, where = pointed
    found = _open(path, roots)
    if found is None:
        return None
    provided, invalid = _provided_of(found, state, where), _invalid_of(found, state)
    return None if provided is None or invalid is None else (provided, invalid)


def _pointed(
    project: str | None,
) -> tuple[str, list[tuple[str, str, bool]], State | None, Project] | None:
    """The snapshot, roots and enabled state the pointer of ``--project
    project`` records, and that project, if kurt.toml and the trust record are
    as they were."""
    from kurt.config.locations import cache_text, home_text, project_root_text

    root = project_root_text(project)
    if root is False:
        return None
    project_root = root if isinstance(root, str) else None
    home = home_text()
    cache_dir = cache_text(home)
    builtin = os.path.join(os.path.dirname(os.path.abspath(__file__)), "builtin")
    lines = read_pointer(pointer_file(cache_dir, project_root, builtin))
    if lines is None or lines[1] != config_stamps(project_root, home):
        return None
    _, _, enabled_text, disabled_text, name, root_text = lines
    roots: list[tuple[str, str, bool]] = []
    for item in root_text.split(SEP) if root_text else []:
        fields = item.split(FIELD)
        if len(fields) != 3:
            return None
        roots.append((fields[0], fields[1], fields[2] == "+"))
    if not all(trusted for _, _, trusted in roots) and _trust_record_corrupt(home):
        return None  # the full path lists nothing as trusted and reports the record
    state: State | None = None
    if enabled_text != "-" or disabled_text:
        from kurt.config.skills import SkillsConfig

        enabled = frozenset(enabled_text[1:].split(SEP)) - {""} if enabled_text != "-" else None
        disabled = frozenset(disabled_text.split(SEP)) - {""}
        state = SkillsConfig(enabled=enabled, disabled=disabled).state
    return os.path.join(cache_dir, "skills", name), roots, state, (project_root, home)


def _trust_record_corrupt(home: str) -> bool:
    """Whether the trust record exists but cannot be read: its stamps match the
    pointer's, yet every command that shows an untrusted skill must say so."""
    from pathlib import Path

    from kurt.config.trust import CorruptTrustRecord, trusted_projects

    try:
        trusted_projects(Path(home, TRUST_FILE))
    except CorruptTrustRecord:
        return True
    return False


# -- the run index -------------------------------------------------------------------


class QuickCatalog:
    """The index as the manager uses it: names, providers, records on demand
    (with the enabled state of ``config`` and what they lack in ``project``)."""

    def __init__(
        self, providers: Index, texts: dict[str, str], config: SkillsConfig, project: Project
    ) -> None:
        self.providers = providers
        self._texts = texts
        self._config = config
        self._project = project
        self._decoded: dict[str, tuple[SkillRecord, tuple[int, int] | None]] = {}

    def find(self, name: str) -> SkillRecord | None:
        """The winning skill called ``name``, with its enabled state applied."""
        found = self._decode(name)
        return found[0] if found else None

    def fresh(self, record: SkillRecord) -> bool:
        """Whether ``record``'s manifest is as it was when the index was written."""
        found = self._decode(record.name)
        return found is not None and found[1] is not None and _stamp(record) == found[1]

    def _decode(self, name: str) -> tuple[SkillRecord, tuple[int, int] | None] | None:
        if name not in self._decoded:
            text = self._texts.get(name)
            if text is None:
                return None
            import json

            from kurt.skills.catalog.precedence import apply_state
            from kurt.skills.record import SkillRecord

            data = json.loads(text)
            stamp = data.get("stamp")
            record = SkillRecord.from_plain(data)
            found = (int(stamp[0]), int(stamp[1])) if stamp else None
            applied = apply_state([record], self._config, _models(self._project))[0]
            self._decoded[name] = (applied, found)
        return self._decoded[name]


def read_index(
    path: Path,
    config: SkillsConfig,
    roots: list[tuple[str, str]],
    path_stamps: list[list[Any]],
    project: Project,
) -> QuickCatalog | None:
    """The index at ``path`` if a scan of ``roots`` (source, folder) now finds
    every skill as it was; ``None`` otherwise (or if unreadable). Its records
    are for ``project``."""
    import json

    try:
        head, _, rest = path.read_bytes().decode("utf-8").partition("\n")
        data = json.loads(head)
        if data["format"] != FORMAT or data["path_stamps"] != path_stamps:
            return None
        packages = [(str(a), str(b), str(c), d) for a, b, c, d in data["packages"]]
        if scan_keys(roots, packages)[0] != data["keys"]:
            return None
        providers: Index = data["providers"]
        names: list[str] = data["names"]
        lines = rest.split("\n") if rest else []
        if not isinstance(providers, dict) or len(lines) != len(names):
            return None
        # Each record stays text until a command asks for that skill.
        texts = dict(zip(names, lines, strict=True))
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        return None
    return QuickCatalog(providers, texts, config, project)


def _stamp(record: SkillRecord) -> tuple[int, int] | None:
    try:
        info = os.stat(record.manifest_path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns
