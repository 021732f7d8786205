"""Kurt from a plain script (SPEC section 7): the registries know Kurt's own
names in any folder, and kurt.load_skills() connects a project's skills."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

SCRIPT = """
import sys
import kurt
from kurt import FETCHERS, TOOLS
print(TOOLS.names(), "kurt.runtime" in sys.modules, "pydantic_settings" in sys.modules)
kurt.load_skills()
print("my-tool" in TOOLS, "httpx" in FETCHERS)
print(TOOLS.get("my-tool").__name__)
"""

BEFORE = "['fetch', 'map'] False False"


def test_a_plain_script_knows_only_kurts_own_names_until_it_loads_skills(
    make_project: Callable[..., Path], run_kurt: Callable[..., Any]
) -> None:
    """SPEC section 7: importing kurt discovers nothing, whatever the current folder."""
    root = make_project("scripted")
    assert run_kurt("skill", "new", "my-tool", cwd=root).exit_code == 0
    probe = (
        "import sys\nfrom kurt import TOOLS\n"
        "print(TOOLS.names(), 'kurt.runtime' in sys.modules, 'pydantic_settings' in sys.modules)"
    )
    for folder in (root, root / "skills", root.parent):
        done = subprocess.run(
            [sys.executable, "-c", probe], cwd=folder, capture_output=True, text=True, check=False
        )
        assert done.stdout.splitlines() == [BEFORE], done.stderr


def test_a_plain_script_reaches_the_projects_skills(
    make_project: Callable[..., Path], run_kurt: Callable[..., Any]
) -> None:
    """SPEC section 7: after load_skills(), get() loads the providing skill on first use."""
    root = make_project("scripted")
    assert run_kurt("skill", "new", "my-tool", cwd=root).exit_code == 0
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=root, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [BEFORE, "True True", "MyToolTool"]


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
    assert done.stdout.splitlines() == [BEFORE, "True True"]  # names come from manifests
