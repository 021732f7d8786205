"""Loading order of skills from their ``requires_skills``, with cycles named.

A skill is loaded after the skills it requires. A skill in a cycle, or one
that requires a missing skill (directly or through others), cannot load; the
others still can, so one broken skill never takes the rest down.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kurt.errors import SkillError


# A frozen dataclass rather than attrs.frozen (the house style for records): the
# cold listing imports this module, pydantic has loaded dataclasses by then, and
# importing attrs would cost about a quarter of importing click.
@dataclass(frozen=True, slots=True)
class Resolution:
    """Skills in loading order, and the skills that cannot load, with why."""

    order: list[str]
    problems: dict[str, str]


def resolve_requirements(requires: Mapping[str, Sequence[str]]) -> Resolution:
    """Order skills so each comes after the skills it requires.

    ``requires`` maps every known skill to its ``requires_skills``. A skill in
    a cycle, or requiring a missing skill (even through others), is left out
    of ``order`` and given a problem naming the cycle (``a -> b -> a``) or the
    missing skill. Others keep their order in ``requires``.
    """
    order: list[str] = []
    problems: dict[str, str] = {}
    done: set[str] = set()
    for root in requires:
        if root not in done and root not in problems:
            _visit(root, requires, order, problems, done)
    return Resolution(order, problems)


def _visit(
    root: str,
    requires: Mapping[str, Sequence[str]],
    order: list[str],
    problems: dict[str, str],
    done: set[str],
) -> None:
    """Depth-first from ``root`` with an explicit stack (chains may be long)."""
    path = [root]  # the chain being visited, for naming cycles
    stack = [(root, iter(requires[root]))]
    failure: dict[str, str | None] = {root: None}
    while stack:
        name, pending = stack[-1]
        child = None
        for needed in pending:
            if needed not in requires:
                failure[name] = (
                    failure[name] or f"requires skill '{needed}', which is not available"
                )
            elif needed in problems:
                failure[name] = failure[name] or (
                    f"requires '{needed}', which cannot load: {problems[needed]}"
                )
            elif needed in path:
                cycle = [*path[path.index(needed) :], needed]
                for member in cycle:
                    problems[member] = "requirement cycle: " + " -> ".join(cycle)
            elif needed not in done:
                child = needed
                break
        if child is not None:
            path.append(child)
            stack.append((child, iter(requires[child])))
            failure[child] = None
            continue
        stack.pop()
        path.pop()
        if name not in problems:
            if failure[name] is None:
                done.add(name)
                order.append(name)
                continue
            problems[name] = str(failure[name])
        if stack:  # the skill that needed this one cannot load either
            parent = stack[-1][0]
            failure[parent] = failure[parent] or (
                f"requires '{name}', which cannot load: {problems[name]}"
            )


def order_by_requirements(requires: Mapping[str, Sequence[str]]) -> list[str]:
    """Skills in dependency order; a cycle or a missing skill raises :class:`SkillError`."""
    resolution = resolve_requirements(requires)
    if resolution.problems:
        name, message = next(iter(resolution.problems.items()))
        raise SkillError(
            f"skill '{name}': {message}",
            hint="fix 'requires_skills' in the SKILL.md of the skills named",
        )
    return resolution.order
