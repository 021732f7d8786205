"""What a SKILL.md says, reduced to plain JSON "facts" for records and the cache.

This is the one place that reads a manifest on behalf of discovery: it runs
the parser (:mod:`kurt.skills.manifest.frontmatter`, then :mod:`kurt.skills.manifest.plain`,
which asks pydantic only about manifests not already in the model's shape)
and the checks that depend on the manifest alone (:mod:`kurt.skills.manifest.rules`),
and keeps the result as plain data, so that a warm listing rebuilds records
from JSON without importing yaml, pydantic or attrs. Checks that depend on
the environment (installed distributions, environment variables, the Python
version) are not cached: :mod:`kurt.skills.environment` runs them each time.

A facts dict holds: ``name``, ``version``, ``description``, ``provides``
(``[kind, name, class, description, url_patterns, priority]`` rows), ``requires_skills``,
``settings`` (the raw schema), ``problems`` (``[severity, message, file,
line]`` rows) and ``extra`` (the other manifest keys, for ``kurt skill info``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from kurt.errors import ManifestError
from kurt.kinds import KINDS
from kurt.skills.catalog.search import Candidate
from kurt.skills.manifest import rules as checks
from kurt.skills.manifest.plain import CORE_KEYS, KURT_KEYS
from kurt.skills.record import ERROR, LINES, SkillProblem

_LINE_KEYS = (
    "requires_python",
    "requires",
    "requires_env",
    "requires_skills",
    "requires_llm",
    "implements",
    "workflows",
    "commands",
)

# Manifest keys shown by `kurt skill info` beyond what the record holds.
_RECORD_KEYS = frozenset(
    {"name", "description", "version", "requires_skills", "implements", "settings"}
)
_EXTRA_KEYS = tuple(key for key in CORE_KEYS + KURT_KEYS if key not in _RECORD_KEYS)


def read_facts(candidate: Candidate) -> dict[str, Any]:
    """Parse and statically check one candidate's manifest; never raises for its content."""
    from kurt.skills.manifest.frontmatter import read_front_matter
    from kurt.skills.manifest.plain import read_plain

    path = candidate.manifest
    fallback = candidate.entry_point or candidate.folder.name
    if path is None:
        return {
            "name": fallback,
            "problems": [[ERROR, candidate.refused or "no SKILL.md", None, None]],
        }
    try:
        data = _read(path, candidate.size)
    except OSError as exc:
        return _failed(fallback, ManifestError(f"cannot read SKILL.md: {exc.strerror}", file=path))
    try:
        front = read_front_matter(data, path)
    except ManifestError as exc:
        return _failed(fallback, exc)
    raw_name = front.fields.get("name")
    name = raw_name if isinstance(raw_name, str) and raw_name else fallback
    try:
        plain = read_plain(front, path)
    except ManifestError as exc:
        facts = _failed(name, exc)
        found = checks.field_checks(candidate.folder, front, entry_point=candidate.entry_point)
        facts["problems"] += [problem.to_row() for problem in found]
        facts["provides"] = _claimed(front.fields.get("implements"))
        description = front.fields.get("description")
        if isinstance(description, str):
            facts["description"] = description
        return facts
    found = checks.manifest_checks(
        candidate.folder, front, plain, entry_point=candidate.entry_point
    )
    problems = [problem.to_row() for problem in found]
    commands = len(plain["commands"])
    return {
        "name": plain["name"],
        "version": plain["version"],
        "description": plain["description"],
        "provides": [
            [
                item["type"],
                item["name"],
                item["class"],
                item["description"] or "",
                item["url_patterns"],
                item["priority"],
            ]
            for item in plain["implements"]
        ],
        "requires_skills": list(plain["requires_skills"]),
        # The same as Manifest.settings_spec() (settings have no aliases).
        "settings": plain["settings"],
        "problems": problems,
        "extra": {
            **{key: plain.get(key) for key in _EXTRA_KEYS if plain.get(key) not in (None, [], {})},
            # Where these keys are, so later checks (kurt.skills.environment, validate's
            # built-in clash check) can name the line without parsing the manifest again.
            LINES: {
                **{key: front.key_lines[key] for key in _LINE_KEYS if key in front.key_lines},
                # Each command's own line, for a clash between two skills' commands.
                **{f"commands[{i}]": front.line_of(f"commands[{i}]") for i in range(commands)},
            },
        },
    }


def _read(path: Path, size: int) -> bytes:
    """The whole file at ``path``, read until its end.

    ``size`` (what the scan's ``stat`` saw) sizes the first read, so a manifest
    costs an open, one read that returns it whole, one that finds the end and
    a close: half the time of ``Path.read_bytes`` and its buffered file object,
    which shows at a thousand manifests. A file that changed since the scan is
    still read whole.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        chunks: list[bytes] = []
        want = size + 1 if size > 0 else _CHUNK
        while chunk := os.read(fd, want):
            chunks.append(chunk)
            want = _CHUNK
    finally:
        os.close(fd)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


_CHUNK = 64 * 1024


def _failed(name: str, exc: ManifestError) -> dict[str, Any]:
    """Facts of a manifest that does not parse: one problem per thing wrong."""
    problems = [SkillProblem.from_error(error).to_row() for error in exc.details or (exc,)]
    return {"name": name, "problems": problems}


def _claimed(implements: Any) -> list[list[str]]:
    """What a manifest that does not parse says it implements, where legible:
    so that using one of those names says the skill is invalid (and why),
    rather than that nothing provides it."""
    if not isinstance(implements, list):
        return []
    return [
        [item["type"], item["name"], str(item.get("class") or ""), ""]
        for item in implements
        if isinstance(item, dict)
        and item.get("type") in KINDS
        and isinstance(item.get("name"), str)
        and item["name"]
    ]
