"""Which skill wins: shadowing by name, collisions of provided names, status.

Input: the candidates of :mod:`kurt.skills.catalog.search` in search order, each
with the facts read from its manifest (:mod:`kurt.skills.manifest.read`). Output:
one :class:`~kurt.skills.record.SkillRecord` per candidate and the index
``kind -> name -> [skill, ...]`` (providers in priority order).

- The first skill of a name wins; a later one is ``shadowed`` (and says by
  what). Names that differ only by case or Unicode form are the same name.
  A broken skill never hides a valid one: the valid one wins whatever the order.
- Two skills providing the same tool, fetcher or mapper name: the
  higher-priority one wins and the other gets a warning; within one source
  neither can be said to win, so both get an error while both are enabled.
- Two skills adding the same command: an error for both while both are
  enabled, whatever their sources (a command has no namespace to win in).
- ``requires_skills`` naming a missing skill, or forming a cycle, is an error.
- Enabled state, the environment and trust are applied last
  (:func:`apply_state`), so the rest can be cached independently of the
  configuration and of the machine. The status rule itself is
  :func:`kurt.skills.status.status_of`, shared with the warm listing.

Standard library only (the warm listing path runs this).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kurt.config.skills import SkillsConfig
from kurt.errors import SkillError
from kurt.skills.catalog.search import Candidate
from kurt.skills.environment import unmet as unmet_here
from kurt.skills.record import (
    ERROR,
    LINES,
    PASSED_OVER,
    WARNING,
    Clash,
    Provided,
    SkillProblem,
    SkillRecord,
)
from kurt.skills.status import STATUS_INVALID, STATUS_OK, STATUS_SHADOWED, status_of

if TYPE_CHECKING:
    from kurt.config.llm import ConfiguredModels

Index = dict[str, dict[str, list[str]]]


def fold(name: str) -> str:
    """The form under which two names collide (Unicode NFKC, case-folded)."""
    return unicodedata.normalize("NFKC", name).casefold()


def record_from_facts(candidate: Candidate, facts: dict[str, Any]) -> SkillRecord:
    """A record (status ``ok`` or ``invalid``) from cached manifest facts."""
    problems = tuple(SkillProblem.from_row(p) for p in facts.get("problems", ()))
    code = facts.get("code_path")
    return SkillRecord(
        name=facts.get("name") or candidate.entry_point or candidate.folder.name,
        path=candidate.folder,
        source=candidate.source,
        manifest_path=candidate.manifest or candidate.folder / "SKILL.md",
        version=facts.get("version"),
        description=facts.get("description") or "",
        provides=tuple(Provided.from_row(p) for p in facts.get("provides", ())),
        requires_skills=tuple(facts.get("requires_skills", ())),
        settings=facts.get("settings") or {},
        problems=problems,
        status=STATUS_INVALID if any(p.severity == ERROR for p in problems) else STATUS_OK,
        code_path=Path(code) if code else None,
        extra=facts.get("extra") or {},
    )


def refused_facts(candidate: Candidate) -> dict[str, Any]:
    """Facts of a candidate Kurt will not read (its reason is the one error)."""
    return {
        "name": candidate.entry_point or candidate.folder.name,
        "problems": [[ERROR, candidate.refused or "refused", str(candidate.folder), None]],
    }


def assemble(records: list[SkillRecord]) -> tuple[list[SkillRecord], Index]:
    """Shadowing, collisions and requirements over records in search order; plus the index."""
    records, index = _collisions(_shadowing(records))
    return _requirements(records), index


def _shadowing(records: list[SkillRecord]) -> list[SkillRecord]:
    """The first skill of a name wins, except that a broken skill never hides a
    valid one (a stray copy of a folder must not take the original down)."""
    winners: dict[str, int] = {}  # folded name -> position in `out`
    out: list[SkillRecord] = []
    for record in records:
        key = fold(record.name)
        position = winners.get(key)
        if position is None:
            winners[key] = len(out)
            out.append(record)
            continue
        winner = out[position]
        if record.source == winner.source == "package":
            # Installed distributions come in no order the user chose (renaming
            # one flips it), so neither can win: an error for both (SPEC 5).
            out[position] = _package_clash(winner, record)
            out.append(_package_clash(record, winner))
            continue
        if record.valid and not winner.valid:
            out[position] = _shadowed(winner, by=record, why=", which is valid and is used instead")
            winners[key] = len(out)
            out.append(_passing_over(record, winner))
        else:
            out.append(_shadowed(record, by=winner))
    return out


def _package_clash(record: SkillRecord, other: SkillRecord) -> SkillRecord:
    """``record``, invalid because another installed package has its name."""
    problem = SkillProblem(
        ERROR,
        f"skill '{record.name}' is also installed from {other.path}: two installed "
        "packages provide the same name, so neither runs (uninstall one of them)",
        str(record.manifest_path),
        None,
    )
    return record._replace(status=STATUS_INVALID, problems=(*record.problems, problem))


def _passing_over(record: SkillRecord, invalid: SkillRecord) -> SkillRecord:
    """``record``, remembering the invalid skill it wins over (a new ``extra``:
    the cached facts' dict is shared)."""
    first = invalid.errors[0] if invalid.errors else None
    row = [
        invalid.source,
        str(first.file if first is not None and first.file else invalid.manifest_path),
        first.line if first is not None else None,
        first.message if first is not None else "invalid",
    ]
    rows = [*record.extra.get(PASSED_OVER, ()), row]
    return record._replace(extra={**record.extra, PASSED_OVER: rows})


def _shadowed(record: SkillRecord, *, by: SkillRecord, why: str = "") -> SkillRecord:
    note = SkillProblem(
        WARNING,
        f"shadowed by the {by.source} skill '{by.name}' at {by.path}{why}",
        str(record.manifest_path),
        None,
    )
    return record._replace(
        status=STATUS_SHADOWED, shadowed_by=by.path, problems=(*record.problems, note)
    )


def _collisions(records: list[SkillRecord]) -> tuple[list[SkillRecord], Index]:
    """Provided names shared by skills: across sources the higher-priority one
    wins (the other is warned); within one source both record a :class:`Clash`,
    an error while both are enabled (:func:`apply_state`). Broken and shadowed
    skills never run, so they clash with nothing (they stay in the index, so
    that using their names says why they cannot run)."""
    index: Index = {"tool": {}, "fetcher": {}, "mapper": {}}
    owners: dict[tuple[str, str], list[int]] = {}
    warnings: dict[int, list[SkillProblem]] = {}
    clashes: dict[int, list[Clash]] = {}
    for position, record in enumerate(records):
        if record.status == STATUS_SHADOWED:
            continue
        for provided in record.provides:
            if provided.kind not in index:
                continue
            providers = index[provided.kind].setdefault(provided.name, [])
            if record.name not in providers:
                providers.append(record.name)
            if not record.valid:
                continue
            earlier = owners.setdefault((provided.kind, fold(provided.name)), [])
            for other_position in earlier:
                other = records[other_position]
                if other.source == record.source:
                    clashes.setdefault(position, []).append(
                        Clash(provided.kind, provided.name, other.name, str(other.path))
                    )
                    clashes.setdefault(other_position, []).append(
                        Clash(provided.kind, provided.name, record.name, str(record.path))
                    )
                elif other_position == earlier[0]:
                    warnings.setdefault(position, []).append(
                        SkillProblem(
                            WARNING,
                            f"{provided.kind} '{provided.name}' is also provided by the "
                            f"higher-priority {other.source} skill '{other.name}' "
                            f"({other.path}), which wins",
                            str(record.manifest_path),
                            None,
                        )
                    )
            if position not in earlier:
                earlier.append(position)
    _command_clashes(records, clashes)
    final = []
    for position, record in enumerate(records):
        if position in warnings or position in clashes:
            record = record._replace(
                problems=(*record.problems, *warnings.get(position, ())),
                clashes=tuple(clashes.get(position, ())),
            )
        final.append(record)
    return final, index


def _command_clashes(records: list[SkillRecord], clashes: dict[int, list[Clash]]) -> None:
    """Add to ``clashes`` every command two valid, unshadowed skills both add."""
    owners: dict[str, list[tuple[int, int]]] = {}  # name -> (position, index in commands)
    for position, record in enumerate(records):
        if record.status == STATUS_SHADOWED or not record.valid:
            continue
        for index, command in enumerate(record.extra.get("commands") or ()):
            owners.setdefault(command["name"], []).append((position, index))
    for name, found in owners.items():
        for position, index in found if len(found) > 1 else ():
            record = records[position]
            line = (record.extra.get(LINES) or {}).get(f"commands[{index}]")
            for other_position, _ in found:
                if other_position != position:
                    other = records[other_position]
                    clash = Clash("command", name, other.name, str(other.path), line)
                    clashes.setdefault(position, []).append(clash)


def _requirements(records: list[SkillRecord]) -> list[SkillRecord]:
    """A skill whose ``requires_skills`` name a missing skill, or form a cycle,
    cannot load: an error on its ``requires_skills`` line, known from manifests."""

    winners = [r for r in records if r.status != STATUS_SHADOWED]
    if not any(r.requires_skills for r in winners):
        return records
    resolution = resolve_requirements({r.name: r.requires_skills for r in winners})
    final = []
    for record in records:
        message = resolution.problems.get(record.name)
        if message is not None and record.status != STATUS_SHADOWED:
            line = (record.extra.get(LINES) or {}).get("requires_skills")
            problem = SkillProblem(ERROR, message, str(record.manifest_path), line)
            record = record._replace(problems=(*record.problems, problem), status=STATUS_INVALID)
        final.append(record)
    return final


def apply_state(
    records: list[SkillRecord],
    config: SkillsConfig,
    models: ConfiguredModels,
    *,
    trusted: Callable[[SkillRecord], bool] | None = None,
) -> list[SkillRecord]:
    """Each record's ``enabled`` and ``reason`` from kurt.toml, what this machine
    (and the project of ``models``, for ``requires_llm``) lacks to run it,
    whether its code may run here (``trusted``; default: yes), and its final
    status (:func:`kurt.skills.status.status_of`).

    A clash with a skill of the same source is an error only while that
    skill is enabled. The environment is checked only for skills that could
    otherwise run (valid, not shadowed) and that declare requirements.
    """
    out = []
    for record in records:
        enabled, reason = config.state(record.name)
        problems = record.problems
        live = [clash for clash in record.clashes if config.state(clash.partner)[0]]
        if live:
            manifest = str(record.manifest_path)
            problems = (*problems, *(clash.problem(record.source, manifest) for clash in live))
        shadowed = record.status == STATUS_SHADOWED
        valid = record.status != STATUS_INVALID and not live
        unmet: tuple[SkillProblem, ...] = ()
        if valid:
            manifest = str(record.manifest_path)
            unmet = tuple(unmet_here(record.extra, manifest, record.name, models=models))
        status = status_of(shadowed=shadowed, enabled=enabled, valid=valid, runnable=not unmet)
        out.append(
            record._replace(
                enabled=enabled,
                reason=reason,
                status=status,
                problems=problems,
                unmet=() if shadowed else unmet,
                trusted=True if trusted is None else trusted(record),
            )
        )
    return out


# -- requires_skills: loading order, missing skills and cycles ----------------------


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
