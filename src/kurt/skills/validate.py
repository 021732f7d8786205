"""``kurt skill validate``: every check of a skill, in one report per skill.

A report gathers, in this order:

1. what discovery found (the manifest-only checks of
   :func:`kurt.skills.manifest.rules.manifest_checks`, shadowing, name collisions);
2. the environment checks (``requires_python``, ``requires``, ``requires_env``);
3. the static code checks (each ``implements`` class exists in skill.py and
   derives from the right base, read with :mod:`ast`, never run);
4. in a trusted project (or for user, package and built-in skills), an import
   through the loader, which proves the classes really register. In an
   untrusted project the code is not run, and the report says so.

With ``agentskills=True`` the verdict (``valid`` and ``errors``) is the open
Agent Skills format's (:func:`kurt.skills.manifest.agentskills.check_agentskills`,
which agrees with its reference validator); Kurt's own findings are then
reported as warnings, prefixed ``kurt:``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from kurt.errors import SkillError
from kurt.skills.catalog.search import Candidate, manifest_stat
from kurt.skills.record import ERROR, WARNING, SkillProblem, SkillRecord

if TYPE_CHECKING:
    from kurt.config.llm import ConfiguredModels


class Report(NamedTuple):
    """The outcome of validating one skill."""

    name: str
    path: Path
    errors: list[SkillProblem]
    warnings: list[SkillProblem]
    imported: bool  # whether the code was imported (else checked statically only)
    # How implements was checked: "imported", "import failed" or "static".
    checked: str = "static"

    @property
    def valid(self) -> bool:
        return not self.errors

    def to_json(self) -> dict[str, Any]:
        """The ``kurt skill validate --json`` row (SPEC section 6)."""
        return {
            "name": self.name,
            "path": str(self.path),
            "valid": self.valid,
            "errors": [p.to_json() for p in self.errors],
            "warnings": [p.to_json() for p in self.warnings],
            "imported": self.imported,
            "checked": self.checked,
        }


def folder_record(folder: Path) -> SkillRecord:
    """A record for a folder given by path that discovery did not find."""
    from kurt.skills.catalog.precedence import record_from_facts
    from kurt.skills.manifest.read import read_facts

    manifest, info = manifest_stat(folder)
    if manifest is None or info is None:
        candidate = Candidate("path", folder, None, refused=f"{folder} holds no SKILL.md")
        facts: dict[str, Any] = {
            "name": folder.name,
            "problems": [[ERROR, f"no SKILL.md in {folder}", str(folder), None]],
        }
    else:
        candidate = Candidate("path", folder, manifest, info.st_size, info.st_mtime_ns)
        facts = read_facts(candidate)
    return record_from_facts(candidate, facts)


def validate(
    record: SkillRecord,
    *,
    importer: Any | None,
    models: ConfiguredModels,
    agentskills: bool = False,
    static_reason: str | None = None,
) -> Report:
    """Validate ``record``; ``importer(record)`` imports its code (``None``: static
    only, for ``static_reason``, by default an untrusted project); ``models``:
    the project's, which ``requires_llm`` is checked against."""
    from kurt.skills.environment import environment_problems

    problems = list(record.problems)
    problems += environment_problems(record, models)
    problems += _code_problems(record)
    imported = False
    checked = "static"
    if importer is not None and record.provides and not any(p.severity == ERROR for p in problems):
        try:
            importer(record)
            imported, checked = True, "imported"
        except SkillError as exc:
            problems.append(SkillProblem.at(exc.file, exc.line, exc.message))
            checked = "import failed"
    if record.provides and importer is None:
        why = static_reason or (
            "the project is not trusted, so its code was not imported (trust it with: kurt trust)"
        )
        problems.append(
            SkillProblem(
                WARNING,
                f"implements checked statically only: {why}",
                str(record.path / "skill.py"),
                None,
            )
        )
    if agentskills:
        return _open_format(record, problems, imported)._replace(checked=checked)
    errors = [p for p in problems if p.severity == ERROR]
    warnings = [p for p in problems if p.severity != ERROR]
    return Report(record.name, record.path, errors, warnings, imported, checked)


def _open_format(record: SkillRecord, problems: list[SkillProblem], imported: bool) -> Report:
    from kurt.skills.manifest.agentskills import check_agentskills

    manifest = str(record.manifest_path)
    errors = [
        SkillProblem(ERROR, text, manifest, _line_in(text))
        for text in check_agentskills(record.path)
    ]
    warnings = [
        SkillProblem(WARNING, f"kurt: {p.message}", p.file, p.line)
        for p in problems
        if p.severity == ERROR or p.severity == WARNING
    ]
    return Report(record.name, record.path, errors, warnings, imported)


def _code_problems(record: SkillRecord) -> list[SkillProblem]:
    """The static checks of skill.py and of the modules the skill's commands
    name (the manifest is parsed again for them)."""
    if not (record.provides or record.extra.get("commands")) or record.manifest_path is None:
        return []
    from kurt.errors import ManifestError
    from kurt.skills.codecheck import code_checks
    from kurt.skills.manifest.frontmatter import read_front_matter
    from kurt.skills.manifest.plain import read_plain

    try:
        front = read_front_matter(record.manifest_path.read_bytes(), record.manifest_path)
        plain = read_plain(front, record.manifest_path)
    except (OSError, ManifestError):
        return []  # already reported by discovery
    return code_checks(record.path, front, plain)


def _line_in(text: str) -> int | None:
    """The SKILL.md line an open-format error names in its text (``... (line: 9)``),
    which its wording must keep to agree with the reference validator."""
    import re

    found = re.search(r"\(line: (\d+)\)", text)
    return int(found.group(1)) if found else None
