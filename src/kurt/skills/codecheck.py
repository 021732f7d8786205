"""``skill.py`` checked without running it: which classes it defines, whether
each derives from Kurt's ``Tool``, ``BaseFetcher`` or ``BaseMapper``, and the
code rules built on that (each ``implements`` class exists and derives from
the right base), so ``kurt skill validate`` can check an untrusted project.

The file is parsed with :mod:`ast` and never imported. A base counts when it
is written as the bare name (``class A(Tool)``, however ``Tool`` was
imported), as an attribute reached from a ``kurt`` import (``kurt.Tool``,
``tools.base.Tool`` after ``from kurt import tools``), subscripted
(``Tool[In, Out]``), or through another class of the same file that does. A
base imported from anywhere else (the skill's own helper module, say) cannot
be judged without running code: the answer is "unknown", not "no".

The manifest and environment rules are in :mod:`kurt.skills.manifest.rules`;
these return the same :class:`~kurt.skills.manifest.rules.Problem` records.
"""

from __future__ import annotations

import ast
import enum
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from kurt.errors import did_you_mean
from kurt.kinds import KIND_TABLE
from kurt.skills.manifest.rules import Lines, PlainManifest, Problem
from kurt.tools.localfile import MAX_SOURCE_BYTES, read_regular

if TYPE_CHECKING:
    from kurt.skills.manifest.frontmatter import FrontMatter


#: The base class each ``implements`` type must derive from.
BASES = {kind.name: kind.base for kind in KIND_TABLE.values()}


class Verdict(enum.Enum):
    """Whether a class derives from a base, as far as the source shows."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


@attrs.frozen
class ClassInfo:
    """One module-level class: its line and its bases as dotted names."""

    name: str
    line: int
    bases: tuple[str, ...]


@attrs.frozen
class ModuleInfo:
    """The classes of a module and where its imported names come from."""

    classes: dict[str, ClassInfo]
    imports: dict[str, str]  # local name -> dotted origin ("kurt.Tool", "kurt.tools")

    def derives_from(self, class_name: str, base: str) -> Verdict:
        """Whether ``class_name`` (defined here) derives from Kurt's ``base``."""
        return self._derives(class_name, base, set())

    def _derives(self, class_name: str, base: str, seen: set[str]) -> Verdict:
        info = self.classes.get(class_name)
        if info is None or class_name in seen:
            return Verdict.NO
        seen.add(class_name)
        verdict = Verdict.NO
        for written in info.bases:
            answer = self._base_verdict(written, base, seen)
            if answer is Verdict.YES:
                return Verdict.YES
            if answer is Verdict.UNKNOWN:
                verdict = Verdict.UNKNOWN
        return verdict

    def _base_verdict(self, written: str, base: str, seen: set[str]) -> Verdict:
        head, _, rest = written.partition(".")
        origin = self.imports.get(head)
        full = f"{origin}.{rest}" if origin and rest else (origin or written)
        if not rest and head in self.classes and origin is None:
            return self._derives(head, base, seen)  # a class of this file
        last = full.rsplit(".", 1)[-1]
        if full == base or (full.startswith("kurt.") and last == base):
            return Verdict.YES
        if full.startswith("kurt.") or full in _KNOWN_OTHERS or origin is None:
            # A Kurt name that is not this base, a builtin, or a name never imported.
            return Verdict.NO
        return Verdict.UNKNOWN


_KNOWN_OTHERS = frozenset({"object", "abc.ABC", "typing.Generic", "pydantic.BaseModel"})


def read_module(source: str, filename: str | Path = "skill.py") -> ModuleInfo:
    """Classes and imports of ``source``; raises ``SyntaxError`` (with its line)."""
    tree = ast.parse(source, filename=str(filename))
    classes: dict[str, ClassInfo] = {}
    imports: dict[str, str] = {}
    for node in _module_level(tree.body):
        if isinstance(node, ast.ClassDef):
            bases = tuple(name for name in (_dotted(b) for b in node.bases) if name)
            classes[node.name] = ClassInfo(node.name, node.lineno, bases)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    imports[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    imports[top] = top
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            for alias in node.names:
                imports[alias.asname or alias.name] = f"{module}.{alias.name}"
    return ModuleInfo(classes, imports)


def _module_level(body: list[ast.stmt]) -> list[ast.stmt]:
    """Statements run at import, including those inside ``if``/``try`` blocks."""
    found: list[ast.stmt] = []
    stack = list(reversed(body))
    while stack:
        node = stack.pop()
        found.append(node)
        if isinstance(node, ast.If | ast.Try | ast.With):
            inner: list[ast.stmt] = list(node.body)
            if isinstance(node, ast.If | ast.Try):
                inner += node.orelse
            if isinstance(node, ast.Try):
                inner += [s for h in node.handlers for s in h.body] + node.finalbody
            stack.extend(reversed(inner))
    return found


def _dotted(expr: ast.expr) -> str | None:
    """``Tool`` / ``kurt.Tool`` / ``Tool[In, Out]`` as a dotted name; None otherwise."""
    if isinstance(expr, ast.Subscript):
        return _dotted(expr.value)
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        head = _dotted(expr.value)
        return f"{head}.{expr.attr}" if head else None
    return None


def check_implements_code(
    code: Path,
    implements: Sequence[Mapping[str, Any]],
    manifest_file: Path | None,
    at: Lines,
) -> list[Problem]:
    """Each ``implements`` class exists in ``code`` (skill.py) and derives from its base.

    Static only (:func:`read_module`): the file is parsed, never run.
    """
    if not implements:
        return []

    try:
        # A regular file within a bound: skill.py may be a FIFO or a link to /dev/zero.
        source = read_regular(code, MAX_SOURCE_BYTES).decode("utf-8")
    except FileNotFoundError:
        missing = f"'implements' needs {code.name}, which is missing"
        return [Problem.at(manifest_file, at("implements"), missing)]
    except (OSError, UnicodeDecodeError) as exc:
        return [Problem.at(code, None, f"cannot read {code.name}: {exc}")]
    try:
        module = read_module(source, code)
    except SyntaxError as exc:
        return [Problem.at(code, exc.lineno, f"{code.name} does not parse: {exc.msg}")]
    except (ValueError, RecursionError, MemoryError) as exc:
        return [Problem.at(code, None, f"{code.name} does not parse: {exc}")]
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
            problems.append(Problem.at(manifest_file, at(f"implements[{index}]"), message))
            continue
        verdict = module.derives_from(class_name, base)
        if verdict is Verdict.NO:
            message = f"class '{class_name}' must derive from kurt.{base} (it is a {kind})"
            problems.append(Problem.at(code, info.line, message))
        elif verdict is Verdict.UNKNOWN:
            message = (
                f"class '{class_name}' derives from kurt.{base} only through an import that "
                "cannot be followed statically; it is checked when the skill is loaded"
            )
            problems.append(Problem.at(code, info.line, message, "warning"))
    return problems


def check_commands_code(
    folder: Path,
    commands: Sequence[Mapping[str, Any]],
    manifest_file: Path | None,
    at: Lines,
) -> list[Problem]:
    """Each command's ``entry`` (``module:attribute``) names a module of the
    skill folder that defines the attribute at module level. Static only: the
    module is parsed, never run (whether it is a click command is checked
    when it runs, or by an import-checking validate)."""
    problems = []
    for index, item in enumerate(commands):
        module_part, _, attribute = str(item["entry"]).partition(":")
        if not module_part or not attribute:
            continue  # the manifest rule says what is wrong with it
        line = at(f"commands[{index}]")
        path = folder.joinpath(*module_part.split("."))
        code = path.with_suffix(".py")
        if not code.is_file() and (path / "__init__.py").is_file():
            code = path / "__init__.py"
        try:
            source = read_regular(code, MAX_SOURCE_BYTES).decode("utf-8")
            tree = ast.parse(source, filename=str(code))
        except FileNotFoundError:
            message = (
                f"command '{item['name']}': entry '{item['entry']}' names {code.name}, which "
                f"is missing from {folder}"
            )
            problems.append(Problem.at(manifest_file, line, message))
            continue
        except SyntaxError as exc:
            problems.append(Problem.at(code, exc.lineno, f"{code.name} does not parse: {exc.msg}"))
            continue
        except (OSError, UnicodeDecodeError, ValueError, RecursionError, MemoryError) as exc:
            problems.append(Problem.at(code, None, f"cannot read {code.name}: {exc}"))
            continue
        defined = _module_names(tree.body)
        first = attribute.split(".")[0]
        if first not in defined:
            message = f"command '{item['name']}': {code.name} defines no '{first}'"
            close = did_you_mean(first, sorted(defined))
            if close is not None:
                message += f"; did you mean '{close}'?"
            problems.append(Problem.at(manifest_file, line, message))
    return problems


def _module_names(body: list[ast.stmt]) -> set[str]:
    """The names a module binds at import (functions, classes, assignments, imports)."""
    names: set[str] = set()
    for node in _module_level(body):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def code_checks(folder: Path, front: FrontMatter, manifest: PlainManifest) -> list[Problem]:
    """Every rule about the skill's code (static): ``skill.py`` and the
    modules its commands name."""
    return [
        *check_implements_code(
            folder / "skill.py", manifest["implements"], front.path, front.line_of
        ),
        *check_commands_code(folder, manifest.get("commands") or (), front.path, front.line_of),
    ]
