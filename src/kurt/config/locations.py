"""Where the project and the user's Kurt home are.

Cheap on purpose (standard library only): every command starts here, and
``pathlib`` is imported only when a path is actually built (it costs about a
tenth of importing click, which ``kurt skill list --json`` cannot afford).
The project root is found like git finds its repository: ``--project DIR``,
else ``KURT_PROJECT_ROOT``, else the nearest folder upwards holding kurt.toml.
The user home is ``KURT_HOME``, else ``~/.kurt``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, NamedTuple

from kurt.errors import UsageError

if TYPE_CHECKING:
    from pathlib import Path

PROJECT_FILE = "kurt.toml"
DATA_DIR = ".kurt"
SKILLS_DIR = "skills"


def user_home() -> Path:
    """The user's Kurt home: ``KURT_HOME`` or ``~/.kurt``."""
    from pathlib import Path

    configured = os.environ.get("KURT_HOME")
    return Path(configured).expanduser() if configured else Path.home() / ".kurt"


def find_project_root(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The project root, or ``None`` outside any project.

    An explicit folder (``--project`` or ``KURT_PROJECT_ROOT``) must hold
    kurt.toml, as a folder found from the current directory does (``kurt
    init`` takes its folder itself, before there is a kurt.toml).
    """
    from pathlib import Path

    chosen = explicit if explicit is not None else os.environ.get("KURT_PROJECT_ROOT")
    if chosen:
        root = Path(chosen).expanduser()
        if not root.is_dir():
            raise UsageError(
                f"Project folder '{chosen}' does not exist.",
                hint="pass an existing folder to --project (or KURT_PROJECT_ROOT)",
            )
        if not (root / PROJECT_FILE).is_file():
            raise UsageError(
                f"'{chosen}' is not a Kurt project (no {PROJECT_FILE}).",
                hint=f"create one with: kurt init {chosen}",
            )
        return root.resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / PROJECT_FILE).is_file():
            return folder
    return None


class Locations(NamedTuple):
    """Every path Kurt reads or writes, for one project (or none) and one user."""

    project_root: Path | None
    home: Path

    @classmethod
    def discover(cls, explicit: str | os.PathLike[str] | None = None) -> Locations:
        return cls(project_root=find_project_root(explicit), home=user_home())

    @property
    def project_file(self) -> Path | None:
        return self.project_root / PROJECT_FILE if self.project_root else None

    @property
    def project_skills(self) -> Path | None:
        return self.project_root / SKILLS_DIR if self.project_root else None

    @property
    def data_dir(self) -> Path | None:
        return self.project_root / DATA_DIR if self.project_root else None

    @property
    def user_file(self) -> Path:
        return self.home / PROJECT_FILE

    @property
    def user_skills(self) -> Path:
        return self.home / SKILLS_DIR

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"

    @property
    def trust_file(self) -> Path:
        return self.home / "trusted-projects.json"
