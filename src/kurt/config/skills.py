"""The ``[skills]`` section of the project's and the user's kurt.toml, merged.

Standard library only: discovery and ``kurt skill list`` read this on their
fast path. Merge rules (SPEC section 3): ``paths`` from both files are searched
(project first), each relative to the file naming it; ``disabled`` is the
union; the project's ``enabled``, when present, replaces the user's. Every
other key under ``[skills]`` is a table of one skill's settings. In a project
the user has not trusted, only the project's ``enabled`` and ``disabled``
apply (:mod:`kurt.config.restricted`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from kurt.config.locations import Locations
from kurt.errors import ConfigError, KurtError, did_you_mean

if TYPE_CHECKING:
    from pathlib import Path

    from kurt.config.restricted import HeldKey

# tomllib (through kurt.config.files) and pathlib are imported where used: the
# warm `kurt skill list --json` imports this module for SkillsConfig.state alone.

RESERVED = frozenset({"paths", "enabled", "disabled"})


def refuse_reserved(name: str, error: type[KurtError] = ConfigError, **where: Any) -> None:
    """Raise ``error`` (one message wherever it is caught) if ``name`` is one of
    the reserved keys of ``[skills]`` rather than a skill's name. The CLI makes
    it a usage error (exit 2) before anything else; an edit through the API, a
    ConfigError naming the file and key (``where``)."""
    if name in RESERVED:
        raise error(
            f"'{name}' is a reserved key of [skills], not a skill name.",
            hint=f"edit `{name}` by hand in kurt.toml",
            **where,
        )


#: How every listing shows a secret setting's value (SPEC section 3), here and
#: not beside the pydantic code so printing it costs no pydantic import.
MASK = "***"

# Why a skill is enabled or not, as shown by listings (`reason` in JSON).
REASON_DEFAULT = "default"
REASON_ALLOW_LIST = "allow-list"
REASON_NOT_IN_ALLOW_LIST = "not-in-allow-list"
REASON_DISABLED_LIST = "disabled-list"


#: The subtable of ``[skills.<name>]`` that sets the skill's own model.
LLM_TABLE = "llm"


class SearchPath(NamedTuple):
    """One folder named in ``[skills].paths``, resolved against its file."""

    path: Path
    declared_in: Path
    scope: str  # "project" or "user"


class SettingsTable(NamedTuple):
    """One skill's ``[skills.<name>]`` table as written in one file; its
    ``[skills.<name>.llm]`` subtable (the skill's own model, SPEC 12) apart,
    since it holds no setting."""

    scope: str  # "project" or "user"
    file: Path
    values: dict[str, Any]
    llm: dict[str, Any] = {}  # noqa: RUF012 (never mutated)


class SkillsConfig(NamedTuple):
    """The merged ``[skills]`` section of one project and one user."""

    project_paths: tuple[SearchPath, ...] = ()
    user_paths: tuple[SearchPath, ...] = ()
    enabled: frozenset[str] | None = None
    disabled: frozenset[str] = frozenset()
    tables: dict[str, tuple[SettingsTable, ...]] = {}  # noqa: RUF012 (never mutated)
    project_file: Path | None = None
    user_file: Path | None = None
    # Where the lists came from, to say which file to fix: the names the
    # project's `disabled` holds (the rest of `disabled` is the user's), and
    # the file whose `enabled` applies.
    project_disabled: frozenset[str] = frozenset()
    enabled_file: Path | None = None
    # Every name each file's `enabled` and `disabled` lists hold, by file.
    listed: dict[Path, frozenset[str]] = {}  # noqa: RUF012 (never mutated)
    # What an untrusted project's file holds but does not apply (SPEC 9): every
    # key, and its settings tables (an edit may still change or remove them).
    held: tuple[HeldKey, ...] = ()
    held_tables: dict[str, SettingsTable] = {}  # noqa: RUF012 (never mutated)

    def state(self, name: str) -> tuple[bool, str]:
        """Whether the skill ``name`` is enabled, and why (a ``REASON_*``)."""
        if name in self.disabled:
            return False, REASON_DISABLED_LIST
        if self.enabled is None:
            return True, REASON_DEFAULT
        if name in self.enabled:
            return True, REASON_ALLOW_LIST
        return False, REASON_NOT_IN_ALLOW_LIST

    def decided_by(self, name: str) -> Path | None:
        """The kurt.toml that leaves ``name`` disabled (``None`` if enabled):
        the project's when both files disable it, as the project's wins."""
        enabled, reason = self.state(name)
        if enabled:
            return None
        if reason == REASON_DISABLED_LIST:
            return self.project_file if name in self.project_disabled else self.user_file
        return self.enabled_file

    def settings_tables(self, name: str) -> tuple[SettingsTable, ...]:
        """The skill's settings tables, highest precedence (project) first."""
        return self.tables.get(name, ())

    def mentions(self, name: str, file: Path) -> bool:
        """Whether ``file`` names the skill ``name`` (a settings table, applied
        or not, or an entry of its ``enabled`` or ``disabled`` list)."""
        return name in self.listed.get(file, ()) or any(
            table.file == file for table in self._written_tables(name)
        )

    def is_set(self, name: str, key: str, file: Path) -> bool:
        """Whether ``file`` holds ``[skills.<name>].<key>`` (applied or not)."""
        return any(
            table.file == file and key in table.values for table in self._written_tables(name)
        )

    def _written_tables(self, name: str) -> tuple[SettingsTable, ...]:
        held = self.held_tables.get(name)
        return (*self.settings_tables(name), *((held,) if held is not None else ()))


def read_skills_config(
    locations: Locations,
    *,
    project_document: dict[str, Any] | None = None,
    user_document: dict[str, Any] | None = None,
) -> SkillsConfig:
    """Read and merge ``[skills]`` from the project's and the user's kurt.toml.

    A ``*_document`` given is used instead of reading that file (to check an
    edit before it is written). What an untrusted project's file holds back is
    said once on stderr when the file is read, not for an edit's check.
    """
    from kurt.config.restricted import project_toml, tell_held

    project = held = _Section()
    found = project_toml(locations, project_document)
    if found is not None:
        if project_document is None:
            tell_held(found)
        project = _parse_section(found.applied, found.file, "project")
        if found.held:
            # The whole file is still checked: a misspelt key is never ignored,
            # and its settings tables are kept for `kurt config skills` and edits.
            held = _parse_section(found.written, found.file, "project")
    user = (
        _parse_section(user_document, locations.user_file, "user")
        if user_document is not None
        else _section(locations.user_file, "user")
    )
    tables: dict[str, tuple[SettingsTable, ...]] = {}
    listed = {locations.user_file: (user.enabled or frozenset()) | user.disabled}
    if locations.project_file is not None:
        listed[locations.project_file] = (project.enabled or frozenset()) | project.disabled
    for section in (project, user):
        for name, table in section.tables.items():
            tables[name] = (*tables.get(name, ()), table)
    return SkillsConfig(
        project_paths=project.paths,
        user_paths=user.paths,
        enabled=project.enabled if project.enabled is not None else user.enabled,
        disabled=project.disabled | user.disabled,
        tables=tables,
        project_file=locations.project_file,
        user_file=locations.user_file,
        project_disabled=project.disabled,
        enabled_file=(
            locations.project_file
            if project.enabled is not None
            else locations.user_file
            if user.enabled is not None
            else None
        ),
        listed=listed,
        held=found.held if found is not None else (),
        held_tables=held.tables,
    )


class _Section(NamedTuple):
    paths: tuple[SearchPath, ...] = ()
    enabled: frozenset[str] | None = None
    disabled: frozenset[str] = frozenset()
    tables: dict[str, SettingsTable] = {}  # noqa: RUF012 (never mutated)


def check_document(document: dict[str, Any], file: Path) -> None:
    """Raise a located ConfigError unless ``document`` holds only known sections
    and keys and its ``[skills]`` has the right shape."""
    _parse_section(document, file, "project")


def _section(file: Path, scope: str) -> _Section:
    from kurt.config.files import read_toml

    return _parse_section(read_toml(file), file, scope)


def _parse_section(document: dict[str, Any], file: Path, scope: str) -> _Section:
    # Here, not in a listing's warm path: that path never reads kurt.toml while
    # its stamps are unchanged, and a file refused here is never cached.
    from kurt.config.keys import check_keys

    check_keys(document, file)  # a misspelt section or key is never ignored
    raw = document.get("skills", {})
    if not isinstance(raw, dict):
        raise ConfigError(
            "'skills' must be a table",
            file=file,
            key="skills",
            hint="write it as a [skills] section",
        )
    paths = tuple(
        SearchPath(path=(file.parent / entry).resolve(), declared_in=file, scope=scope)
        for entry in _names(raw, "paths", file)
    )
    enabled = frozenset(_names(raw, "enabled", file)) if "enabled" in raw else None
    disabled = frozenset(_names(raw, "disabled", file))
    tables: dict[str, SettingsTable] = {}
    for name, values in raw.items():
        if name in RESERVED:
            continue
        if not isinstance(values, dict):
            reserved = did_you_mean(name, RESERVED)
            if reserved is not None:  # `disable = [...]`: a typo, not a skill's table
                raise ConfigError(
                    f"unknown key '{name}' in [skills]; did you mean '{reserved}'?",
                    file=file,
                    line=locate_key(file, name),
                    hint="keys of [skills]: paths, enabled, disabled "
                    "(and one [skills.<name>] table per skill)",
                )
            raise ConfigError(
                f"'skills.{name}' must be a table of that skill's settings, "
                f"got {type(values).__name__}",
                file=file,
                line=locate_key(file, name),
                key=f"skills.{name}",
                hint=f"write its settings under a [skills.{name}] section",
            )
        llm = values.get(LLM_TABLE)
        if isinstance(llm, dict):
            values = {key: value for key, value in values.items() if key != LLM_TABLE}
        tables[name] = SettingsTable(
            scope=scope, file=file, values=values, llm=llm if isinstance(llm, dict) else {}
        )
    return _Section(paths=paths, enabled=enabled, disabled=disabled, tables=tables)


def _names(raw: dict[str, Any], key: str, file: Path) -> list[str]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(
            f"'skills.{key}' must be a list of strings",
            file=file,
            line=locate_key(file, key),
            key=f"skills.{key}",
            hint=f"for example: {key} = {_EXAMPLES[key]}",
        )
    return value


# The `for example:` of a malformed list: folders for `paths`, skill names otherwise.
_EXAMPLES = {
    "paths": '["../shared-skills"]',
    "enabled": '["web-archiver"]',
    "disabled": '["legacy-crawler"]',
}


def locate_key(file: Path, skill: str, key: str | None = None) -> int | None:
    """The 1-based line of ``skills.<skill>.<key>`` (or of the skill's table) in ``file``."""
    return locate_path(file, ("skills", skill) if key is None else ("skills", skill, key))


def locate_path(file: Path, target: tuple[str, ...]) -> int | None:
    """The 1-based line defining the dotted key ``target`` (``("fetch", "timeout")``).

    Best effort and only used on the error path: the standard library's parser
    keeps no positions, so each line is read on its own (a table header, or the
    keys left of ``=``). ``None`` when nothing matches.
    """
    try:
        lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    table: tuple[str, ...] = ()
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if text.startswith("["):
            header = _key_path(text)
            if header is None:
                continue
            table = header
            if table[: len(target)] == target:
                return number
            continue
        if "=" not in text:
            continue
        found = _key_path(text) or _key_path(text.split("=", 1)[0] + "= 0")
        if found is None:
            continue
        path = table + found
        # Either the key itself, or an inline table holding it (`name = {key = 1}`).
        if path[: len(target)] == target or target[: len(path)] == path:
            return number
    return None


def _key_path(text: str) -> tuple[str, ...] | None:
    """The dotted key path one TOML line defines (``[a.b]`` or ``a.b = 1``)."""
    import tomllib

    from kurt.config.files import TooDeepError, loads

    try:
        node: Any = loads(text)
    except (tomllib.TOMLDecodeError, TooDeepError):
        return None
    path: list[str] = []
    while isinstance(node, list) and node:
        node = node[-1]
    while isinstance(node, dict) and len(node) == 1:
        ((name, node),) = node.items()
        path.append(name)
        while isinstance(node, list) and node:
            node = node[-1]
    return tuple(path) if path else None
