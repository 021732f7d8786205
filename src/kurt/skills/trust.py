"""Which projects may run their own skill code.

Trust belongs to a project folder (its resolved path), as in VS Code's
Workspace Trust: editing a skill keeps it, a copy elsewhere does not have it.
The record lives under ``KURT_HOME``; nothing inside a project can grant it.
"""

from __future__ import annotations

import json
from pathlib import Path

from kurt.atomic import atomic_write
from kurt.errors import ConfigError


def _key(project_root: Path) -> str:
    return str(project_root.resolve())


def trusted_projects(trust_file: Path) -> set[str]:
    """Resolved paths of every trusted project (empty when the record is absent)."""
    try:
        raw = json.loads(trust_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return set()
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"the trust record is unreadable: {exc}",
            file=trust_file,
            hint="delete it and run `kurt trust` again in each project you trust",
        ) from None
    projects = raw.get("trusted", []) if isinstance(raw, dict) else []
    return {p for p in projects if isinstance(p, str)}


def is_trusted(trust_file: Path, project_root: Path) -> bool:
    """Whether the user has trusted ``project_root``."""
    return _key(project_root) in trusted_projects(trust_file)


def set_trusted(trust_file: Path, project_root: Path, trusted: bool = True) -> bool:
    """Trust (or stop trusting) ``project_root``; return whether anything changed."""
    from filelock import FileLock

    trust_file.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(trust_file) + ".lock", timeout=30):
        projects = trusted_projects(trust_file)
        key = _key(project_root)
        if (key in projects) == trusted:
            return False
        if trusted:
            projects.add(key)
        else:
            projects.discard(key)
        body = json.dumps({"trusted": sorted(projects)}, indent=2) + "\n"
        atomic_write(trust_file, body.encode("utf-8"))
    return True
