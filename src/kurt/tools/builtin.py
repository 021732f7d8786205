"""Kurt's own tools and engines, registered through the same decorators a
skill uses. Importing these modules registers them; :func:`load_builtins`
does it once."""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import Any

BUILTIN_MODULES: tuple[str, ...] = (
    "kurt.tools.fetch.engines.httpx",
    "kurt.tools.fetch.engines.trafilatura",
    "kurt.tools.fetch.engines.file",
    "kurt.tools.map.engines.sitemap",
    "kurt.tools.map.engines.rss",
    "kurt.tools.map.engines.crawl",
    "kurt.tools.map.engines.folder",
    "kurt.tools.fetch.tool",
    "kurt.tools.map.tool",
)

#: The names Kurt's own modules register, by kind: known without importing them,
#: so that a listing can flag a skill claiming one (a test checks this table
#: against what the modules register).
BUILTIN_NAMES: dict[str, frozenset[str]] = {
    "tool": frozenset({"fetch", "map"}),
    "fetcher": frozenset({"httpx", "trafilatura", "file"}),
    "mapper": frozenset({"sitemap", "rss", "crawl", "folder"}),
}


def load_builtins() -> None:
    """Import every built-in module (idempotent: Python imports each once).

    A registry can be emptied after the import (``Registry.isolated()`` in
    tests) while Python never runs a module twice, so what a module registered
    is put back when it is missing.
    """
    from kurt.registry import FETCHERS, MAPPERS, TOOLS

    for name in BUILTIN_MODULES:
        importlib.import_module(name)
        for registry in (TOOLS, FETCHERS, MAPPERS):
            registry.restore(name)


class BuiltinResolver:
    """The registries' resolver until a Runtime plugs in the skill manager.

    Kurt's own tools and engines are imported when a name is first needed, so
    ``from kurt import FETCHERS; FETCHERS.get("httpx")`` works in a plain
    script while ``import kurt`` itself stays cheap. A name they do not
    provide, or a listing of names, brings in the skills a ``kurt`` command
    would see from the current directory (the project's, the user's,
    installed packages'), with the same trust and settings checks: a
    :class:`~kurt.runtime.Runtime` is made and installs its skill manager as
    the resolver, and answers from then on.
    """

    def resolve(self, kind: str, name: str) -> None:
        load_builtins()
        from kurt.registry import REGISTRIES

        if not REGISTRIES[kind].registered(name):
            _skills().resolve(kind, name)

    def names(self, kind: str) -> Iterable[str]:
        load_builtins()  # they register themselves; the registry lists them
        names: Iterable[str] = _skills().names(kind)
        return names


def _skills() -> Any:
    """The skill manager of a Runtime for the project found from here, now installed."""
    from kurt.config.locations import Locations
    from kurt.runtime import Runtime

    runtime = Runtime(Locations.discover())
    runtime.prepare_registries()
    return runtime.skills
