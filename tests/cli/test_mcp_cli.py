"""``kurt mcp``: what the command line does around the server itself
(the server is driven by an MCP client in tests/mcp/)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Invoke = Callable[..., Any]


def test_serve_without_the_sdk_says_what_to_install(
    invoke: Invoke, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "mcp", None)  # as if the extra were not installed
    outcome = invoke("--project", str(project), "mcp", "serve")
    assert outcome.exit_code == 1
    assert outcome.stderr == (
        "Error: kurt mcp serve needs the MCP SDK, which is not installed\n"
        "  hint: install it with: pip install 'kurt-skills[mcp]'\n"
    )


def test_other_commands_never_import_the_sdk(project: Path, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# A\n", encoding="utf-8")
    code = (
        "import sys\n"
        "from kurt.cli.app import run\n"
        f"for args in (['--help'], ['skill', 'list'], ['tool', 'run', 'map', '-p', "
        f"'source={docs}', '--json']):\n"
        f"    assert run(['--project', {str(project)!r}, *args]) == 0, args\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('mcp', 'mcp_types')"
        " or m.startswith('kurt.mcp'))\n"
        "print('loaded:', loaded, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[-1] == "loaded: []"
