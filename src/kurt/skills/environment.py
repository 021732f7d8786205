"""Whether this machine can run a skill: ``requires_python``, ``requires``,
``requires_env``, ``requires_llm``.

These rules depend on the machine, not on the skill, so they are never
cached with the manifest's facts: every listing and every run checks them
again (an ``export`` or a ``pip install`` is seen by the very next command).
A skill whose manifest is valid but which fails one of them is ``unusable``
(:func:`kurt.skills.status.status_of`); the listing's problem and the run's
error use the same words, from :func:`unmet`.

Only skills that declare requirements pay for them: ``packaging`` is imported
for the first ``requires_python`` or ``requires``, ``importlib.metadata`` for
the first ``requires`` (never the distributions themselves), and the kurt.toml
files are read for ``[llm] model`` only for a skill declaring ``requires_llm``.

``requires_llm`` depends on a project too: every check is given ``models``
(:class:`kurt.config.llm.ConfiguredModels`) by the caller that knows which
project it checks for (the skill manager, the warm listing), which asks it
only for such a skill.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from kurt.skills.record import ERROR, LINES, SkillProblem

if TYPE_CHECKING:
    from kurt.config.llm import ConfiguredModels
    from kurt.skills.record import SkillRecord

#: The manifest keys these rules read (in ``SkillRecord.extra``).
KEYS = ("requires_python", "requires", "requires_env", "requires_llm")

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def declares_requirements(extra: Mapping[str, Any]) -> bool:
    """Whether a skill's manifest facts declare anything these rules check."""
    return any(extra.get(key) for key in KEYS)


def requirements(extra: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a skill's facts :func:`unmet` reads (stored by the snapshot)."""
    found = {key: extra[key] for key in KEYS if extra.get(key)}
    lines = extra.get(LINES) or {}
    found[LINES] = {key: lines[key] for key in KEYS if key in lines}
    return found


def unmet(
    extra: Mapping[str, Any],
    manifest: str,
    skill: str | None = None,
    *,
    models: ConfiguredModels,
) -> list[SkillProblem]:
    """Every requirement of a skill this machine (and, for ``requires_llm``, the
    project of ``models``) does not meet, each naming ``manifest`` and the line
    of its key; ``extra`` holds the manifest's facts (``skill``: its name, whose
    own ``[skills.NAME.llm]`` may set a model)."""
    if not declares_requirements(extra):
        return []
    lines = extra.get(LINES) or {}
    return [
        *check_requires_python(
            extra.get("requires_python"), manifest, lines.get("requires_python")
        ),
        *check_requires(extra.get("requires") or [], manifest, lines.get("requires")),
        *check_requires_env(extra.get("requires_env") or [], manifest, lines.get("requires_env")),
        *check_requires_llm(
            extra.get("requires_llm") is True,
            manifest,
            lines.get("requires_llm"),
            models=models,
            skill=skill,
        ),
    ]


def environment_problems(record: SkillRecord, models: ConfiguredModels) -> list[SkillProblem]:
    """:func:`unmet` for a record, from its cached facts: no manifest is parsed again."""
    return unmet(record.extra, str(record.manifest_path), record.name, models=models)


def check_requires_python(
    spec: str | None, file: str | None, line: int | None, *, python: str | None = None
) -> list[SkillProblem]:
    """The running interpreter (or ``python``, a version string) satisfies ``requires_python``."""
    if spec is None:
        return []
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    running = python or ".".join(str(part) for part in sys.version_info[:3])
    try:
        allowed = SpecifierSet(spec)
    except InvalidSpecifier:
        message = f"requires_python '{spec}' is not a PEP 440 specifier"
        return [SkillProblem(ERROR, message, file, line)]
    if allowed.contains(running, prereleases=True):
        return []
    message = f"requires Python {spec}, but this is Python {running}"
    hint = f"run Kurt with a Python that matches {spec}, or ask the skill's author"
    return [SkillProblem(ERROR, message, file, line, hint)]


def check_requires(
    requires: Sequence[str], file: str | None, line: int | None
) -> list[SkillProblem]:
    """Each required distribution is installed at a matching version (never imported)."""
    if not requires:
        return []  # importlib.metadata costs more than the rest of a warm listing
    from importlib import metadata

    from packaging.requirements import InvalidRequirement, Requirement

    problems = []
    for text in requires:
        try:
            requirement = Requirement(text)
        except InvalidRequirement:
            message = f"'{text}' is not a PEP 508 requirement"
            problems.append(SkillProblem(ERROR, message, file, line))
            continue
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue  # not needed on this platform
        try:
            installed = metadata.version(requirement.name)
        except metadata.PackageNotFoundError:
            message = f"requires '{text}', but {requirement.name} is not installed"
            problems.append(SkillProblem(ERROR, message, file, line, _install_hint(requirement)))
            continue
        if not requirement.specifier.contains(installed, prereleases=True):
            message = f"requires '{text}', but {requirement.name} {installed} is installed"
            problems.append(SkillProblem(ERROR, message, file, line, _install_hint(requirement)))
    return problems


def check_requires_env(
    names: Sequence[str],
    file: str | None,
    line: int | None,
    *,
    environ: Mapping[str, str] | None = None,
) -> list[SkillProblem]:
    """Every variable in ``requires_env`` is set (and non-empty) in the environment."""
    env = os.environ if environ is None else environ
    problems = []
    for name in names:
        if not _ENV_NAME.fullmatch(name):
            message = f"requires_env '{name}' is not a valid environment variable name"
            problems.append(SkillProblem(ERROR, message, file, line))
        elif not env.get(name):
            message = f"environment variable {name} is not set"
            problems.append(SkillProblem(ERROR, message, file, line, f"set it: export {name}=..."))
    return problems


def check_requires_llm(
    required: bool,
    file: str | None,
    line: int | None,
    *,
    models: ConfiguredModels,
    skill: str | None = None,
) -> list[SkillProblem]:
    """A skill declaring ``requires_llm: true`` has a model to ask: ``models``
    (its project's ``[skills.<skill>.llm]`` or ``[llm]``, or the environment)
    names one."""
    if not required:
        return []
    from kurt.errors import KurtError

    try:
        model = models(skill if isinstance(skill, str) else None)
    except KurtError:  # an unreadable kurt.toml: the command reports it itself
        model = None
    if model is not None:
        return []
    message = "requires a language model (requires_llm), but no [llm] model is configured"
    hint = (
        'set one in kurt.toml: [llm] model = "openai:gpt-4o-mini", or for this skill alone'
        f" under [skills.{skill}.llm] (see: kurt config llm)"
        if skill
        else 'set one in kurt.toml: [llm] model = "openai:gpt-4o-mini" (see: kurt config llm)'
    )
    return [SkillProblem(ERROR, message, file, line, hint)]


def _install_hint(requirement: Any) -> str:
    """``install it ...: python -m pip install 'httpx>=0.27'`` (into Kurt's own environment)."""
    specifier = f"{requirement.name}{requirement.specifier}"
    return f"install it where Kurt runs: python -m pip install '{specifier}'"
