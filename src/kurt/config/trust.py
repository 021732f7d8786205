"""Which projects may run their own skill code and apply their whole kurt.toml.

Trust belongs to a project folder (its resolved path), as in VS Code's
Workspace Trust: editing a skill keeps it, a copy elsewhere does not have it.
The record lives under ``KURT_HOME``; nothing inside a project can grant it.

A record that cannot be read (garbage bytes, JSON of another shape) grants
nothing: commands that only look say so once and go on as if no project were
trusted, running a project's skill stops with :class:`CorruptTrustRecord`, and
``kurt trust`` rewrites it (:func:`repair_trust_record`), keeping the bytes
beside it, since they were the only list of what the user had trusted.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from kurt.atomic import atomic_write
from kurt.errors import ConfigError


class CorruptTrustRecord(ConfigError):
    """The trust record exists but is not a record Kurt wrote."""


def _key(project_root: Path) -> str:
    return str(project_root.resolve())


def _corrupt(trust_file: Path, why: str) -> CorruptTrustRecord:
    return CorruptTrustRecord(
        f"the trust record is unreadable ({why}), so no project is trusted",
        file=trust_file,
        hint="run `kurt trust` in a project you trust to rewrite it; "
        "every other project must then be trusted again",
    )


def trusted_projects(trust_file: Path) -> set[str]:
    """Resolved paths of every trusted project (empty when the record is absent);
    an unreadable record raises :class:`CorruptTrustRecord`."""
    try:
        data = trust_file.read_bytes()
    except FileNotFoundError:
        return set()
    except OSError as exc:
        raise _corrupt(trust_file, exc.strerror or type(exc).__name__) from None
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise _corrupt(trust_file, f"not JSON: {exc}") from None
    projects = raw.get("trusted") if isinstance(raw, dict) else None
    if not isinstance(projects, list) or not all(isinstance(p, str) for p in projects):
        raise _corrupt(trust_file, 'not an object with a "trusted" list of paths')
    return set(projects)


def is_trusted(trust_file: Path, project_root: Path) -> bool:
    """Whether the user has trusted ``project_root`` (raises on a corrupt record)."""
    return _key(project_root) in trusted_projects(trust_file)


_reported: set[str] = set()


def is_trusted_or_report(trust_file: Path, project_root: Path) -> bool:
    """:func:`is_trusted` for commands that only look: a corrupt record means
    nothing is trusted, said once per process on stderr (a listing must keep
    working, and its exit code must not change)."""
    try:
        return is_trusted(trust_file, project_root)
    except CorruptTrustRecord as exc:
        if str(trust_file) not in _reported:
            _reported.add(str(trust_file))
            sys.stderr.write(f"warning: {exc}\n")
        return False


def repair_trust_record(trust_file: Path) -> Path | None:
    """Rewrite an unreadable trust record as an empty one, keeping its bytes in
    a backup beside it (``<name>.corrupt-<UTC time>``); return the backup's
    path, or ``None`` when the record was readable (or absent)."""
    from filelock import FileLock

    trust_file.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(trust_file) + ".lock", timeout=30):
        try:
            trusted_projects(trust_file)
            return None
        except CorruptTrustRecord:
            pass
        try:
            data = trust_file.read_bytes()
        except OSError:
            data = b""  # unreadable even as bytes (a folder, no permission)
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        backup = trust_file.with_name(f"{trust_file.name}.corrupt-{stamp}")
        n = 1
        while True:
            try:
                with backup.open("xb") as out:  # "x": an earlier backup is never overwritten
                    out.write(data)
                break
            except FileExistsError:
                n += 1
                backup = trust_file.with_name(f"{trust_file.name}.corrupt-{stamp}-{n}")
        atomic_write(trust_file, b'{\n  "trusted": []\n}\n')
    return backup


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
