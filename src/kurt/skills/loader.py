"""Importing a skill's code: from source only, under a unique name, with errors
that name the file and the line.

A skill folder becomes a synthetic package ``kurt_skill_<name>_<hash>`` whose
``__path__`` is the folder, and ``skill.py`` is imported as its submodule
``.skill``. So a skill imports its own helpers relatively (``from . import
helpers``, ``from .util import x``), and two skills may both have a
``util.py`` without clashing. Absolute imports of helpers (``import util``)
are not supported: the folder is never put on ``sys.path``.

Modules inside a skill folder are compiled from their ``.py`` source every
time: a ``__pycache__/*.pyc`` that came with the folder could run instead of
the reviewed source (its header can be forged to match), so it is never read,
and Kurt writes none there either. This is done by a path hook that serves
skill folders (and their sub-packages) with a source-only loader.

The same finder confines the skill to its search path (SPEC section 5, Trust):
every module it finds in the folder (``skill.py``, a helper, a sub-package and
its ``__init__.py``) must resolve inside the folder that holds the skill, or
the import fails with a :class:`~kurt.errors.SkillError` before the file is
read. Discovery refuses a symlinked skill folder or SKILL.md leading outside;
this refuses a symlinked module or sub-package folder, which discovery never
looks at. An installed package's search path is its own folder.

Registrations made while the code runs are attributed to the skill
(:func:`kurt.registry.attributed_to`). Afterwards every ``implements`` entry
of the manifest must be registered by the class it names. Any failure
(syntax error, import error, exception at import, missing class, a name
taken by someone else) becomes a :class:`~kurt.errors.SkillError` naming the
file and line, and leaves no half-registered names or modules behind; the
common mistakes behind a failure are named by :mod:`kurt.skills.load_errors`.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import os
import re
import sys
import types
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from kurt.errors import KurtError, SkillError
from kurt.skills.load_errors import absolute_helper_hint, unregistered, wrong_base
from kurt.skills.record import SkillRecord

CODE_FILE = "skill.py"


class _SourceOnlyLoader(importlib.machinery.SourceFileLoader):
    """Compile from the ``.py`` file; never read or write bytecode."""

    def get_code(self, fullname: str) -> types.CodeType:
        source = self.get_data(self.path)
        return self.source_to_code(source, self.path)


class _Confinement(NamedTuple):
    """Where a served skill folder's modules must stay."""

    skill: str
    folder: str  # the skill folder, resolved: names in messages are relative to it
    root: str  # the search path, resolved: what the check compares with
    shown: str  # the search path as the user configured it: what messages name

    def check(self, path: str) -> None:
        real = os.path.realpath(path)
        if real == self.root or real.startswith(self.root.rstrip(os.sep) + os.sep):
            return
        name = os.path.relpath(path, self.folder)
        raise SkillError(
            f"skill '{self.skill}': {name} resolves outside its search path {self.shown} "
            f"(to {real}); refused",
            file=path,
            hint="a skill may only import its own files: copy the file into the skill "
            "folder instead of linking to it",
        )


class _ConfinedFinder(importlib.machinery.FileFinder):
    """A source-only finder that refuses a module or package found in a skill
    folder when it resolves outside the skill's search path.

    Every import from the skill package (``skill.py`` included) passes here
    before anything is read, so this is the one place the rule is enforced.
    """

    def __init__(self, path: str, confinement: _Confinement) -> None:
        super().__init__(path, (_SourceOnlyLoader, importlib.machinery.SOURCE_SUFFIXES))
        self._confinement = confinement

    def find_spec(
        self, fullname: str, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        spec = super().find_spec(fullname, target)
        if spec is None:
            return None
        if spec.has_location and spec.origin is not None:
            self._confinement.check(spec.origin)
        # A package's folder: for a namespace package (no __init__.py) it is
        # the only thing to check until one of its modules is imported.
        for location in spec.submodule_search_locations or ():
            self._confinement.check(location)
        return spec


# Served skill folders (resolved) and what confines each.
_SKILL_DIRS: dict[str, _Confinement] = {}


def _path_hook(entry: str) -> importlib.machinery.FileFinder:
    """Serve skill folders (and folders inside them) with the confined finder."""
    served = [f for f in _SKILL_DIRS if entry == f or entry.startswith(f + os.sep)]
    if not served:
        raise ImportError(entry)
    # The innermost folder decides (a search path may point inside another skill).
    return _ConfinedFinder(entry, _SKILL_DIRS[max(served, key=len)])


def _serve(folder: str, confinement: _Confinement) -> None:
    if _path_hook not in sys.path_hooks:
        sys.path_hooks.insert(0, _path_hook)
    _SKILL_DIRS[folder] = confinement
    # A finder cached earlier for this folder (by another importer) would bypass the hook.
    for entry in list(sys.path_importer_cache):
        if entry == folder or entry.startswith(folder + os.sep):
            del sys.path_importer_cache[entry]


def _search_path(record: SkillRecord) -> Path:
    """The folder ``record`` was found in: its parent (search paths hold skill
    folders one level deep), or for an installed package its own folder (it was
    named by an entry point, not found by scanning a folder)."""
    return record.path if record.source == "package" else record.path.parent


def module_name(record: SkillRecord) -> str:
    """The package name a skill's code is imported under (unique per folder)."""
    safe = re.sub(r"\W", "_", record.name.lower(), flags=re.ASCII)
    tag = zlib.crc32(str(record.path).encode("utf-8"))
    return f"kurt_skill_{safe}_{tag:08x}"


def is_loaded(record: SkillRecord) -> bool:
    return f"{module_name(record)}.skill" in sys.modules


def lifespan_of(record: SkillRecord) -> Any:
    """The ``lifespan`` that ``record``'s loaded ``skill.py`` defines, else
    ``None`` (also when its code is not loaded: nothing of it can run)."""
    module = sys.modules.get(f"{module_name(record)}.skill")
    return getattr(module, "lifespan", None) if module is not None else None


def load_skill(record: SkillRecord) -> types.ModuleType:
    """Import ``record``'s skill.py (once) and check what it registered."""
    from kurt.registry import attributed_to

    name = module_name(record)
    loaded = sys.modules.get(f"{name}.skill")
    if loaded is not None:
        # Python runs skill.py once per process; what it registered is still there.
        _check_registered(record, Path(record.path) / CODE_FILE)
        return loaded
    code = Path(record.path) / CODE_FILE
    _check_code_file(record, code)
    before = _registered()
    _package(record)
    try:
        with attributed_to(record.name):
            module = importlib.import_module(f"{name}.skill")
        _check_registered(record, code)
    except (KeyboardInterrupt, SkillError):
        _undo(name, before)
        raise
    except BaseException as exc:  # SystemExit too: a skill may not end the command
        _undo(name, before)
        raise _as_skill_error(record, exc, code) from exc
    return module


def _package(record: SkillRecord) -> types.ModuleType:
    """The synthetic package of ``record``'s folder (made and served once)."""
    name = module_name(record)
    existing = sys.modules.get(name)
    if existing is not None:
        return existing
    folder = os.path.realpath(record.path)
    package = types.ModuleType(name, f"Kurt skill '{record.name}' ({record.path})")
    package.__path__ = [folder]
    package.__package__ = name
    package.__spec__ = importlib.machinery.ModuleSpec(name, None, is_package=True)
    package.__spec__.submodule_search_locations = [folder]
    shown = _search_path(record)
    _serve(folder, _Confinement(record.name, folder, os.path.realpath(shown), str(shown)))
    sys.modules[name] = package
    return package


def load_entry(record: SkillRecord, entry: str, *, line: int | None = None) -> Any:
    """The object ``entry`` (``module:attribute``) names in ``record``'s folder,
    imported as a module of the skill's package (relative imports work, the
    folder's confinement holds, no bytecode is read) without importing
    ``skill.py``. ``line`` is where SKILL.md declares it, for errors."""
    from kurt.registry import attributed_to

    module_part, _, attribute = entry.partition(":")
    name = module_name(record)
    source = Path(record.path, *module_part.split(".")).with_suffix(".py")
    _package(record)
    try:
        with attributed_to(record.name):
            found: Any = importlib.import_module(f"{name}.{module_part}")
    except (KeyboardInterrupt, SkillError):
        raise
    except ModuleNotFoundError as exc:
        if exc.name != f"{name}.{module_part}":
            raise _as_skill_error(record, exc, source) from exc
        raise SkillError(
            f"skill '{record.name}': entry '{entry}' names the module {module_part}, "
            f"but there is no {source.relative_to(record.path)} in {record.path}",
            file=record.manifest_path,
            line=line,
            hint="write entry as module:attribute, the module a .py file in the skill folder",
        ) from None
    except BaseException as exc:  # SystemExit too: a skill may not end the command
        raise _as_skill_error(record, exc, source) from exc
    for part in attribute.split("."):
        if not hasattr(found, part):
            raise SkillError(
                f"skill '{record.name}': entry '{entry}': {source.name} has no '{attribute}'",
                file=record.manifest_path,
                line=line,
                hint=f"define {attribute} in {source}, or fix entry in SKILL.md",
            )
        found = getattr(found, part)
    return found


def _registered_by(skill: str) -> list[Any]:
    from kurt.registry import REGISTRIES

    return [e for registry in REGISTRIES.values() for e in registry.loaded() if e.skill == skill]


def _check_code_file(record: SkillRecord, code: Path) -> None:
    # Where it leads is checked by the finder, with every other module.
    if not code.is_file():
        raise SkillError(
            f"skill '{record.name}' implements {_provided(record)} but has no {CODE_FILE}",
            file=record.manifest_path,
            hint=f"add {code} defining the classes named under implements",
        )


def _provided(record: SkillRecord) -> str:
    return ", ".join(f"{p.kind} '{p.name}'" for p in record.provides) or "nothing"


def _registered() -> dict[str, set[str]]:
    from kurt.registry import REGISTRIES

    return {kind: {e.name for e in registry.loaded()} for kind, registry in REGISTRIES.items()}


def _check_registered(record: SkillRecord, code: Path) -> None:
    """Each ``implements`` entry is registered, under its name, by the class it names.

    When one is not, say what did happen: the class is missing (with a
    did-you-mean), registered under another name, or not registered at all.
    """
    from kurt.registry import REGISTRIES

    module = sys.modules.get(f"{module_name(record)}.skill")
    ours = _registered_by(record.name)
    for provided in record.provides:
        entry = REGISTRIES[provided.kind].registered(provided.name)
        if entry is not None and entry.obj.__name__ == provided.class_name:
            continue
        raise unregistered(record, code, provided, module, ours)


def _undo(name: str, before: dict[str, set[str]]) -> None:
    """Forget the modules and registrations of a failed import."""
    for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
        del sys.modules[module]
    from kurt.registry import REGISTRIES

    for kind, registry in REGISTRIES.items():
        for entry_name in {e.name for e in registry.loaded()} - before[kind]:
            registry.unregister(entry_name)


def _as_skill_error(record: SkillRecord, exc: BaseException, code: Path) -> SkillError:
    folder = os.path.realpath(record.path)
    file: str | None = None
    line: int | None = None
    if isinstance(exc, SyntaxError) and exc.filename:
        file, line = exc.filename, exc.lineno
    else:
        for frame_file, frame_line in _frames(exc):
            if os.path.realpath(frame_file).startswith(folder + os.sep):
                file, line = frame_file, frame_line
    if file is None:
        file = str(code)
    if not isinstance(exc, SyntaxError) and line is not None:
        clearer = wrong_base(record, code, file, line)
        if clearer is not None:
            return clearer
    what = "has a syntax error" if isinstance(exc, SyntaxError) else "failed to load"
    detail = exc.msg if isinstance(exc, SyntaxError) else str(exc)
    if isinstance(exc, KurtError):
        detail = exc.message
    hint = f"fix the skill, or disable it: kurt config skills disable {record.name}"
    if isinstance(exc, ModuleNotFoundError) and exc.name:
        hint = absolute_helper_hint(folder, file, line, exc.name) or hint
    return SkillError(
        f"skill '{record.name}' {what}: {type(exc).__name__}: {detail}",
        file=file,
        line=line,
        hint=hint,
    )


def _frames(exc: BaseException) -> Iterator[tuple[str, int]]:
    tb = exc.__traceback__
    while tb is not None:
        yield tb.tb_frame.f_code.co_filename, tb.tb_lineno
        tb = tb.tb_next
