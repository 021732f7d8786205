"""Writing a workflow file in a test and reading it back."""

from __future__ import annotations

import textwrap
from pathlib import Path

from kurt.workflows.load import Loaded, read_workflow


def write(folder: Path, text: str, name: str = "flow.toml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def load(folder: Path, text: str) -> Loaded:
    return read_workflow(write(folder, text))
