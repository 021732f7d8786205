"""Every rule a skill is validated against, one small function each.

Each ``check_*`` function returns a list of :class:`Problem` records (empty
when the rule holds); none raises for bad content. They fall in three groups:

- manifest rules, which depend on SKILL.md alone (:func:`manifest_checks`
  runs them all; discovery caches their result with the manifest);
- environment rules, which depend on this machine (the interpreter, the
  installed distributions, the environment) live in
  :mod:`kurt.skills.environment`;
- code rules, which read ``skill.py`` statically, live in
  :mod:`kurt.skills.codecheck` (:func:`~kurt.skills.codecheck.code_checks`).

``requires_skills`` order and cycles are decided by
:mod:`kurt.skills.catalog.precedence`.

The module imports neither pydantic nor yaml: the checks read a manifest in
its plain form (:func:`kurt.skills.manifest.plain.plain_manifest`, or
``Manifest.to_cache()``): ``implements`` items and setting declarations are
plain mappings keyed as in SKILL.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from kurt.config.settings_model import field_name
from kurt.skills.manifest.plain import KNOWN_KEYS
from kurt.skills.record import SkillProblem

__all__ = [
    "Problem",
    "check_routing",
    "field_checks",
    "manifest_checks",
]

if TYPE_CHECKING:
    from kurt.skills.manifest.frontmatter import FrontMatter

#: A manifest in its plain form, as ``Manifest.to_cache()`` returns it.
PlainManifest = Mapping[str, Any]
#: The SKILL.md line of a key (``implements[1]``, ``settings.timeout``): ``FrontMatter.line_of``.
Lines = Callable[[str], int | None]

Severity = Literal["error", "warning"]

MAX_NAME = 64
MAX_DESCRIPTION = 1024
MAX_COMPATIBILITY = 500
#: Names a skill may not take: they are keys of ``[skills]`` in kurt.toml.
RESERVED_NAMES = frozenset({"paths", "enabled", "disabled"})
#: Setting type names (``settings.<key>.type``) and the Python values each accepts.
SETTING_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "list": (list,),
    "dict": (dict,),
}

_NAME_CHARS = re.compile(r"[a-z0-9-]+")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PROVIDED_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
# A command is typed after `kurt`: a lowercase word, '-' between parts.
_COMMAND_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_DOTTED = r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*"
_COMMAND_ENTRY = re.compile(rf"{_DOTTED}:{_DOTTED}")
# A letter first: pydantic takes a name starting with '_' for a private
# attribute, not a field, so `_token` could never reach context.settings.
_SETTING_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


#: One finding: where (file and line, when known), what, how bad, how to fix it.
#: The one problem record of every check (:class:`kurt.skills.record.SkillProblem`);
#: the rules write ``Problem.at(file, line, message, severity)``.
Problem = SkillProblem


def matches_setting_type(type_name: str, value: Any) -> bool:
    """Whether ``value`` is of setting type ``type_name`` (``True`` is not an int)."""
    kinds = SETTING_TYPES.get(type_name)
    if kinds is None:
        return False
    if isinstance(value, bool) and type_name != "bool":
        return False
    return isinstance(value, kinds)


# --- manifest rules -----------------------------------------------------------------------


def check_name(
    name: str,
    expected: str | None,
    file: Path | None,
    line: int | None,
    *,
    expected_from: str = "the folder name",
) -> list[Problem]:
    """Kurt's name rules; ``expected`` is the folder name (or, for a package, the entry point)."""

    def error(message: str) -> Problem:
        return Problem.at(file, line, message)

    if not name.strip():
        return [error("name must not be empty")]
    problems = []
    if len(name) > MAX_NAME:
        problems.append(error(f"name '{name}' is longer than {MAX_NAME} characters ({len(name)})"))
    if not _NAME_CHARS.fullmatch(name):
        problems.append(
            error(f"name '{name}' may hold only lowercase ASCII letters a-z, digits 0-9 and '-'")
        )
    if name.startswith("-") or name.endswith("-"):
        problems.append(error(f"name '{name}' must not start or end with '-'"))
    if "--" in name:
        problems.append(error(f"name '{name}' must not contain '--'"))
    if name in RESERVED_NAMES:
        problems.append(error(f"name '{name}' is reserved (a key of [skills] in kurt.toml)"))
    if expected is not None and name != expected:
        problems.append(error(f"name '{name}' does not match {expected_from} '{expected}'"))
    return problems


def check_description(description: str, file: Path | None, line: int | None) -> list[Problem]:
    """The description is 1 to 1024 characters and not blank."""
    if not description.strip():
        return [Problem.at(file, line, "description must not be empty")]
    if len(description) > MAX_DESCRIPTION:
        return [
            Problem.at(
                file,
                line,
                f"description is longer than {MAX_DESCRIPTION} characters ({len(description)})",
            )
        ]
    return []


def check_compatibility(value: str | None, file: Path | None, line: int | None) -> list[Problem]:
    """``compatibility``, when present, is at most 500 characters."""
    if value is not None and len(value) > MAX_COMPATIBILITY:
        message = f"compatibility is longer than {MAX_COMPATIBILITY} characters ({len(value)})"
        return [Problem.at(file, line, message)]
    return []


def check_metadata(coerced: Sequence[str], file: Path | None, line: int | None) -> list[Problem]:
    """``metadata`` maps strings to strings; other values were read as text (a warning)."""
    if not coerced:
        return []
    keys = ", ".join(coerced)
    message = f"metadata values should be strings (read as text: {keys}); quote them"
    return [Problem.at(file, line, message, "warning")]


def check_unknown_keys(
    extra_keys: Sequence[str], key_lines: Mapping[str, int], file: Path | None
) -> list[Problem]:
    """Top-level keys neither Kurt nor the open format knows: one warning each."""
    return [
        Problem.at(
            file,
            key_lines.get(key),
            f"unknown top-level key '{key}' (ignored by Kurt)",
            "warning",
        )
        for key in extra_keys
    ]


def check_provides_something(
    implements: Sequence[Mapping[str, Any]],
    file: Path | None,
    line: int | None,
    workflows: Sequence[str] = (),
) -> list[Problem]:
    """A skill without ``implements`` (or ``workflows``) is valid but provides
    nothing (a warning)."""
    if implements or workflows:
        return []
    message = "the skill implements nothing (no 'implements' key): it provides no tool"
    return [Problem.at(file, line, message, "warning")]


def check_implements_unique(
    implements: Sequence[Mapping[str, Any]], file: Path | None, at: Lines
) -> list[Problem]:
    """No two ``implements`` items share a (type, name)."""
    seen: set[tuple[str, str]] = set()
    problems = []
    for index, item in enumerate(implements):
        key = (item["type"], item["name"])
        if key in seen:
            message = f"{key[0]} '{key[1]}' is implemented twice"
            problems.append(Problem.at(file, at(f"implements[{index}]"), message))
        seen.add(key)
    return problems


def check_provided_names(
    implements: Sequence[Mapping[str, Any]], file: Path | None, at: Lines
) -> list[Problem]:
    """Names a skill provides are typed on command lines: lowercase ASCII letters,
    digits, '-' and '_' (``HTTPX`` beside Kurt's ``httpx`` would only confuse)."""
    return [
        Problem.at(
            file,
            at(f"implements[{index}]"),
            f"{item['type']} name '{item['name']}' may hold only lowercase ASCII letters a-z, "
            "digits 0-9, '-' and '_'",
        )
        for index, item in enumerate(implements)
        if not _PROVIDED_NAME.fullmatch(item["name"])
    ]


def check_builtin_names(
    implements: Sequence[Mapping[str, Any]], file: Path | None, at: Lines
) -> list[Problem]:
    """No ``implements`` item takes a name Kurt provides itself: the registry
    would refuse it when the skill loads, so say it before any import."""
    from kurt.kinds import OWN_NAMES

    return [
        Problem.at(
            file,
            at(f"implements[{index}]"),
            f"{item['type']} '{item['name']}' is one of Kurt's own; a skill cannot provide it "
            "(rename it under implements and in skill.py)",
        )
        for index, item in enumerate(implements)
        if item["name"] in OWN_NAMES.get(item["type"], ())
    ]


def check_commands(
    commands: Sequence[Mapping[str, Any]], file: Path | None, at: Lines
) -> list[Problem]:
    """Each command a skill adds to ``kurt``: a name that can be typed, is not
    one of Kurt's own commands and is not added twice, and an ``entry`` of the
    form ``module:attribute`` (a module inside the skill folder)."""
    from kurt.kinds import OWN_COMMANDS

    problems = []
    seen: set[str] = set()
    for index, item in enumerate(commands):
        name, entry, line = item["name"], item["entry"], at(f"commands[{index}]")

        def add(message: str, line: int | None = line) -> None:
            problems.append(Problem.at(file, line, message))

        if not _COMMAND_NAME.fullmatch(name) or len(name) > MAX_NAME:
            add(
                f"command name '{name}' may hold only lowercase ASCII letters a-z, digits 0-9 "
                "and single '-' between them, starting with a letter"
            )
        elif name in OWN_COMMANDS:
            add(f"command '{name}' is one of Kurt's own commands (kurt {name}); rename it")
        elif name in seen:
            add(f"command '{name}' is declared twice")
        seen.add(name)
        if not _COMMAND_ENTRY.fullmatch(entry):
            add(
                f"command '{name}': entry '{entry}' is not of the form 'module:attribute' "
                "(e.g. 'cli:main' for the click command `main` in cli.py of the skill folder)"
            )
    return problems


def check_routing(
    implements: Sequence[Mapping[str, Any]], file: Path | None, at: Lines
) -> list[Problem]:
    """``url_patterns`` are usable globs, and only fetchers and mappers route URLs
    (a tool takes its input from its caller, never from a URL's shape)."""
    from kurt.routing import pattern_problem

    problems = []
    for index, item in enumerate(implements):
        patterns = item.get("url_patterns") or []
        line = at(f"implements[{index}]")
        if item["type"] == "tool" and (patterns or item.get("priority", 0)):
            message = (
                f"tool '{item['name']}': url_patterns and priority route URLs to fetchers and "
                "mappers; a tool takes neither (remove them)"
            )
            problems.append(Problem.at(file, line, message))
            continue
        for pattern in patterns:
            problem = pattern_problem(pattern)
            if problem is not None:
                message = f"{item['type']} '{item['name']}': url_patterns: {problem}"
                problems.append(Problem.at(file, line, message))
    return problems


def check_settings(
    settings: Mapping[str, Mapping[str, Any]], file: Path | None, at: Lines
) -> list[Problem]:
    """Each setting declaration makes sense: key, default's type, env name, flags."""
    problems = []
    env_forms: dict[str, str] = {}
    fields: dict[str, str] = {}
    for key, spec in settings.items():
        line = at(f"settings.{key}")

        def add(
            message: str, severity: Severity = "error", key: str = key, line: int | None = line
        ) -> None:
            problems.append(Problem.at(file, line, f"setting '{key}': {message}", severity))

        if not _SETTING_KEY.fullmatch(key):
            add("a setting name holds only letters, digits, '_' and '-', and starts with a letter")
        env_form = key.upper().replace("-", "_")
        if env_form in env_forms:
            add(f"clashes with '{env_forms[env_form]}' as an environment variable ({env_form})")
        elif (field := field_name(key)) in fields:
            # `json` is `json_` on the model (BaseModel has a `json`): both
            # cannot be attributes of `context.settings`.
            add(f"clashes with '{fields[field]}' as the attribute context.settings.{field}")
        env_forms.setdefault(env_form, key)
        fields.setdefault(field_name(key), key)
        default, env = spec.get("default"), spec.get("env")
        if default is not None and not matches_setting_type(spec["type"], default):
            add(f"default {default!r} is not of type {spec['type']}")
        if spec.get("required") and default is not None:
            add("is required but has a default, so it can never be missing", "warning")
        if spec.get("secret") and default is not None:
            add("is secret but has a default written in SKILL.md", "warning")
        if env is not None and not _ENV_NAME.fullmatch(env):
            add(f"env '{env}' is not a valid environment variable name")
    return problems


def check_workflows(
    workflows: Sequence[str], folder: Path, file: Path | None, line: int | None
) -> list[Problem]:
    """Each ``workflows`` entry is a ``.toml`` file inside the skill's folder,
    named relative to it (what the file says is ``kurt workflow validate``'s)."""
    problems = []
    for entry in workflows:
        relative = Path(entry)
        if relative.is_absolute() or ".." in relative.parts or not entry.strip():
            message = f"workflow '{entry}' must be a path inside the skill's folder"
        elif relative.suffix != ".toml":
            message = f"workflow '{entry}' must be a .toml file"
        elif not (folder / relative).is_file():
            message = f"workflow '{entry}' is not a file in {folder}"
        else:
            continue
        problems.append(Problem.at(file, line, message))
    return problems


def field_checks(
    folder: Path, front: FrontMatter, *, entry_point: str | None = None
) -> list[Problem]:
    """The rules on ``name``, ``description``, ``compatibility`` and unknown keys.

    They read the front matter itself, so they run even when the manifest does
    not parse (a value of the wrong type is the parser's to report): a skill
    author sees every problem of the file at once. The name must equal
    ``entry_point`` for a package skill, else the folder's name.
    """
    file, at, fields = front.path, front.line_of, front.fields
    name, description = fields.get("name"), fields.get("description")
    compatibility = fields.get("compatibility")
    expected = entry_point if entry_point is not None else folder.name
    expected_from = "the entry-point name" if entry_point is not None else "the folder name"
    problems = []
    if isinstance(name, str):
        problems += check_name(name, expected, file, at("name"), expected_from=expected_from)
    if isinstance(description, str):
        problems += check_description(description, file, at("description"))
    if isinstance(compatibility, str):
        problems += check_compatibility(compatibility, file, at("compatibility"))
    unknown = sorted(key for key in fields if key not in KNOWN_KEYS)
    return problems + check_unknown_keys(unknown, front.key_lines, file)


def manifest_checks(
    folder: Path,
    front: FrontMatter,
    manifest: PlainManifest,
    *,
    entry_point: str | None = None,
) -> list[Problem]:
    """Every rule that depends on SKILL.md alone: :func:`field_checks`, then
    those that need the parsed manifest."""
    file, at = front.path, front.line_of
    return [
        *field_checks(folder, front, entry_point=entry_point),
        *check_metadata(manifest["metadata_coerced"], file, at("metadata")),
        *check_provides_something(manifest["implements"], file, at("name"), manifest["workflows"]),
        *check_implements_unique(manifest["implements"], file, at),
        *check_provided_names(manifest["implements"], file, at),
        *check_builtin_names(manifest["implements"], file, at),
        *check_routing(manifest["implements"], file, at),
        *check_settings(manifest["settings"], file, at),
        *check_workflows(manifest["workflows"], folder, file, at("workflows")),
        *check_commands(manifest["commands"], file, at),
    ]
