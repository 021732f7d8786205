"""Which engine a URL goes to (SPEC section 10): one pure choice over plain data.

Fetchers and mappers declare ``url_patterns`` (shell globs over ``host/path``,
the scheme left out) and a ``priority`` in their manifest; Kurt's own declare
theirs in :data:`kurt.kinds.OWN_ROUTES`. The engine for one URL is, highest
first:

1. the engine named by ``--engine``;
2. the first ``[fetch.routes]`` / ``[map.routes]`` pattern in kurt.toml that
   matches (file order);
3. the most specific matching pattern of an enabled, usable skill (or of Kurt's
   own engines): specificity is the count of non-wildcard characters; ties go
   by source precedence, then ``priority`` (higher first), then engine name. A
   pattern that is only wildcards (``*``, ``*?*``) never beats the default;
4. the tool's default.

:func:`choose` decides and says, for each candidate, why it won or lost (what
``kurt skill why`` prints). Nothing here reads a file or imports a skill: the
candidates come from manifests (the catalog), so choosing costs no skill code.
Standard library only, and nothing of Kurt: the registry, Kurt's tools, the
manifest rules, the configuration and the CLI all use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from fnmatch import fnmatchcase
from typing import NamedTuple
from urllib.parse import urlsplit

__all__ = [
    "SOURCE_ORDER",
    "Candidate",
    "Choice",
    "Considered",
    "choose",
    "pattern_problem",
    "specificity",
    "target_of",
]

#: Where a candidate comes from, highest precedence first: the skill sources
#: in search order (SPEC section 5), then Kurt's own engines.
SOURCE_ORDER: tuple[str, ...] = ("path", "project", "user", "package", "builtin", "kurt")

#: The ``source`` of a ``[fetch.routes]`` / ``[map.routes]`` entry, and of the default.
ROUTE_SOURCE = "kurt.toml"
DEFAULT_SOURCE = "default"

# How each candidate fared: the ``rule`` key of ``kurt skill why --json``.
WON = "won"


class Candidate(NamedTuple):
    """One declared pattern: ``engine`` matches ``pattern`` (its skill's, or Kurt's own)."""

    engine: str
    skill: str | None  # None: Kurt's own engine
    pattern: str
    source: str  # one of SOURCE_ORDER
    priority: int = 0


class Considered(NamedTuple):
    """One candidate as :func:`choose` weighed it, and why it won or lost."""

    engine: str
    skill: str | None
    pattern: str | None  # None for the default
    score: int | None  # specificity; None for routes, --engine and the default
    source: str
    rule: str
    won: bool = False

    def to_json(self) -> dict[str, object]:
        """The ``candidates`` item of ``kurt skill why --json``."""
        return {
            "engine": self.engine,
            "skill": self.skill,
            "pattern": self.pattern,
            "score": self.score,
            "source": self.source,
            "rule": self.rule,
        }


class Choice(NamedTuple):
    """The engine chosen for one URL, by which step, and every candidate weighed."""

    engine: str
    by: str  # "engine" | "route" | "pattern" | "default"
    considered: tuple[Considered, ...]


def target_of(url: str) -> str | None:
    """What patterns are matched against: ``host/path`` (host lower-cased, the
    port kept when given; no scheme, query or fragment), or ``None`` for
    something that is not a web URL (a local path, a ``file:`` URL), which only
    ``--engine`` and the default decide."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower() + (f":{port}" if port is not None else "")
    return host + (parts.path or "/")


def specificity(pattern: str) -> int:
    """The count of non-wildcard characters: ``*`` and ``?`` count nothing, nor
    does a ``[...]`` set (it stands for one unknown character)."""
    score = 0
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "[":
            end = _set_end(pattern, index)
            if end is not None:
                index = end + 1
                continue
        if char not in "*?":
            score += 1
        index += 1
    return score


def _set_end(pattern: str, start: int) -> int | None:
    """The index of the ``]`` closing the set opened at ``start`` (as fnmatch reads it)."""
    index = start + 1
    if index < len(pattern) and pattern[index] == "!":
        index += 1
    if index < len(pattern) and pattern[index] == "]":
        index += 1  # a leading ']' is a member, not the end
    end = pattern.find("]", index)
    return None if end < 0 else end


def pattern_problem(pattern: object) -> str | None:
    """What is wrong with a URL pattern, in words a manifest or kurt.toml
    author can act on; ``None`` when it is a usable pattern."""
    if not isinstance(pattern, str):
        return f"a pattern is text such as 'example.com/*', not {pattern!r}"
    if not pattern.strip():
        return "a pattern must not be empty"
    if "://" in pattern:
        return (
            f"'{pattern}' holds a scheme; patterns match host/path without it "
            f"(write '{pattern.split('://', 1)[1] or 'example.com/*'}')"
        )
    if any(char.isspace() or not char.isprintable() for char in pattern):
        return f"{pattern!r} holds whitespace or a control character"
    index = pattern.find("[")
    while index >= 0:
        end = _set_end(pattern, index)
        if end is None:
            return f"'{pattern}' opens a '[' set that no ']' closes"
        index = pattern.find("[", end + 1)
    if not any(char in pattern for char in "/*?["):
        return f"'{pattern}' can never match: a URL is matched as host/path, so write '{pattern}/*'"
    return None


def _rank(candidate: Candidate) -> tuple[int, int, int, str, str]:
    """Sort key of matching candidates: the first one wins."""
    source = (
        SOURCE_ORDER.index(candidate.source)
        if candidate.source in SOURCE_ORDER
        else len(SOURCE_ORDER)
    )
    return (
        -specificity(candidate.pattern),
        source,
        -candidate.priority,
        candidate.engine,
        candidate.skill or "",
    )


def choose(
    target: str | None,
    *,
    default: str,
    explicit: str | None = None,
    routes: Sequence[tuple[str, str]] = (),
    candidates: Sequence[Candidate] = (),
    routes_name: str = "routes",
) -> Choice:
    """The engine for ``target`` (:func:`target_of` of the URL), following the
    order in the module docstring. ``routes`` are ``(pattern, engine)`` pairs in
    file order, named ``routes_name`` in messages (``[fetch.routes]``)."""
    route = None
    if explicit is None and target is not None:
        route = next(((p, e) for p, e in routes if fnmatchcase(target, p)), None)
    matching = (
        sorted(
            (c for c in candidates if fnmatchcase(target, c.pattern) and specificity(c.pattern)),
            key=_rank,
        )
        if target is not None
        else []
    )
    best = matching[0] if matching and explicit is None and route is None else None
    if explicit is not None:
        engine, by = explicit, "engine"
    elif route is not None:
        engine, by = route[1], "route"
    elif best is not None:
        engine, by = best.engine, "pattern"
    else:
        engine, by = default, "default"

    considered: list[Considered] = []
    if explicit is not None:
        considered.append(
            Considered(explicit, None, None, None, "--engine", f"{WON}: named by --engine", True)
        )
    first_route = True
    for pattern, name in routes:
        if target is None:
            rule = "no match: not a web URL (routes match host/path)"
        elif not fnmatchcase(target, pattern):
            rule = "no match"
        elif (pattern, name) == route and first_route:
            rule = f"{WON}: the first matching entry of {routes_name}"
            first_route = False
        elif explicit is not None:
            rule = "lost: --engine decides first"
        else:
            rule = f"lost: an earlier entry of {routes_name} matched"
        won = rule.startswith(WON)
        considered.append(Considered(name, None, pattern, None, ROUTE_SOURCE, rule, won))
    crowned = False  # the same declaration twice wins once
    for candidate in sorted(candidates, key=_rank):
        is_best = not crowned and candidate == best
        crowned = crowned or is_best
        considered.append(_weigh(candidate, target, best, is_best, by, routes_name))
    if by == "default":
        why = "no route or pattern matched" if target is not None else "not a web URL"
        default_rule = f"{WON}: {why}; the tool's default"
    else:
        default_rule = "lost: used only when nothing else decides"
    considered.append(
        Considered(default, None, None, None, DEFAULT_SOURCE, default_rule, by == "default")
    )
    return Choice(engine, by, tuple(considered))


def _weigh(
    candidate: Candidate,
    target: str | None,
    best: Candidate | None,
    is_best: bool,
    by: str,
    routes_name: str,
) -> Considered:
    """How one declared pattern fared against the winner ``best``."""
    score = specificity(candidate.pattern)

    def row(rule: str, won: bool = False) -> Considered:
        return Considered(
            candidate.engine,
            candidate.skill,
            candidate.pattern,
            score,
            candidate.source,
            rule,
            won,
        )

    if target is None:
        return row("no match: not a web URL (patterns match host/path)")
    if not fnmatchcase(target, candidate.pattern):
        return row("no match")
    if not score:
        return row("lost: only wildcards, which never beat the default")
    if by == "engine":
        return row("lost: --engine decides first")
    if by == "route":
        return row(f"lost: {routes_name} in kurt.toml decides first")
    if best is None:  # cannot happen: a matching, scored candidate makes one best
        return row("lost")
    if is_best:
        return row(f"{WON}: the most specific matching pattern (score {score})", True)
    winner = f"'{best.pattern}' of {best.engine}"
    best_score = specificity(best.pattern)
    if score < best_score:
        return row(f"lost: less specific than {winner} (score {best_score})")
    if candidate.source != best.source:
        return row(f"lost: tie with {winner}, whose source ({best.source}) comes first")
    if candidate.priority != best.priority:
        return row(f"lost: tie with {winner}, whose priority is higher ({best.priority})")
    if candidate.engine == best.engine:
        return row(f"lost: {winner} matched as well (same engine)")
    return row(f"lost: tie with {winner}, whose name sorts first")
