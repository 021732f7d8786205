"""The rows of ``kurt tool list`` and ``kurt tool info``: presentation, so here.

Kurt's own names and their descriptions come from :mod:`kurt.kinds` and a
skill's from its manifest, so listing imports neither Kurt's engines (httpx,
trafilatura) nor any skill's code, nor even the registries: until something
imports :mod:`kurt.registry`, nothing but Kurt's own names can be registered
in this process. When it has been imported (a test, a script calling the CLI
in-process), what is registered there is listed too.
"""

from __future__ import annotations

import contextlib
import sys
from typing import TYPE_CHECKING, Any

from kurt.kinds import KINDS, OWN_DESCRIPTIONS, OWN_NAMES

if TYPE_CHECKING:
    from collections.abc import Iterable

    from kurt.skills.catalog.warm import ProvidedRow
    from kurt.skills.manager import SkillManager

Row = dict[str, Any]


def tool_rows(skills: SkillManager) -> list[Row]:
    """Every tool, fetcher and mapper (SPEC section 6 ``kurt tool list --json``),
    by kind then name, without loading any skill."""
    return rows_of(skills.provided_listing())


def rows_of(provided: Iterable[ProvidedRow]) -> list[Row]:
    """:func:`tool_rows` from the names skills provide (kind, name, skill,
    description: each name with the usable skill that wins it), as
    :meth:`SkillManager.provided_listing` or the warm snapshot
    (:func:`kurt.skills.catalog.warm.warm_tools`) gives them."""
    rows: dict[tuple[str, str], Row] = {}
    for kind in KINDS:
        for name, description in OWN_DESCRIPTIONS[kind].items():
            rows[kind, name] = _row(kind, name, None, description)
    for entry in _registered():
        rows[entry.kind, entry.name] = _row(entry.kind, entry.name, entry.skill, entry.description)
    # Names skills provide, from their manifests (their code stays unimported).
    for kind, name, skill, description in provided:
        if (kind, name) not in rows:
            rows[kind, name] = _row(kind, name, skill, description)
    # By kind, then name: each kind's names sorted as text (in C), not the
    # rows through a Python key function (10,000 calls at 10,000 skills).
    names: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for kind, name in rows:
        names[kind].append(name)
    return [rows[kind, name] for kind in KINDS for name in sorted(names[kind])]


def tool_info(skills: SkillManager, name: str) -> list[Row]:
    """``kurt tool info`` rows for ``name`` (a name may be a tool and an engine).

    Kurt's own tools (and ones registered in this process) show their input
    schema; a skill's tool imports that one skill to show it, in a trusted
    project only (elsewhere a note says how to trust it).
    """
    from kurt.errors import UnknownNameError

    rows = [dict(row) for row in tool_rows(skills) if row["name"] == name]
    if not rows:
        for kind in KINDS:
            record = skills.provider(kind, name)
            if record is not None:  # provided by a disabled or invalid skill: say so
                skills.check_usable(record)
        known = {entry.name for entry in _registered()}
        for kind in KINDS:
            known.update(OWN_NAMES[kind])
            known.update(skills.names(kind))
        raise UnknownNameError("tool", name, known)
    for row in rows:
        row["input_schema"] = None
        if row["kind"] != "tool":
            row.update(_routing(skills, row["kind"], name, row["skill"]))
            continue
        registry = sys.modules.get("kurt.registry")
        loaded = registry.TOOLS.registered(name) if registry is not None else None
        if row["skill"] is None:  # Kurt's own, or registered here: import it to describe it
            from kurt.registry import TOOLS

            row["input_schema"] = TOOLS.get(name).InputModel.model_json_schema()
        elif loaded is not None:  # a skill this process has loaded already
            row["input_schema"] = loaded.obj.InputModel.model_json_schema()
        else:
            row.update(_skill_schema(skills, name, row["skill"]))
    return rows


def _skill_schema(skills: SkillManager, name: str, skill: str) -> Row:
    """``input_schema`` of a skill's tool, importing that one skill (SPEC section 6:
    in a trusted project only), or a ``note`` saying why it is not shown."""
    from kurt.errors import KurtError

    record = skills.provider("tool", name)
    if record is None:
        return {"note": f"the input fields are not shown: skill '{skill}' is not found"}
    if not skills.is_trusted(record):
        root = skills.locations.project_root
        return {"note": f"the input fields are shown once you trust the project: kurt trust {root}"}
    try:
        # That skill only (and the skills it requires); what it prints while
        # imported stays off stdout, which may be --json.
        with contextlib.redirect_stdout(sys.stderr):
            skills.import_code(record)
    except KurtError as exc:
        return {"note": f"the input fields are not shown: {exc.message}"}
    from kurt.registry import TOOLS

    entry = TOOLS.registered(name)
    if entry is None:
        return {"note": f"the input fields are not shown: skill '{skill}' did not register it"}
    return {"input_schema": entry.obj.InputModel.model_json_schema()}


def _routing(skills: SkillManager, kind: str, name: str, skill: str | None) -> Row:
    """The ``url_patterns`` and ``priority`` an engine declares (SPEC section 10):
    Kurt's own in :data:`kurt.kinds.OWN_ROUTES`, a skill's in its manifest."""
    from kurt.kinds import OWN_ROUTES

    if skill is None:
        return {"url_patterns": list(OWN_ROUTES.get(kind, {}).get(name, ())), "priority": 0}
    record = skills.provider(kind, name)
    for provided in record.provided(kind) if record is not None else ():
        if provided.name == name:
            return {"url_patterns": list(provided.url_patterns), "priority": provided.priority}
    return {"url_patterns": [], "priority": 0}


def _row(kind: str, name: str, skill: str | None, description: str) -> Row:
    return {"kind": kind, "name": name, "skill": skill, "description": description}


def _registered() -> list[Any]:
    """What the registries hold now (importing nothing), if they exist yet."""
    registry = sys.modules.get("kurt.registry")
    if registry is None:
        return []
    return [entry for kind in KINDS for entry in registry.REGISTRIES[kind].loaded()]
