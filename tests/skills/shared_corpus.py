"""The Agent Skills corpus under ../shared, reached through tests/conftest.py's
``shared_path`` (which skips a test where ../shared is absent).

``from conftest import shared_path`` is not used: several folders have a
conftest.py, and which one owns the module name ``conftest`` depends on the
order pytest collects them in. pytest knows each conftest by its file.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT_CONFTEST = Path(__file__).resolve().parents[1] / "conftest.py"


def shared_path_helper(config: pytest.Config) -> Callable[..., Path]:
    """tests/conftest.py's ``shared_path`` function."""
    for plugin in config.pluginmanager.get_plugins():
        if Path(getattr(plugin, "__file__", "") or "").resolve() == ROOT_CONFTEST:
            helper: Callable[..., Path] = plugin.shared_path
            return helper
    raise LookupError(f"{ROOT_CONFTEST} is not loaded")


@pytest.fixture
def corpus(request: pytest.FixtureRequest) -> Path:
    """The corpus folder (the test is skipped where ../shared is absent)."""
    return shared_path_helper(request.config)("corpus", "agent-skills")


def corpus_files(corpus: Path) -> list[Path]:
    """Every SKILL.md of the corpus, dot-folders included, sorted."""
    return sorted(Path(d) / "SKILL.md" for d, _, names in os.walk(corpus) if "SKILL.md" in names)
