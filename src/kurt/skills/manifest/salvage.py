"""What can still be read of a SKILL.md that does not parse: the names it gives.

A manifest with a YAML error provides nothing Kurt can see; but the user who
runs ``kurt tool run page-stats`` should hear that the skill meant to provide
``page-stats`` is broken, not that the name is unknown. Its ``name:`` lines
(the skill's own, and those of its ``implements`` entries) usually still read.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

#: How much of the file is looked at: the front matter comes first.
LIMIT = 64 * 1024

_NAME = re.compile(r"""\bname\s*:\s*["']?([A-Za-z0-9][A-Za-z0-9_.-]*)""")


def names_given(manifest: Path) -> set[str]:
    """Every ``name: X`` value readable in ``manifest`` (nothing when it is not a
    regular file: a FIFO or a device is never opened)."""
    try:
        if not stat.S_ISREG(os.stat(manifest).st_mode):
            return set()
        with open(manifest, "rb") as file:
            text = file.read(LIMIT).decode("utf-8", errors="replace")
    except OSError:
        return set()
    front = text.split("\n---", 2)[0] if text.startswith("---") else text
    return set(_NAME.findall(front))
