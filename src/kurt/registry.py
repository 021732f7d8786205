"""One generic registry, three instances: tools, fetchers and mappers.

Everything Kurt runs comes in through ``@register_tool``, ``@register_fetcher``
or ``@register_mapper`` (Kurt's own engines included). This module is a leaf:
it reads no file and builds nothing. A registry knows Kurt's own names from
:data:`kurt.kinds.OWN_NAMES` and imports the module that registers one the
first time it is asked for; it learns about skills only when something plugs
a :class:`Resolver` into it (``kurt.load_skills()``, the CLI, ``kurt.testing``),
and registrations made while a skill's code is imported are attributed to that
skill (:func:`attributed_to`).
"""

from __future__ import annotations

import contextlib
import contextvars
import importlib
import inspect
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Generic, Protocol, TypeVar, overload

import attrs
from pydantic import BaseModel

from kurt.core import context as _context
from kurt.core.engines import BaseFetcher, BaseMapper
from kurt.core.tool import Tool
from kurt.errors import DuplicateNameError, UnknownNameError
from kurt.kinds import KIND_TABLE, OWN_NAMES, OWN_ROUTES, is_kurts_own
from kurt.routing import Candidate

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

    def routes(self, kind: str) -> Iterable[Candidate]:
        """The ``url_patterns`` of the engines of this kind that usable skills
        provide (:mod:`kurt.routing`), from manifests: no code is loaded."""


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
        return self.skill is None and is_kurts_own(self.module)

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
        self._resolver: Resolver | None = None

    def __repr__(self) -> str:
        return f"<Registry {self.kind}: {len(self._entries)} registered>"

    def fresh(self) -> Registry[T]:
        """A registry of the same kind and base that knows only Kurt's own names."""
        return Registry(self.kind, self.base)

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
        method = KIND_TABLE[self.kind].method if self.kind in KIND_TABLE else None
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
            # Kurt's own module is Kurt's, even when a skill's import brought it in.
            skill=None if is_kurts_own(cls.__module__) else _current_skill.get(),
            description=description or _describe(cls),
        )
        own = _OWN.setdefault(self.kind, {})
        if entry.kurts_own:
            # Kept for every registry of this kind: Python runs Kurt's module once,
            # and a fresh registry must know the name all the same.
            taken = own.get(resolved_name)
            if taken is None or taken.obj is cls:
                own[resolved_name] = entry
                return entry
        else:
            taken = self._entries.get(resolved_name) or self._own(resolved_name)
        if taken is not None:
            if taken.obj is cls:
                return taken
            raise DuplicateNameError(
                f"The {self.kind} name '{resolved_name}' is already registered by "
                f"{taken.owner}; {entry.owner} cannot register it too.",
                hint="rename one of them (name=... in the decorator) or disable one skill",
            )
        self._entries[resolved_name] = entry
        return entry

    def unregister(self, name: str) -> None:
        """Forget ``name`` (a no-op when it is not registered; Kurt's own names stay)."""
        self._entries.pop(name, None)

    # -- lookup ---------------------------------------------------------------

    @property
    def resolver(self) -> Resolver | None:
        """What loads missing names on demand, if anything is plugged in."""
        return self._resolver

    def set_resolver(self, resolver: Resolver | None) -> None:
        """Plug in (or remove, with ``None``) what loads missing names on demand."""
        self._resolver = resolver

    def entry(self, name: str) -> Entry[T]:
        """The entry for ``name``, importing whatever provides it on first use."""
        found = self._entries.get(name) or self._own(name)
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
        resolvable = self._resolver.names(self.kind) if self._resolver is not None else ()
        return sorted({*OWN_NAMES.get(self.kind, ()), *self._entries, *resolvable})

    def routes(self) -> list[Candidate]:
        """Every declared URL pattern of this kind: Kurt's own
        (:data:`kurt.kinds.OWN_ROUTES`), then those of usable skills, as the
        resolver knows them from manifests. Nothing is imported."""
        own = [
            Candidate(name, None, pattern, "kurt")
            for name, patterns in OWN_ROUTES.get(self.kind, {}).items()
            for pattern in patterns
        ]
        return own + (list(self._resolver.routes(self.kind)) if self._resolver else [])

    def registered(self, name: str) -> Entry[T] | None:
        """The entry for ``name`` if it is registered now, never loading anything."""
        return self._entries.get(name) or _OWN.get(self.kind, {}).get(name)

    def loaded(self) -> list[Entry[T]]:
        """What is registered now (Kurt's own only once imported), importing nothing."""
        return [*_OWN.get(self.kind, {}).values(), *self._entries.values()]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self.names()

    def __iter__(self) -> Iterator[Entry[T]]:
        """The registered entries: Kurt's own (imported if need be), then those of
        the skills loaded so far. :meth:`names` also lists what skills would
        provide without loading them."""
        own = [entry for name in OWN_NAMES.get(self.kind, {}) if (entry := self._own(name))]
        # A copy, because loading a skill while iterating may register more names.
        return iter([*own, *self._entries.values()])

    def __len__(self) -> int:
        return len(list(iter(self)))

    def _own(self, name: str) -> Entry[T] | None:
        """Kurt's own entry for ``name``, importing its module the first time."""
        module = OWN_NAMES.get(self.kind, {}).get(name)
        if module is None:
            return None
        own = _OWN.setdefault(self.kind, {})
        if name not in own:
            importlib.import_module(module)  # it registers itself through the decorator
        return own.get(name)


#: Kurt's own entries, by kind, shared by every registry of that kind.
_OWN: dict[str, dict[str, Entry[Any]]] = {}


def _check_models(kind: str, cls: type[Any]) -> None:
    """Refuse a class missing a model it must set, naming each one.

    Caught here, it names the class; at run time it would be only
    "AttributeError: type object 'X' has no attribute 'InputModel'".
    """
    wrong = {}
    for attribute in KIND_TABLE[kind].models if kind in KIND_TABLE else ():
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

#: The three registries by kind (``"tool"``, ``"fetcher"``, ``"mapper"``).
REGISTRIES: dict[str, Registry[Any]] = {"tool": TOOLS, "fetcher": FETCHERS, "mapper": MAPPERS}

# A ToolContext made without registries uses these (kurt.core may not import us).
_context.DEFAULT_REGISTRIES.update(REGISTRIES)

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
