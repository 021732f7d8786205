"""Pytest plugin for skill authors (registered as ``pytest11`` entry point ``kurt``).

Its fixtures are filled in by the examples/docs work; this module must stay cheap
to import because pytest loads it in every run.
"""

from __future__ import annotations
