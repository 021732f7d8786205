"""Where the project and the user's Kurt home are.

Cheap on purpose (standard library only): every command starts here, and
``pathlib`` is imported only when a path is actually built (it costs about a
tenth of importing click, which ``kurt skill list --json`` cannot afford).
The project root is found like git finds its repository: ``--project DIR``,
else ``KURT_PROJECT_ROOT``, else the nearest folder upwards holding kurt.toml.
The user home is ``KURT_HOME`` (``~`` expanded), else ``~/.kurt``.

Each rule is written once, on strings (:func:`home_text`,
:func:`project_root_text`): the fast paths that run before anything else
(``kurt --help`` from its cache, the warm ``kurt skill list --json``) use them
as they are, and :func:`user_home` and :func:`find_project_root` wrap them in
``pathlib`` and errors, so the two can never disagree on where things are.
"""

from __future__ import annotations

import os

# Not `from typing import ...`: the cached `kurt --help` imports this module,
# and typing alone costs about a third of `import click` (mypy reads this name
# as true, like typing's own).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

PROJECT_FILE = "kurt.toml"
DATA_DIR = ".kurt"
SKILLS_DIR = "skills"
CACHE_DIR = "cache"


def home_text() -> str:
    """The user's Kurt home as a string: ``KURT_HOME`` with ``~`` expanded (a
    literal ``~`` folder in the current directory is never what was meant),
    else ``~/.kurt``."""
    configured = os.environ.get("KURT_HOME")
    return os.path.expanduser(configured or os.path.join("~", ".kurt"))


def cache_text(home: str | None = None) -> str:
    """The folder of derived data under the user's home (safe to delete)."""
    return os.path.join(home if home is not None else home_text(), CACHE_DIR)


def project_root_text(explicit: str | os.PathLike[str] | None = None) -> str | bool | None:
    """The project root as :func:`find_project_root` finds it, on strings: the
    resolved root, ``None`` outside any project, or ``False`` when the chosen
    folder (``--project`` or ``KURT_PROJECT_ROOT``) is not a project (the
    caller then reports it through :func:`find_project_root`)."""
    chosen = explicit if explicit is not None else os.environ.get("KURT_PROJECT_ROOT")
    if chosen:
        folder = os.path.expanduser(os.fspath(chosen))
        if not os.path.isfile(os.path.join(folder, PROJECT_FILE)):
            return False
        return os.path.realpath(folder)
    here = os.path.realpath(os.getcwd())
    while True:
        if os.path.isfile(os.path.join(here, PROJECT_FILE)):
            return here
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def user_home() -> Path:
    """The user's Kurt home (:func:`home_text`) as a path."""
    from pathlib import Path

    return Path(home_text())


def find_project_root(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The project root, or ``None`` outside any project.

    An explicit folder (``--project`` or ``KURT_PROJECT_ROOT``) must hold
    kurt.toml, as a folder found from the current directory does (``kurt
    init`` takes its folder itself, before there is a kurt.toml).
    """
    from pathlib import Path

    found = project_root_text(explicit)
    if found is False:
        from kurt.errors import UsageError

        chosen = explicit if explicit is not None else os.environ.get("KURT_PROJECT_ROOT")
        if not os.path.isdir(os.path.expanduser(os.fspath(chosen or ""))):
            raise UsageError(
                f"Project folder '{chosen}' does not exist.",
                hint="pass an existing folder to --project (or KURT_PROJECT_ROOT)",
            )
        raise UsageError(
            f"'{chosen}' is not a Kurt project (no {PROJECT_FILE}).",
            hint=f"create one with: kurt init {chosen}",
        )
    return Path(found) if isinstance(found, str) else None


class Locations:
    """Every path Kurt reads or writes, for one project (or none) and one user.

    A frozen value (not a NamedTuple, for the same reason as ``TYPE_CHECKING``).
    """

    __slots__ = ("home", "project_root")

    project_root: Path | None
    home: Path

    def __init__(self, project_root: Path | None, home: Path) -> None:
        object.__setattr__(self, "project_root", project_root)
        object.__setattr__(self, "home", home)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Locations is frozen: cannot set {name}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Locations):
            return NotImplemented
        return (self.project_root, self.home) == (other.project_root, other.home)

    def __hash__(self) -> int:
        return hash((self.project_root, self.home))

    def __repr__(self) -> str:
        return f"Locations(project_root={self.project_root!r}, home={self.home!r})"

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
        return self.home / CACHE_DIR

    @property
    def trust_file(self) -> Path:
        return self.home / "trusted-projects.json"
