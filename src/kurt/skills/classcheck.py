"""Static answers about a skill's ``skill.py``: which classes it defines and
whether each derives from Kurt's ``Tool``, ``BaseFetcher`` or ``BaseMapper``.

The file is parsed with :mod:`ast` and never imported, so ``kurt skill
validate`` can check an untrusted project. A base counts when it is written
as the bare name (``class A(Tool)``, however ``Tool`` was imported), as an
attribute reached from a ``kurt`` import (``kurt.Tool``,
``tools.base.Tool`` after ``from kurt import tools``), subscripted
(``Tool[In, Out]``), or through another class of the same file that does.
A base imported from anywhere else (the skill's own helper module, say)
cannot be judged without running code: the answer is "unknown", not "no".
"""

from __future__ import annotations

import ast
import enum
from pathlib import Path

import attrs

#: The base class each ``implements`` type must derive from.
BASES = {"tool": "Tool", "fetcher": "BaseFetcher", "mapper": "BaseMapper"}


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
