"""The code rules: each ``implements`` class exists in ``skill.py`` and
derives from the right base, read statically (:mod:`kurt.skills.classcheck`),
never imported, so ``kurt skill validate`` can check an untrusted project.

The manifest and environment rules are in :mod:`kurt.skills.checks`; these
return the same :class:`~kurt.skills.checks.Problem` records.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kurt.errors import did_you_mean
from kurt.skills.checks import Lines, PlainManifest, Problem

if TYPE_CHECKING:
    from kurt.skills.frontmatter import FrontMatter


def check_implements_code(
    code: Path,
    implements: Sequence[Mapping[str, Any]],
    manifest_file: Path | None,
    at: Lines,
) -> list[Problem]:
    """Each ``implements`` class exists in ``code`` (skill.py) and derives from its base.

    Static only (:mod:`kurt.skills.classcheck`): the file is parsed, never run.
    """
    if not implements:
        return []
    from kurt.skills.classcheck import BASES, Verdict, read_module

    try:
        source = code.read_bytes().decode("utf-8")
    except FileNotFoundError:
        missing = f"'implements' needs {code.name}, which is missing"
        return [Problem(manifest_file, at("implements"), missing)]
    except (OSError, UnicodeDecodeError) as exc:
        return [Problem(code, None, f"cannot read {code.name}: {exc}")]
    try:
        module = read_module(source, code)
    except SyntaxError as exc:
        return [Problem(code, exc.lineno, f"{code.name} does not parse: {exc.msg}")]
    except (ValueError, RecursionError, MemoryError) as exc:
        return [Problem(code, None, f"{code.name} does not parse: {exc}")]
    problems = []
    for index, item in enumerate(implements):
        kind, class_name = item["type"], item["class"]
        base = BASES[kind]
        info = module.classes.get(class_name)
        if info is None:
            message = (
                f"class '{class_name}' ({kind} '{item['name']}') is not defined in {code.name}"
            )
            # Only classes that could be the one meant: those not known to have another base.
            fitting = [c for c in module.classes if module.derives_from(c, base) is not Verdict.NO]
            close = did_you_mean(class_name, fitting)
            if close is not None:
                message += f"; did you mean '{close}'?"
            problems.append(Problem(manifest_file, at(f"implements[{index}]"), message))
            continue
        verdict = module.derives_from(class_name, base)
        if verdict is Verdict.NO:
            message = f"class '{class_name}' must derive from kurt.{base} (it is a {kind})"
            problems.append(Problem(code, info.line, message))
        elif verdict is Verdict.UNKNOWN:
            message = (
                f"class '{class_name}' derives from kurt.{base} only through an import that "
                "cannot be followed statically; it is checked when the skill is loaded"
            )
            problems.append(Problem(code, info.line, message, "warning"))
    return problems


def code_checks(folder: Path, front: FrontMatter, manifest: PlainManifest) -> list[Problem]:
    """Every rule about ``skill.py`` (static)."""
    return check_implements_code(
        folder / "skill.py", manifest["implements"], front.path, front.line_of
    )
