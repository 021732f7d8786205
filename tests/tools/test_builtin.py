"""Kurt's own tools and engines: what they register, and the table that names them."""

from __future__ import annotations

from kurt.registry import FETCHERS, MAPPERS, TOOLS
from kurt.tools.builtin import BUILTIN_NAMES, load_builtins


def test_the_names_table_is_what_the_modules_register() -> None:
    load_builtins()
    registered = {
        registry.kind: frozenset(entry.name for entry in registry if entry.skill is None)
        for registry in (TOOLS, FETCHERS, MAPPERS)
    }
    assert registered == BUILTIN_NAMES
