"""The names a SKILL.md that does not parse still gives (kurt.skills.manifest.salvage)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kurt.skills.manifest.salvage import names_given


def test_the_skills_and_its_entries_names_are_read_from_broken_yaml(tmp_path: Path) -> None:
    manifest = tmp_path / "SKILL.md"
    manifest.write_text(
        "---\nname: 'stats'\ndescription: [unclosed\nimplements:\n"
        "  - {type: tool, class: PageStats, name: page-stats}\n"
        '  - name: "word-count"\n---\nname: in-the-body\n',
        encoding="utf-8",
    )
    assert names_given(manifest) == {"stats", "page-stats", "word-count"}


def test_what_is_not_a_regular_file_is_never_opened(tmp_path: Path) -> None:
    assert names_given(tmp_path / "missing.md") == set()
    assert names_given(tmp_path) == set()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_does_not_block(tmp_path: Path) -> None:
    fifo = tmp_path / "SKILL.md"
    os.mkfifo(fifo)
    assert names_given(fifo) == set()
