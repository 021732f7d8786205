"""The engine of each URL for the ``fetch`` and ``map`` tools (SPEC section 10).

:class:`Router` gathers, once per run, what :func:`kurt.routing.choose` weighs:
``[fetch.routes]`` or ``[map.routes]`` from kurt.toml (each engine they name
checked first: an unknown one is a configuration error naming its line, with a
did-you-mean) and the ``url_patterns`` of Kurt's own engines and of usable
skills, from their manifests (``Registry.routes``). No skill code is imported
to choose; the tool then loads only the engines chosen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kurt.config.model import configured_name_error
from kurt.errors import UnknownNameError
from kurt.routing import Candidate, Choice, choose, target_of

if TYPE_CHECKING:
    from kurt.core.context import ToolContext

#: The kurt.toml section of each kind's routes.
SECTIONS = {"fetcher": "fetch", "mapper": "map"}


class Router:
    """The routes and declared patterns of one kind, read once for a run."""

    def __init__(self, context: ToolContext, kind: str) -> None:
        self.kind = kind
        self.section = SECTIONS[kind]
        self.registry: Any = context.fetchers if kind == "fetcher" else context.mappers
        self.config = context.config
        routes = getattr(getattr(self.config, self.section, None), "routes", None) or {}
        self.routes: list[tuple[str, str]] = list(routes.items())
        self._candidates: list[Candidate] | None = None
        self._checked = False

    def choose(self, url: str, explicit: str | None, default: str) -> Choice:
        """The engine for ``url``: ``explicit`` (``--engine``) when given, else
        the first matching route, else the most specific declared pattern, else
        ``default``; with how every candidate fared."""
        target = target_of(url)
        if explicit is not None:  # --engine decides: no manifest needs reading
            candidates: list[Candidate] = []
        else:
            self.check_routes()
            if self._candidates is None:
                self._candidates = self.registry.routes()
            candidates = self._candidates
        return choose(
            target,
            default=default,
            explicit=explicit,
            routes=self.routes,
            candidates=candidates,
            routes_name=f"[{self.section}.routes]",
        )

    def check_routes(self) -> None:
        """Every engine a route names exists (known without importing code)."""
        if self._checked:
            return
        names = set(self.registry.names())
        for pattern, engine in self.routes:
            if engine not in names:
                exc = UnknownNameError(self.kind, engine, names)
                raise configured_name_error(exc, self.config, (self.section, "routes", pattern))
        self._checked = True
