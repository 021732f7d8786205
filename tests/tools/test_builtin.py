"""Kurt's own tools and engines: what they register, and the table that names them."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kurt.registry import FETCHERS, MAPPERS, TOOLS
from kurt.tools.builtin import BUILTIN_NAMES, load_builtins


def test_the_names_table_is_what_the_modules_register() -> None:
    load_builtins()
    registered = {
        registry.kind: frozenset(entry.name for entry in registry if entry.skill is None)
        for registry in (TOOLS, FETCHERS, MAPPERS)
    }
    assert registered == BUILTIN_NAMES


SCRIPT = """
from kurt import FETCHERS, TOOLS
print("my-tool" in TOOLS, "httpx" in FETCHERS)
print(TOOLS.get("my-tool").__name__)
"""


def test_a_plain_script_reaches_the_projects_skills(
    make_project: Callable[..., Path], run_kurt: Callable[..., Any]
) -> None:
    """SPEC section 7: get() loads the providing skill on first use, in a script too."""
    root = make_project("scripted")
    assert run_kurt("skill", "new", "my-tool", cwd=root).exit_code == 0
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=root, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["True True", "MyToolTool"]


def test_a_plain_script_in_an_untrusted_project_is_refused(
    make_project: Callable[..., Path], run_kurt: Callable[..., Any]
) -> None:
    root = make_project("cloned", trusted=False)
    assert run_kurt("skill", "new", "my-tool", cwd=root).exit_code == 0
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=root, capture_output=True, text=True, check=False
    )
    assert done.returncode == 1
    assert "UntrustedProjectError" in done.stderr
    assert done.stdout.splitlines() == ["True True"]  # names come from manifests
