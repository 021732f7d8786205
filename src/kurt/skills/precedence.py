"""Which skill wins: shadowing by name, collisions of provided names, status.

Input: the candidates of :mod:`kurt.skills.discovery` in search order, each
with the facts read from its manifest (:mod:`kurt.skills.facts`). Output:
one :class:`~kurt.skills.record.SkillRecord` per candidate and the index
``kind -> name -> [skill, ...]`` (providers in priority order).

- The first skill of a name wins; a later one is ``shadowed`` (and says by
  what). Names that differ only by case or Unicode form are the same name.
- Two skills providing the same tool, fetcher or mapper name: the
  higher-priority one wins and the other gets a warning; within one source
  neither can be said to win, so both get an error.
- Enabled state is applied last (:func:`apply_state`), from kurt.toml, so
  the rest can be cached independently of the configuration.

Standard library only (the warm listing path runs this).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

from kurt.config.skills import SkillsConfig
from kurt.skills.discovery import Candidate
from kurt.skills.record import (
    ERROR,
    STATUS_DISABLED,
    STATUS_INVALID,
    STATUS_OK,
    STATUS_SHADOWED,
    WARNING,
    Provided,
    SkillProblem,
    SkillRecord,
)

Index = dict[str, dict[str, list[str]]]


def fold(name: str) -> str:
    """The form under which two names collide (Unicode NFKC, case-folded)."""
    return unicodedata.normalize("NFKC", name).casefold()


def record_from_facts(candidate: Candidate, facts: dict[str, Any]) -> SkillRecord:
    """A record (status ``ok`` or ``invalid``) from cached manifest facts."""
    problems = tuple(SkillProblem(*p) for p in facts.get("problems", ()))
    code = facts.get("code_path")
    return SkillRecord(
        name=facts.get("name") or candidate.entry_point or candidate.folder.name,
        path=candidate.folder,
        source=candidate.source,
        manifest_path=candidate.manifest or candidate.folder / "SKILL.md",
        version=facts.get("version"),
        description=facts.get("description") or "",
        provides=tuple(Provided(*p) for p in facts.get("provides", ())),
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
    """Shadowing and collisions over records in search order; plus the index."""
    winners: dict[str, SkillRecord] = {}
    out: list[SkillRecord] = []
    for record in records:
        winner = winners.get(fold(record.name))
        if winner is None:
            winners[fold(record.name)] = record
            out.append(record)
            continue
        note = SkillProblem(
            WARNING,
            f"shadowed by the {winner.source} skill '{winner.name}' at {winner.path}",
            str(record.manifest_path),
            None,
        )
        out.append(
            record._replace(
                status=STATUS_SHADOWED,
                shadowed_by=winner.path,
                problems=(*record.problems, note),
            )
        )
    return _collisions(out)


def _collisions(records: list[SkillRecord]) -> tuple[list[SkillRecord], Index]:
    index: Index = {"tool": {}, "fetcher": {}, "mapper": {}}
    owners: dict[tuple[str, str], list[int]] = {}
    extra: dict[int, list[SkillProblem]] = {}
    for position, record in enumerate(records):
        if record.status == STATUS_SHADOWED:
            continue
        for provided in record.provides:
            if provided.kind not in index:
                continue
            key = (provided.kind, fold(provided.name))
            earlier = owners.setdefault(key, [])
            for other_position in earlier:
                other = records[other_position]
                if other_position == position:
                    continue
                if other.source == record.source:
                    what = f"{provided.kind} '{provided.name}'"
                    extra.setdefault(position, []).append(
                        _clash(record, what, other, f"the {other.source} skill '{other.name}'")
                    )
                    extra.setdefault(other_position, []).append(
                        _clash(other, what, record, f"the {record.source} skill '{record.name}'")
                    )
                elif other_position == earlier[0]:
                    extra.setdefault(position, []).append(
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
            providers = index[provided.kind].setdefault(provided.name, [])
            if record.name not in providers:
                providers.append(record.name)
    final = []
    for position, record in enumerate(records):
        added = extra.get(position)
        if added:
            problems = (*record.problems, *added)
            errors = any(p.severity == ERROR for p in problems)
            record = record._replace(
                problems=problems, status=STATUS_INVALID if errors else record.status
            )
        final.append(record)
    return final, index


def _clash(record: SkillRecord, what: str, other: SkillRecord, other_text: str) -> SkillProblem:
    return SkillProblem(
        ERROR,
        f"{what} is also provided by {other_text} ({other.path}) from the same source; "
        "rename one of them or disable one skill",
        str(record.manifest_path),
        None,
    )


def apply_state(records: list[SkillRecord], config: SkillsConfig) -> list[SkillRecord]:
    """Each record's ``enabled`` and ``reason`` from kurt.toml, and its final status.

    Status priority: ``shadowed`` (it is never used), then ``disabled`` (the
    user's choice), then ``invalid``, then ``ok``.
    """
    out = []
    for record in records:
        enabled, reason = config.state(record.name)
        status = record.status
        if status != STATUS_SHADOWED and not enabled:
            status = STATUS_DISABLED
        out.append(record._replace(enabled=enabled, reason=reason, status=status))
    return out
