"""The old ``EngineRegistry`` API, kept working on top of the unified registries.

Engines used to register through a class-level table per kind
(``EngineRegistry.register("name", Cls)``). Both tables are now views of
``FETCHERS`` and ``MAPPERS``: every call still works, and issues a
``DeprecationWarning`` that points at the caller's line and names what to use
instead (see docs/migration.md).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any, TypeVar, overload

from kurt.registry import Registry

C = TypeVar("C", bound=type[Any])


class LegacyEngineRegistry:
    """``register`` / ``get`` / ``list_engines`` / ``is_available`` over one Registry."""

    def __init__(self, registry: Registry[Any], *, where: str, decorator: str) -> None:
        self._registry = registry
        self._where = where
        self._decorator = decorator

    def __repr__(self) -> str:
        return f"<{self._where} (deprecated view of the {self._registry.kind} registry)>"

    def _warn(self, instead: str) -> None:
        # stacklevel 3: past _warn and the public method, at the caller's line.
        warnings.warn(
            f"{self._where} is deprecated; {instead} "
            "(see 'Migrating from EngineRegistry' in Kurt's documentation).",
            DeprecationWarning,
            stacklevel=3,
        )

    @overload
    def register(self, name: str, cls: C, /) -> C: ...

    @overload
    def register(self, name: str, cls: None = None, /) -> Callable[[C], C]: ...

    def register(self, name: str, cls: C | None = None, /) -> C | Callable[[C], C]:
        """Register ``cls`` as ``name`` (or, without ``cls``, decorate a class)."""
        self._warn(f"decorate the class with @{self._decorator} instead of register()")

        def add(target: C) -> C:
            self._registry.add(target, name=name)
            return target

        return add if cls is None else add(cls)

    def get(self, name: str) -> type[Any]:
        """The class registered as ``name`` (``UnknownNameError`` says what was meant)."""
        self._warn(f"use {self._registry.kind.upper()}S.get(name) instead of get()")
        return self._registry.get(name)

    def list_engines(self) -> list[str]:
        """Every registered (or resolvable) name, sorted."""
        self._warn(f"use {self._registry.kind.upper()}S.names() instead of list_engines()")
        return self._registry.names()

    def is_available(self, name: str) -> bool:
        """Whether ``name`` is registered or can be loaded."""
        self._warn(f"use `name in {self._registry.kind.upper()}S` instead of is_available()")
        return name in self._registry
