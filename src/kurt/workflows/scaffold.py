"""``kurt workflow new NAME``: a workflow file that validates and runs as written."""

from __future__ import annotations

import re
from pathlib import Path

from kurt.errors import KurtError, UsageError

_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

TEMPLATE = """\
# A Kurt workflow: steps that run tools in dependency order (kurt workflow --help).
#   kurt workflow validate {name}
#   kurt workflow run {name} -p source=examples/site

[workflow]
name = "{name}"
description = "Map a source, then fetch every page it leads to"

[inputs.source]
type = "str"
description = "A folder, sitemap, feed or site URL"

[[steps]]
id = "map"
tool = "map"
input = {{ source = "{{{{ inputs.source }}}}" }}

[[steps]]
id = "fetch"
tool = "fetch"
# The url of each item the map step returned; referring to it makes this
# step wait for "map" (depends_on lists steps whose data a step does not read).
input = {{ urls = "{{{{ steps.map.data.url }}}}" }}
"""


def new_workflow(folder: Path, name: str) -> Path:
    """Write ``folder/NAME.toml`` from :data:`TEMPLATE`; refuse a bad name
    (exit 2) or a file that exists (exit 1)."""
    if not _NAME.fullmatch(name):
        raise UsageError(
            f"workflow name '{name}' may hold only lowercase letters a-z, digits 0-9 and '-'",
            hint="for example: kurt workflow new site-pages",
        )
    path = folder / f"{name}.toml"
    if path.exists():
        raise KurtError(f"{path} exists already", hint="choose another name, or edit that file")
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(TEMPLATE.format(name=name), encoding="utf-8")
    return path
