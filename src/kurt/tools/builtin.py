"""Kurt's own tools and engines, registered through the same decorators a
skill uses. Importing these modules registers them; :func:`load_builtins`
does it once."""

from __future__ import annotations

import importlib

BUILTIN_MODULES: tuple[str, ...] = ()


def load_builtins() -> None:
    """Import every built-in module (idempotent: Python imports each once)."""
    for module in BUILTIN_MODULES:
        importlib.import_module(module)
