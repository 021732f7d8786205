"""One generic registry, three instances: tools, fetchers and mappers.

Everything Kurt runs comes in through ``@register_tool``, ``@register_fetcher``
or ``@register_mapper`` (Kurt's own engines included). A registry knows nothing
of skills: the skill manager plugs a :class:`Resolver` into it, which loads the
skill that provides a missing name on first use, and registrations made while a
skill's code is imported are attributed to that skill (:func:`attributed_to`).
"""

from __future__ import annotations

import contextlib
import contextvars
import inspect
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Generic, Protocol, TypeVar, overload

import attrs
from pydantic import BaseModel

from kurt.errors import DuplicateNameError, UnknownNameError
from kurt.tools.base import Tool
from kurt.tools.builtin import BuiltinResolver
from kurt.tools.fetch.base import BaseFetcher
from kurt.tools.map.base import BaseMapper

__all__ = [
    "FETCHERS",
    "MAPPERS",
    "TOOLS",
    "Entry",
    "Registry",
    "Resolver",
    "attributed_to",
    "register_fetcher",
    "register_mapper",
    "register_tool",
]

T = TypeVar("T")
C = TypeVar("C", bound=type[Any])

_current_skill: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "kurt_current_skill", default=None
)


@contextlib.contextmanager
def attributed_to(skill: str | None) -> Iterator[None]:
    """Attribute every registration made inside the block to ``skill``."""
    token = _current_skill.set(skill)
    try:
        yield
    finally:
        _current_skill.reset(token)


class Resolver(Protocol):
    """What a registry asks when a name is not registered yet."""

    def resolve(self, kind: str, name: str) -> None:
        """Load whatever provides ``name`` (it registers itself), or do nothing."""

    def names(self, kind: str) -> Iterable[str]:
        """Names of this kind that could be resolved, known without loading code."""


@attrs.frozen
class Entry(Generic[T]):
    """One registered class and where it came from."""

    kind: str
    name: str
    obj: type[T]
    module: str
    skill: str | None = None
    description: str = ""

    @property
    def kurts_own(self) -> bool:
        """Registered by Kurt's own code (not by a skill, a script or a test)."""
        return self.skill is None and (self.module == "kurt" or self.module.startswith("kurt."))

    @property
    def owner(self) -> str:
        """Who registered it, for messages: a skill, Kurt itself, or other code."""
        where = f"{self.module}.{self.obj.__qualname__}"
        if self.skill:
            return f"skill '{self.skill}' ({where})"
        return f"kurt ({where})" if self.kurts_own else where


class Registry(Generic[T]):
    """Named classes of one kind (tool, fetcher or mapper) deriving from one base."""

    def __init__(self, kind: str, base: type[Any]) -> None:
        self.kind = kind
        self.base: type[Any] = base
        self._entries: dict[str, Entry[T]] = {}
        # Every entry ever added, by module: Python runs a module once, so what
        # it registered can only come back from here (see restore()).
        self._added: dict[str, dict[str, Entry[T]]] = {}
        self._resolver: Resolver | None = None

    def __repr__(self) -> str:
        return f"<Registry {self.kind}: {len(self._entries)} registered>"

    def fresh(self) -> Registry[T]:
        """An empty registry of the same kind and base, with no resolver (for tests)."""
        return Registry(self.kind, self.base)

    @contextlib.contextmanager
    def isolated(self) -> Iterator[Registry[T]]:
        """Within the block this registry starts empty, with no resolver; its
        entries and resolver are put back afterwards (for tests of global state)."""
        saved_entries, saved_resolver = self._entries, self._resolver
        self._entries, self._resolver = {}, None
        try:
            yield self
        finally:
            self._entries, self._resolver = saved_entries, saved_resolver

    # -- registration ---------------------------------------------------------

    @overload
    def register(self, cls: C, /) -> C: ...

    @overload
    def register(
        self, cls: None = None, /, *, name: str | None = None, description: str | None = None
    ) -> Callable[[C], C]: ...

    def register(
        self,
        cls: C | None = None,
        /,
        *,
        name: str | None = None,
        description: str | None = None,
    ) -> C | Callable[[C], C]:
        """Register a class; works bare (``@register_tool``) or with arguments."""

        def decorate(target: C) -> C:
            self.add(target, name=name, description=description)
            return target

        return decorate if cls is None else decorate(cls)

    def add(
        self, cls: type[Any], *, name: str | None = None, description: str | None = None
    ) -> Entry[T]:
        """Register ``cls`` and return its entry (the decorators call this)."""
        if not isinstance(cls, type) or not issubclass(cls, self.base):
            raise TypeError(
                f"Cannot register {cls!r} as a {self.kind}: it must be a class deriving "
                f"from {self.base.__module__}.{self.base.__qualname__}."
            )
        method = _ASYNC_METHODS.get(self.kind)
        if method is not None and not inspect.iscoroutinefunction(getattr(cls, method, None)):
            # Caught here, a plain `def` names its class; at run time it would be
            # only "object ToolResult can't be used in 'await' expression".
            raise TypeError(
                f"{cls.__name__}.{method} must be `async def` (Kurt awaits it); "
                f"write: async def {method}(self, ...)"
            )
        _check_models(self.kind, cls)
        resolved_name = name or getattr(cls, "name", None)
        if not isinstance(resolved_name, str) or not resolved_name:
            raise TypeError(
                f"Cannot register {cls.__qualname__} as a {self.kind}: give it a `name` "
                f"class attribute or pass name=... to the decorator."
            )
        entry: Entry[T] = Entry(
            kind=self.kind,
            name=resolved_name,
            obj=cls,
            module=cls.__module__,
            skill=_current_skill.get(),
            description=description or _describe(cls),
        )
        taken = self._entries.get(resolved_name)
        if taken is not None:
            if taken.obj is cls:
                return taken
            raise DuplicateNameError(
                f"The {self.kind} name '{resolved_name}' is already registered by "
                f"{taken.owner}; {entry.owner} cannot register it too.",
                hint="rename one of them (name=... in the decorator) or disable one skill",
            )
        self._entries[resolved_name] = entry
        self._added.setdefault(entry.module, {})[resolved_name] = entry
        return entry

    def unregister(self, name: str) -> None:
        """Forget ``name`` (a no-op when it is not registered)."""
        entry = self._entries.pop(name, None)
        if entry is not None:
            self._added.get(entry.module, {}).pop(name, None)

    def restore(self, package: str) -> None:
        """Register again what modules of ``package`` (or that module) registered,
        where this registry has lost it since: after ``isolated()``, or in a
        second Runtime of one process, since importing a module again runs nothing."""
        for module, entries in self._added.items():
            if module == package or module.startswith(package + "."):
                for name, entry in entries.items():
                    self._entries.setdefault(name, entry)

    # -- lookup ---------------------------------------------------------------

    def set_resolver(self, resolver: Resolver | None) -> None:
        """Plug in (or remove, with ``None``) what loads missing names on demand."""
        self._resolver = resolver

    def entry(self, name: str) -> Entry[T]:
        """The entry for ``name``, loading its provider on first use."""
        found = self._entries.get(name)
        if found is None and self._resolver is not None:
            self._resolver.resolve(self.kind, name)
            found = self._entries.get(name)
        if found is None:
            raise UnknownNameError(self.kind, name, self.names(), is_a=_kind_elsewhere(self, name))
        return found

    def get(self, name: str) -> type[T]:
        """The class registered as ``name``; ``UnknownNameError`` says what was meant."""
        return self.entry(name).obj

    def names(self) -> list[str]:
        """Every name registered or resolvable, sorted, without loading anything."""
        # Ask the resolver first: it may register names (Kurt's built-ins) as it answers.
        resolvable = list(self._resolver.names(self.kind)) if self._resolver is not None else []
        return sorted({*self._entries, *resolvable})

    def registered(self, name: str) -> Entry[T] | None:
        """The entry for ``name`` if it is registered now, never loading anything."""
        return self._entries.get(name)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self.names()

    def __iter__(self) -> Iterator[Entry[T]]:
        """The registered entries: Kurt's own (registered first if need be) and
        those of the skills loaded so far. :meth:`names` also lists what skills
        would provide without loading them."""
        self._register_builtins()
        # A copy, because loading a skill while iterating may register more names.
        return iter(list(self._entries.values()))

    def __len__(self) -> int:
        self._register_builtins()
        return len(self._entries)

    def _register_builtins(self) -> None:
        if self._resolver is not None:
            self._resolver.names(self.kind)  # Kurt's own register themselves as it answers


# The method each kind's base declares async, which Kurt awaits.
_ASYNC_METHODS = {"tool": "run", "fetcher": "fetch", "mapper": "map"}

# The pydantic models each kind's classes must set (Kurt validates through them).
_MODEL_ATTRIBUTES = {"tool": ("InputModel", "OutputModel")}


def _check_models(kind: str, cls: type[Any]) -> None:
    """Refuse a class missing a model it must set, naming each one.

    Caught here, it names the class; at run time it would be only
    "AttributeError: type object 'X' has no attribute 'InputModel'".
    """
    wrong = {}
    for attribute in _MODEL_ATTRIBUTES.get(kind, ()):
        value = getattr(cls, attribute, None)
        if value is None:
            wrong[attribute] = "is not set"
        elif not (isinstance(value, type) and issubclass(value, BaseModel)):
            shown = value.__qualname__ if isinstance(value, type) else f"a {type(value).__name__}"
            wrong[attribute] = f"is {shown}, not a pydantic BaseModel subclass"
    if wrong:
        needs = " and ".join(f"{attribute} = <a pydantic model>" for attribute in wrong)
        place = "class attributes" if len(wrong) > 1 else "a class attribute"
        why = "; ".join(f"{attribute} {problem}" for attribute, problem in wrong.items())
        raise TypeError(f"{cls.__name__} needs {needs} as {place} ({why})")


def _describe(cls: type[Any]) -> str:
    text = getattr(cls, "description", None)
    if isinstance(text, str) and text:
        return text
    doc = (cls.__doc__ or "").strip()
    return doc.splitlines()[0] if doc else ""


TOOLS: Registry[Tool[Any, Any]] = Registry("tool", Tool)
FETCHERS: Registry[BaseFetcher] = Registry("fetcher", BaseFetcher)
MAPPERS: Registry[BaseMapper] = Registry("mapper", BaseMapper)

# Kurt's own tools and engines load on first use, until a Runtime installs the
# skill manager (which loads them first, then skills on demand).
for _registry in (TOOLS, FETCHERS, MAPPERS):
    _registry.set_resolver(BuiltinResolver())

#: The three registries by kind (``"tool"``, ``"fetcher"``, ``"mapper"``).
REGISTRIES: dict[str, Registry[Any]] = {"tool": TOOLS, "fetcher": FETCHERS, "mapper": MAPPERS}

register_tool = TOOLS.register
register_fetcher = FETCHERS.register
register_mapper = MAPPERS.register


def _kind_elsewhere(registry: Registry[Any], name: str) -> str | None:
    """The kind of ``name`` in another of the three registries (``opml`` is a
    mapper, not a fetcher), from names alone: nothing is loaded."""
    for other in REGISTRIES.values():
        if other is not registry and name in other:
            return other.kind
    return None
