"""Leaving the process-wide registries as a test found them.

Code that goes through the global decorators (a skill's ``skill.py``, the CLI
run in-process, :meth:`KurtProject.run_tool`) registers into ``TOOLS``,
``FETCHERS`` and ``MAPPERS`` and plugs a project's skills into them. Rather
than swap those registries' insides for the length of a test (which hid what a
still-imported skill had registered, and needed the loader to register it
again), a test undoes what it did, through the registries' public methods:
the names registered during it are unregistered, the resolvers it plugged in
are put back, and the skill code it imported is dropped from ``sys.modules``
with them, so that the next test imports it, and registers it, afresh.

Kurt's own tools and engines stay: Python imports their modules once, and
every registry of a kind shares them.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

# Module names under which Kurt's loader imports skill code (kurt.skills.loader.module_name).
SKILL_MODULE_PREFIX = "kurt_skill_"


@contextlib.contextmanager
def undo_registrations() -> Iterator[None]:
    """Within the block, register and load skills freely; at its end the global
    registries hold what they held before it, and the skill modules imported in
    it are gone."""
    from kurt.registry import REGISTRIES

    names = {kind: {entry.name for entry in r.loaded()} for kind, r in REGISTRIES.items()}
    resolvers = {kind: registry.resolver for kind, registry in REGISTRIES.items()}
    modules = set(sys.modules)
    try:
        yield
    finally:
        forget_skill_modules(set(sys.modules) - modules)
        for kind, registry in REGISTRIES.items():
            for entry in registry.loaded():
                if entry.name not in names[kind]:
                    registry.unregister(entry.name)
            registry.set_resolver(resolvers[kind])


#: Modules :func:`kurt.testing.load_skill` imported during the current test.
LOADED_BY_TESTS: set[str] = set()


def forget_loaded_skills() -> None:
    """Forget the skills :func:`kurt.testing.load_skill` imported (after each test)."""
    forget_skill_modules(LOADED_BY_TESTS)
    LOADED_BY_TESTS.clear()


def forget_skill_modules(modules: set[str]) -> None:
    """Drop the skill modules among ``modules`` and unregister what their code registered.

    Removing is idempotent, so this may run before or after an enclosing
    :func:`undo_registrations` ends.
    """
    from kurt.registry import REGISTRIES

    skill_modules = {
        name for name in modules if name in sys.modules and name.startswith(SKILL_MODULE_PREFIX)
    }
    if not skill_modules:
        return
    for registry in REGISTRIES.values():
        for entry in registry.loaded():
            if entry.module in skill_modules:
                registry.unregister(entry.name)
    for name in skill_modules:
        sys.modules.pop(name, None)
