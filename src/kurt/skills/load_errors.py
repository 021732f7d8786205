"""Saying why a skill failed to load, in the words of its own mistake.

:mod:`kurt.skills.loader` turns every failure into a located
:class:`~kurt.errors.SkillError`; these recognise the common mistakes behind
a failure and name them, so the message says what to change rather than
what Python saw:

- a helper imported absolutely (``from helpers import x``): the skill's
  folder is not on ``sys.path``, so the hint is the relative import;
- an ``implements`` class registered under another name, or misspelled;
- an ``implements`` class deriving from the wrong base (``class X(BaseModel)``
  fails inside pydantic before Kurt's registry sees it).
"""

from __future__ import annotations

import os
import re
import types
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kurt.errors import SkillError, did_you_mean

if TYPE_CHECKING:
    from kurt.registry import Entry
    from kurt.skills.record import Provided, SkillRecord


def unregistered(
    record: SkillRecord,
    code: Path,
    provided: Provided,
    module: types.ModuleType | None,
    ours: list[Entry[Any]],
) -> SkillError:
    """Why ``provided`` is not registered as SKILL.md says, from what ``module``
    (skill.py, if it was imported) defines and what the skill registered (``ours``)."""
    cls, kind, name = provided.class_name, provided.kind, provided.name
    where = f"skill '{record.name}': "
    namespace = vars(module) if module is not None else {}
    if module is not None and not isinstance(namespace.get(cls), type):
        # Suggest the skill's own classes, not the ones it imported (Tool, BaseModel).
        package = module.__name__.rpartition(".")[0]
        own = [k for k, v in namespace.items() if isinstance(v, type) and _within(v, package)]
        suggestion = did_you_mean(cls, own)
        message = f"{where}class {cls} ({kind} '{name}' in SKILL.md) is not defined in skill.py"
        if suggestion is None:
            return SkillError(
                message,
                file=code,
                hint=f"define class {cls} in skill.py, or name one of its classes "
                "in SKILL.md's implements",
            )
        return SkillError(
            f"{message}; did you mean '{suggestion}'?",
            file=code,
            line=class_line(code, suggestion),
            hint="use one spelling of the class name in SKILL.md and skill.py",
        )
    by_class = [e for e in ours if e.obj.__name__ == cls]
    if by_class:
        # Registered, but under another name (or as another kind).
        got = by_class[0]
        said = f"'{name}'" if got.kind == kind else f"{kind} '{name}'"
        return SkillError(
            f"{where}skill.py registered {got.kind} '{got.name}' (class {cls}), "
            f"but SKILL.md's implements says {said}",
            file=code,
            line=class_line(code, cls),
            hint=f"make the two names equal: set name = '{name}' in class {cls}, "
            "or change the name in SKILL.md's implements",
        )
    by_name = [e for e in ours if e.kind == kind and e.name == name]
    if by_name:
        other = by_name[0].obj.__name__
        return SkillError(
            f"{where}skill.py registered {kind} '{name}' with class {other}, "
            f"but SKILL.md's implements says class {cls}",
            file=code,
            line=class_line(code, other),
            hint="name the same class in SKILL.md and skill.py",
        )
    return SkillError(
        f"{where}class {cls} ({kind} '{name}' in SKILL.md) was not registered by skill.py",
        file=code,
        line=class_line(code, cls),
        hint=f"define class {cls} in skill.py and decorate it with "
        f"@register_{kind}; its name must be '{name}'",
    )


def _within(cls: type, package: str) -> bool:
    return cls.__module__ == package or cls.__module__.startswith(package + ".")


def class_line(code: Path, class_name: str) -> int | None:
    """The line of ``class <class_name>`` in ``code``, if it is written there."""
    try:
        text = code.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    match = re.search(rf"^[ \t]*class[ \t]+{re.escape(class_name)}\b", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def absolute_helper_hint(folder: str, file: str, line: int | None, missing: str) -> str | None:
    """How to import ``missing`` when it is one of the skill's own modules,
    imported absolutely (the folder is not on ``sys.path``).

    Looks beside the failing file, then in each folder above it up to the
    skill's folder, so the hint has as many dots as the relative import needs.
    """
    top = missing.partition(".")[0]
    here = os.path.dirname(os.path.realpath(file))
    dots = "."
    while here == folder or here.startswith(folder + os.sep):
        if os.path.isfile(os.path.join(here, f"{top}.py")) or os.path.isdir(
            os.path.join(here, top)
        ):
            written = _line_text(file, line)
            if written.startswith("import "):
                return f"import it relatively: from {dots} import {top}"
            return f"import it relatively: from {dots}{top} import ..."
        here = os.path.dirname(here)
        dots += "."
    return None


def _line_text(file: str, line: int | None) -> str:
    try:
        lines = Path(file).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    return lines[line - 1].strip() if line is not None and 0 < line <= len(lines) else ""


def wrong_base(record: SkillRecord, code: Path, file: str, line: int) -> SkillError | None:
    """The clearer error when the import failed while defining an ``implements``
    class that does not derive from its base (``class X(BaseModel)`` fails in
    pydantic, a wrong base in ``@register_tool`` fails in the registry).

    Only when the failing line is that class's statement (its decorators
    through its body) and the static check (:mod:`kurt.skills.codecheck`)
    says it derives from the wrong base; otherwise the original error stands.
    """
    import ast

    if os.path.realpath(file) != os.path.realpath(code):
        return None
    try:
        tree = ast.parse(code.read_bytes(), str(code))
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    # Each module-level class's lines, from its first decorator (where a
    # registry's TypeError points) to the end of its body.
    spans = {
        node.name: range(
            min([node.lineno, *(d.lineno for d in node.decorator_list)]),
            (node.end_lineno or node.lineno) + 1,
        )
        for node in tree.body
        if isinstance(node, ast.ClassDef)
    }
    for provided in record.provides:
        if line not in spans.get(provided.class_name, ()):
            continue
        from kurt.skills.codecheck import check_implements_code

        item = {"type": provided.kind, "class": provided.class_name, "name": provided.name}
        for problem in check_implements_code(code, [item], record.manifest_path, lambda _: None):
            if problem.is_error and problem.file == str(code):
                return SkillError(
                    f"skill '{record.name}': {problem.message}",
                    file=code,
                    line=problem.line,
                    hint=_base_hint(provided),
                )
    return None


def _base_hint(provided: Provided) -> str:
    from kurt.skills.codecheck import BASES

    base = BASES[provided.kind]
    hint = f"derive class {provided.class_name} from {base} (from kurt import {base})"
    if provided.kind == "tool":
        hint += "; a tool's pydantic models are its InputModel and OutputModel"
    return hint
