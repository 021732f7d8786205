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

Registrations made while the code runs are attributed to the skill
(:func:`kurt.registry.attributed_to`). Afterwards every ``implements`` entry
of the manifest must be registered by the class it names. Any failure
(syntax error, import error, exception at import, missing class, a name
taken by someone else) becomes a :class:`~kurt.errors.SkillError` naming the
file and line, and leaves no half-registered names or modules behind.
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
from typing import Any

from kurt.errors import KurtError, SkillError
from kurt.skills.record import SkillRecord

CODE_FILE = "skill.py"


class _SourceOnlyLoader(importlib.machinery.SourceFileLoader):
    """Compile from the ``.py`` file; never read or write bytecode."""

    def get_code(self, fullname: str) -> types.CodeType:
        source = self.get_data(self.path)
        return self.source_to_code(source, self.path)


_SKILL_DIRS: set[str] = set()


def _path_hook(entry: str) -> importlib.machinery.FileFinder:
    """Serve skill folders (and folders inside them) with the source-only loader."""
    for folder in _SKILL_DIRS:
        if entry == folder or entry.startswith(folder + os.sep):
            return importlib.machinery.FileFinder(
                entry, (_SourceOnlyLoader, importlib.machinery.SOURCE_SUFFIXES)
            )
    raise ImportError(entry)


def _serve(folder: str) -> None:
    if _path_hook not in sys.path_hooks:
        sys.path_hooks.insert(0, _path_hook)
    _SKILL_DIRS.add(folder)
    # A finder cached earlier for this folder (by another importer) would bypass the hook.
    for entry in list(sys.path_importer_cache):
        if entry == folder or entry.startswith(folder + os.sep):
            del sys.path_importer_cache[entry]


def module_name(record: SkillRecord) -> str:
    """The package name a skill's code is imported under (unique per folder)."""
    safe = re.sub(r"\W", "_", record.name.lower(), flags=re.ASCII)
    tag = zlib.crc32(str(record.path).encode("utf-8"))
    return f"kurt_skill_{safe}_{tag:08x}"


def is_loaded(record: SkillRecord) -> bool:
    return f"{module_name(record)}.skill" in sys.modules


def load_skill(record: SkillRecord) -> types.ModuleType:
    """Import ``record``'s skill.py (once) and check what it registered."""
    from kurt.registry import attributed_to

    name = module_name(record)
    loaded = sys.modules.get(f"{name}.skill")
    if loaded is not None:
        _register_again(record)
        return loaded
    folder = os.path.realpath(record.path)
    code = Path(record.path) / CODE_FILE
    _check_code_file(record, code, folder)
    package = types.ModuleType(name, f"Kurt skill '{record.name}' ({record.path})")
    package.__path__ = [folder]
    package.__package__ = name
    package.__spec__ = importlib.machinery.ModuleSpec(name, None, is_package=True)
    package.__spec__.submodule_search_locations = [folder]
    _serve(folder)
    before = _registered()
    sys.modules[name] = package
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


def _register_again(record: SkillRecord) -> None:
    """Put back what an already imported skill registered, if a registry lost it
    (Python runs skill.py once; ``Registry.isolated()`` in tests or a second
    Runtime in one process empties the registries), then check it all is there."""
    for registry in _registries().values():
        registry.restore(module_name(record))
    _check_registered(record, Path(record.path) / CODE_FILE)


def _check_code_file(record: SkillRecord, code: Path, folder: str) -> None:
    if not code.is_file():
        raise SkillError(
            f"skill '{record.name}' implements {_provided(record)} but has no {CODE_FILE}",
            file=record.manifest_path,
            hint=f"add {code} defining the classes named under implements",
        )
    real = os.path.realpath(code)
    if not real.startswith(folder + os.sep):
        raise SkillError(
            f"{CODE_FILE} of skill '{record.name}' is a symlink leading outside its "
            "folder; refused",
            file=code,
        )


def _provided(record: SkillRecord) -> str:
    return ", ".join(f"{p.kind} '{p.name}'" for p in record.provides) or "nothing"


def _registries() -> dict[str, Any]:
    from kurt.registry import FETCHERS, MAPPERS, TOOLS

    return {"tool": TOOLS, "fetcher": FETCHERS, "mapper": MAPPERS}


def _registered() -> dict[str, set[str]]:
    return {kind: {e.name for e in registry} for kind, registry in _registries().items()}


def _check_registered(record: SkillRecord, code: Path) -> None:
    registries = _registries()
    for provided in record.provides:
        entry = registries[provided.kind].registered(provided.name)
        if entry is not None and entry.obj.__name__ == provided.class_name:
            continue
        decorator = f"@register_{provided.kind}"
        raise SkillError(
            f"skill '{record.name}': class {provided.class_name} ({provided.kind} "
            f"'{provided.name}' in SKILL.md) was not registered by {CODE_FILE}",
            file=code,
            line=_class_line(code, provided.class_name),
            hint=f"define class {provided.class_name} in {CODE_FILE} and decorate it with "
            f"{decorator}; its name must be '{provided.name}'",
        )


def _class_line(code: Path, class_name: str) -> int | None:
    try:
        text = code.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    match = re.search(rf"^[ \t]*class[ \t]+{re.escape(class_name)}\b", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _undo(name: str, before: dict[str, set[str]]) -> None:
    """Forget the modules and registrations of a failed import."""
    for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
        del sys.modules[module]
    for kind, registry in _registries().items():
        for entry_name in {e.name for e in registry} - before[kind]:
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
    what = "has a syntax error" if isinstance(exc, SyntaxError) else "failed to load"
    detail = exc.msg if isinstance(exc, SyntaxError) else str(exc)
    if isinstance(exc, KurtError):
        detail = exc.message
    return SkillError(
        f"skill '{record.name}' {what}: {type(exc).__name__}: {detail}",
        file=file,
        line=line,
        hint=f"fix the skill, or disable it: kurt config skills disable {record.name}",
    )


def _frames(exc: BaseException) -> Iterator[tuple[str, int]]:
    tb = exc.__traceback__
    while tb is not None:
        yield tb.tb_frame.f_code.co_filename, tb.tb_lineno
        tb = tb.tb_next
