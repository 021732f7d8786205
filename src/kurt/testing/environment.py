"""Keeping the developer's real environment out of a test's runs.

A skill setting may name its own environment variable (``env: PAGE_STATS_TOKEN``),
read just below ``KURT_SKILLS__<SKILL>__<KEY>``. The ``kurt_project`` fixture
clears every ``KURT_*`` variable, but a setting's own variable would still
reach the skill: a developer's real token sent to a test server. Which
variables those are is known only once the test has added its skills, so the
project hides them before each run (:class:`SettingsEnvironment`), for every
setting of every skill the run discovers.

Only values that came from outside are hidden: the environment pytest started
with (:func:`remember_outside`). A value the test sets itself
(``monkeypatch.setenv``), before or after a run, is its own and is seen.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pytest

    from kurt.skills.record import SkillRecord

_OUTSIDE: list[dict[str, str]] = []


def remember_outside() -> None:
    """Take the environment pytest started with as the developer's real one."""
    _OUTSIDE[:] = [dict(os.environ)]


def outside() -> Mapping[str, str]:
    """The environment pytest started with (now, if the plugin was not configured)."""
    return _OUTSIDE[0] if _OUTSIDE else dict(os.environ)


def setting_variables(records: Iterable[SkillRecord]) -> set[str]:
    """Every variable a setting of ``records`` names with ``env:`` (invalid
    manifests included, as far as their settings can be read)."""
    found: set[str] = set()
    for record in records:
        settings = record.settings if isinstance(record.settings, dict) else {}
        for spec in settings.values():
            variable = spec.get("env") if isinstance(spec, dict) else None
            if isinstance(variable, str) and variable:
                found.add(variable)
    return found


class SettingsEnvironment:
    """Hides, through ``monkeypatch`` (so the test's end restores them), the
    settings' variables whose value is still the one from outside."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, outside: Mapping[str, str]) -> None:
        self._monkeypatch = monkeypatch
        self._outside = outside
        # Hidden once: if the test then sets one, that value is the test's.
        self._hidden: set[str] = set()

    def hide(self, records: Iterable[SkillRecord]) -> None:
        for variable in sorted(setting_variables(records) - self._hidden):
            current = os.environ.get(variable)
            if current is not None and current == self._outside.get(variable):
                self._monkeypatch.delenv(variable)
                self._hidden.add(variable)
