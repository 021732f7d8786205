"""The kind table and Kurt's own names (kurt/kinds.py)."""

from __future__ import annotations

from kurt.kinds import OWN_NAMES
from kurt.registry import FETCHERS, MAPPERS, TOOLS


def test_the_names_table_is_what_the_modules_register() -> None:
    registered = {
        registry.kind: {entry.name: entry.module for entry in registry if entry.kurts_own}
        for registry in (TOOLS, FETCHERS, MAPPERS)
    }
    assert registered == OWN_NAMES
