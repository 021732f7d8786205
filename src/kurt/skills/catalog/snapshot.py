"""The catalog's snapshot: what the warm paths read, in one format.

Every read-only command must cost little more than starting click, even with
a thousand skills, and must still answer from the disk as it is now (SPEC
section 8). So each rebuild of the catalog (:func:`kurt.skills.catalog.cache.load_catalog`)
also writes derived files beside the manifest cache, all under one
:data:`FORMAT` (the cache's too: what facts hold changes them all at once):

- the *listing snapshot* (text): the scan it was made from, one line per
  candidate skill (:func:`key_text`), and each ``kurt skill list --json`` row
  as JSON text, as if enabled by default, trusted and runnable; with each
  row's status (as stored) and the provided-name listing (kind, name, and the
  rows that provide it, each with its description, in priority order), so
  that ``kurt tool list`` is a join instead of a record decoded per name;
- the *pointer* (text, per project): the kurt.toml and trust record stamps,
  the search folders (each with whether its skills are trusted) and the
  ``enabled``/``disabled`` lists as they were read, so that ``kurt skill list
  --json`` needs neither the TOML parser nor the configuration code;
- the *run index*: a line of JSON (the same scan, the provided-name index,
  the winning skills' names), then each of those skills' record
  (:meth:`kurt.skills.record.SkillRecord.to_plain`) as one line of JSON,
  decoded only when a command uses it (so reading the index never decodes
  ten thousand records to show one).

Each is valid only while :func:`scan_keys` finds every skill folder and every
manifest's size and mtime (ns) exactly as stored, and the ``sys.path`` stamps
are unchanged (an installed distribution): a SKILL.md rewritten in place, by
any editor, changes its line. What they answer with is
:mod:`kurt.skills.catalog.warm`.

Why size and mtime in nanoseconds suffice: a same-size rewrite within the
same second still gets another ``st_mtime_ns`` on filesystems that keep
nanoseconds (ext4, xfs, btrfs, tmpfs, APFS), and on Linux 6.13 and later
(multigrain timestamps) a file whose mtime was read, as every scan here
reads it, gets a fine-grained mtime at its next write. Only on an older
kernel could a same-size rewrite within one clock tick (a few ms) of Kurt's
own read of that manifest go unseen; content hashes would close that gap at
the cost of reading every manifest on every command.

This module is the format: writing, and the string-only reading the warm
paths share. It imports only the standard library's ``os`` and ``sys`` and
:mod:`kurt.skills.catalog.scan` (no ``pathlib``, ``json`` or ``tomllib``).
Text files separate fields by NUL (and unit separators inside a field), one
record per line: a name or path holding a newline or a separator cannot be
stored, and such a set-up always takes the full path.
"""

from __future__ import annotations

import os
import sys

from kurt._version import __version__
from kurt.skills.catalog.scan import digest, file_stamps, package_rows, scan_dir

# Not `from typing import ...`: `kurt --help` reads the snapshot through this
# module, and importing typing costs a third of its budget (bench/startup.py).
# Type checkers treat any name TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from kurt.config.llm import ConfiguredModels
    from kurt.config.skills import SkillsConfig
    from kurt.skills.catalog.cache import Catalog
    from kurt.skills.catalog.precedence import Index
    from kurt.skills.catalog.search import PackageSkill, SearchRoot
    from kurt.skills.record import SkillRecord

    #: Where the pointer goes, and what it records: the kurt.toml stamps taken
    #: before ``config`` was read, that configuration and its search roots.
    PointerTarget = tuple[str, str, SkillsConfig, list[SearchRoot]]

# The format of the manifest cache and of every file derived from it. History:
# 2: lines of the requirement keys; 3: built-in names; 4: field checks on failure;
# 5: the requires_skills line; 6: one problem per parse error, item lines;
# 7: provided-name rule, names claimed by broken manifests; 8: the listing's
# requirements line; 9: the run index holds the scan; 10: one format for all;
# 11: problem rows keep their hint; 12: the listing's statuses and provided names;
# 13: what config skills needs of each row; 14: the run index's records as lines;
# 15: the human table's cells; 16: the workflows key and its line;
# 17: the commands key and each command's line; 18: url_patterns and priority of
# provided names; 19: the listing's skill commands.
FORMAT = 20
MAGIC = f"kurt skill listing {FORMAT}"
POINTER_MAGIC = f"kurt skill listing pointer {FORMAT}"
SEP = "\x00"
FIELD = "\x1f"
PROJECT_FILE = "kurt.toml"
TRUST_FILE = "trusted-projects.json"  # kurt.config.locations.Locations.trust_file
# Every row ends so (SkillRecord.to_json puts "trusted" last, as true by default).
TRUSTED_END = ', "trusted": true}'

Packages = list[tuple[str, str, str, str | None]]


def listing_file(cache: Path) -> Path:
    """The snapshot beside the cache file ``cache``."""
    return cache.with_name(cache.stem + ".list")


def index_file(cache: Path) -> Path:
    """The run index beside the cache file ``cache``."""
    return cache.with_name(cache.stem + ".index")


def key_text(values: list[Any]) -> str:
    """One scanned candidate as text (source, folder, manifest, size, mtime, ...)."""
    return SEP.join(str(value) for value in values)


def scan_keys(
    roots: list[tuple[str, str]], packages: list[tuple[str, str, str, str | None]]
) -> tuple[list[str], list[int]]:
    """Every candidate skill found now in ``roots`` (source, folder) and the
    located entry points ``packages``, as :func:`key_text` lines (folder,
    manifest, its size and mtime_ns, ...), in search order; with, for each,
    the position in ``roots`` of the folder it was found in (-1: a package).

    What a snapshot stores is valid while this is unchanged: any skill added,
    removed, renamed or whose manifest was rewritten (a new size or mtime)
    changes a line.
    """
    keys: list[str] = []
    owners: list[int] = []
    for position, (source, folder) in enumerate(roots):
        if source == "builtin":
            keys += [key_text(row) for row in package_rows(packages)]
            owners += [-1] * (len(keys) - len(owners))
        prefix = source + SEP
        keys += [
            f"{prefix}{entry[0]}{SEP}{entry[1]}{SEP}{entry[2]}{SEP}{entry[3]}{SEP}None"
            f"{SEP}{entry[4]}"
            for entry in scan_dir(folder)
        ]
        owners += [position] * (len(keys) - len(owners))
    if not any(source == "builtin" for source, _ in roots):
        keys += [key_text(row) for row in package_rows(packages)]
        owners += [-1] * (len(keys) - len(owners))
    return keys, owners


def default_texts(rows: list[dict[str, Any]]) -> list[str]:
    """Each ``SkillRecord.to_json()`` row as JSON text, as if the skill were
    enabled by default: the snapshot's rows, and ``kurt skill list --json``
    itself (joined as ``[a, b]``) when kurt.toml enables or disables nothing."""
    import json

    return [
        json.dumps({**row, "enabled": True, "reason": "default"}, ensure_ascii=False)
        for row in rows
    ]


def snapshot(
    stamps: list[list[Any]],
    packages: list[PackageSkill],
    keys: list[list[Any]],
    rows: list[dict[str, Any]],
    texts: list[str] | None = None,
    needs: str = "",
    provided: str = "",
    details: str = "",
    cells: str = "",
    commands: str = "",
) -> bytes | None:
    """The snapshot file's bytes; ``rows`` are ``SkillRecord.to_json()`` before
    enabled state, in the order of ``keys``. ``None`` when a name or path cannot
    be stored (the listing then always scans).

    Lines: a format line; the ``sys.path`` stamps; the package scan; the
    requirements of the skills that declare some (``needs``: JSON ``{row:
    [manifest, requirements]}``, or empty, so that a listing without them
    never imports json); the provided names (``provided``: JSON ``[[kind,
    name, [[row, description], ...]], ...]``, the providers of each name in
    priority order, or empty); what ``kurt config skills`` needs of each row
    (``details``: JSON ``{"schemas": [schema, ...], "rows": [[source,
    schema position, [error, ...]], ...]}``);
    the human table's cells (``cells``: per row name, version, source,
    provides, path and whether it has problems, or empty when some cell holds
    a separator); the skill commands (``commands``: name, help and row of
    each command of the valid, unshadowed skills, as :func:`_commands`
    writes them, or empty); each row's
    stored status; the count N; the N skill names; N candidate keys;
    then N rows as JSON, each as if the skill were enabled by default,
    trusted and runnable (the common case is then one join). ``texts`` are
    :func:`default_texts` of ``rows`` when already made.
    """
    statuses = SEP.join(row["status"] for row in rows)
    header = [MAGIC, stamps_text(stamps), packages_text_of(packages), needs, provided, details]
    header += [cells, commands, statuses]
    header.append(str(len(rows)))
    names = [row["name"] for row in rows]
    lines = [key_text(key) for key in keys]
    if texts is None:
        texts = default_texts(rows)
    if len(lines) != len(rows) or any(SEP in name for name in names):
        return None
    if any("\n" in line for line in [*header, *lines, *names]):
        return None
    # json.dumps escapes control characters, so no row holds a line break.
    return "\n".join([*header, SEP.join(names), *lines, *texts]).encode("utf-8")


def index_body(
    records: list[SkillRecord],
    providers: Index,
    stamps: dict[Path, tuple[int, int]],
    keys: list[str],
    packages: list[list[Any]],
    path_stamps: list[list[Any]],
) -> bytes:
    """The run index's bytes (:func:`kurt.skills.catalog.warm.read_index` reads
    them back): ``keys`` are the scan as :func:`key_text` lines, records before
    enabled state. json.dumps escapes every line break, so each record is one line."""
    import json

    texts = {
        r.name: json.dumps(
            {**r.to_plain(), "stamp": stamps.get(r.manifest_path)}, ensure_ascii=False
        )
        for r in records
        if r.status != "shadowed"
    }
    head = {
        "format": FORMAT,
        "keys": keys,
        "packages": packages,
        "path_stamps": path_stamps,
        "providers": providers,
        "names": list(texts),
    }
    body = "\n".join([json.dumps(head, ensure_ascii=False), *texts.values()])
    return body.encode("utf-8")


def stamps_text(stamps: list[list[Any]]) -> str:
    return SEP.join(f"{entry}{FIELD}{mtime}" for entry, mtime in stamps)


def packages_text_of(packages: list[PackageSkill]) -> str:
    return SEP.join(
        FIELD.join([name, distribution, module, "" if folder is None else folder])
        for name, distribution, module, folder in packages
    )


def packages_from(text: str) -> list[tuple[str, str, str, str | None]] | None:
    found: list[tuple[str, str, str, str | None]] = []
    for item in text.split(SEP) if text else []:
        fields = item.split(FIELD)
        if len(fields) != 4:
            return None
        name, distribution, module, folder = fields
        found.append((name, distribution, module, folder or None))
    return found


# -- the pointer: kurt skill list --json without reading kurt.toml ---------------------


def pointer_file(cache_dir: str, project_root: str | None, builtin_dir: str | None) -> str:
    """Where the pointer of this project (and Kurt, and interpreter) lives."""
    key = SEP.join([__version__, sys.executable, project_root or "", builtin_dir or ""])
    return os.path.join(cache_dir, f"listing-{digest(key)}.txt")


def config_stamps(project_root: str | None, home: str) -> str:
    """What says the project's and the user's kurt.toml, and the trust record,
    are unchanged."""
    project_file = os.path.join(project_root, PROJECT_FILE) if project_root else None
    trust = os.path.join(home, TRUST_FILE)
    return file_stamps([project_file, os.path.join(home, PROJECT_FILE), trust])


def pointer_text(
    stamps: str,
    config: SkillsConfig,
    roots: list[SearchRoot],
    snapshot_name: str,
    untrusted: frozenset[str] = frozenset(),
) -> bytes | None:
    """The pointer file's bytes: the kurt.toml (and trust record) stamps taken
    *before* ``config`` was read, the roots (each with whether its skills are
    trusted: not when it is in ``untrusted``), the enabled state lists and the
    snapshot's file name; ``None`` when something cannot be stored."""
    names = [*(config.enabled or ()), *config.disabled]
    folders = [str(root.path) for root in roots]
    if any(c in text for text in [*names, *folders] for c in ("\n", SEP, FIELD)):
        return None
    enabled = "-" if config.enabled is None else "+" + SEP.join(sorted(config.enabled))
    disabled = SEP.join(sorted(config.disabled))
    root_text = SEP.join(
        f"{root.source}{FIELD}{root.path}{FIELD}{'-' if str(root.path) in untrusted else '+'}"
        for root in roots
    )
    lines = [POINTER_MAGIC, stamps, enabled, disabled, snapshot_name, root_text]
    if "\n" in stamps + snapshot_name:
        return None
    return "\n".join(lines).encode("utf-8")


def pointer_stamps(path: str) -> str | None:
    """The kurt.toml stamps a pointer file holds (``None`` when unreadable)."""
    lines = read_pointer(path)
    return lines[1] if lines is not None else None


def read_pointer(path: str) -> list[str] | None:
    try:
        with open(path, "rb") as file:
            lines = file.read().decode("utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return None
    if len(lines) != 6 or lines[0] != POINTER_MAGIC:
        return None
    return lines


# -- writing -------------------------------------------------------------------------


def write_derived(
    cache: Path,
    catalog: Catalog,
    *,
    stored_keys: list[list[Any]],
    packages: list[PackageSkill],
    path_stamps: list[list[Any]],
    pointer: PointerTarget | None,
    untrusted: frozenset[str],
    models: ConfiguredModels,
) -> str:
    """Write the run index and the listing snapshot beside the cache file
    ``cache`` (and the pointer, when given) for ``catalog``, whose records are
    before enabled state and in the order of ``stored_keys``; return the
    listing as JSON text as if kurt.toml enabled or disabled nothing (what
    its skills lack to run checked against ``models``' project)."""

    from kurt.config.skills import SkillsConfig
    from kurt.skills.catalog.precedence import apply_state

    keys = [key_text(key) for key in stored_keys]
    index = index_body(
        catalog.records,
        catalog.providers,
        catalog.stamps,
        keys,
        [list(p) for p in packages],
        path_stamps,
    )
    write_bytes(index_file(cache), index)
    # Rows as if kurt.toml enabled or disabled nothing (the warm path applies
    # the real state to them). Only a clash's error depends on that state.
    clashing = any(record.clashes for record in catalog.records)
    shown = apply_state(catalog.records, SkillsConfig(), models) if clashing else catalog.records
    rows = [record.to_json() for record in shown]
    texts = default_texts(rows)
    # The warm path re-renders only the rows kurt.toml names, but disabling
    # one side of a clash changes the other side's row: no snapshot then.
    listing = (
        None
        if clashing
        else snapshot(
            path_stamps,
            packages,
            stored_keys,
            rows,
            texts,
            _needs(catalog.records),
            _provided(catalog.records, catalog.providers),
            _details(catalog.records),
            _cells(rows),
            _commands(catalog.records),
        )
    )
    if listing is None:
        _remove(listing_file(cache))
    else:
        write_bytes(listing_file(cache), listing)
        if pointer is not None:
            target, stamps, config, roots = pointer
            body = pointer_text(stamps, config, roots, listing_file(cache).name, untrusted)
            if body is None:
                _remove(target)
            else:
                write_bytes(target, body)
    return "[" + ", ".join(texts) + "]"


def _needs(records: list[SkillRecord]) -> str:
    """The snapshot's requirements line: for each skill that could run and
    declares requirements, its manifest and those requirements (checked again
    by every listing, never cached); empty when no skill declares any."""
    import json

    from kurt.skills.environment import declares_requirements, requirements

    needs = {
        str(row): [str(record.manifest_path), requirements(record.extra)]
        for row, record in enumerate(records)
        if record.status == "ok" and declares_requirements(record.extra)
    }
    return json.dumps(needs, ensure_ascii=False) if needs else ""


def _commands(records: list[SkillRecord]) -> str:
    """The snapshot's skill commands line (``kurt --help`` and running one):
    each command of a skill that is valid and not shadowed, with its help (the
    skill's description when it gives none) and its row; empty when none.

    Text (``T``, then name, help and row joined by ``FIELD``, commands by
    ``SEP``) so that ``kurt --help`` need not import json; JSON (``J``) in the
    rare case a help text holds one of those separators or a line break."""
    found = [
        [command["name"], command.get("help") or record.description, row]
        for row, record in enumerate(records)
        if record.status == "ok"
        for command in record.extra.get("commands") or ()
    ]
    if not found:
        return ""
    texts = [f"{name}{FIELD}{text}{FIELD}{row}" for name, text, row in found]
    if all(item.count(FIELD) == 2 and SEP not in item and "\n" not in item for item in texts):
        return "T" + SEP.join(texts)
    import json

    return "J" + json.dumps(found, ensure_ascii=False)


def _cells(rows: list[dict[str, Any]]) -> str:
    """The snapshot's line for the human ``kurt skill list``: the cells of each
    row that do not depend on kurt.toml, trust or the environment, so that a
    long table is laid out without decoding the JSON rows."""
    cells = [
        FIELD.join(
            [
                row["name"],
                row["version"] or "",
                row["source"],
                ", ".join(f"{p['type']} {p['name']}" for p in row["provides"]),
                row["path"],
                "!" if row["problems"] else "",
            ]
        )
        for row in rows
    ]
    text = SEP.join(cells)
    if "\n" in text or any(text.count(FIELD) != 5 for text in cells):
        return ""  # a cell holds a separator: the table decodes the rows instead
    return text


def _details(records: list[SkillRecord]) -> str:
    """The snapshot's line for ``kurt config skills``: each distinct settings
    schema once, and each row's source, schema (its position) and errors (as
    listings show them)."""
    import json

    schemas: dict[str, int] = {}
    rows: list[list[Any]] = []
    for record in records:
        text = json.dumps(record.settings, ensure_ascii=False)
        at = schemas.setdefault(text, len(schemas))
        rows.append([record.source, at, [str(p) for p in record.errors]])
    found = {"schemas": [json.loads(text) for text in schemas], "rows": rows}
    return json.dumps(found, ensure_ascii=False)


def _provided(records: list[SkillRecord], providers: Index) -> str:
    """The snapshot's provided-name line: for each name a skill provides, the
    rows of the skills that provide it in priority order (shadowed ones left
    out, as :meth:`Catalog.find` leaves them), each with the description
    ``kurt tool list`` shows (the entry's own, else the skill's)."""
    import json

    rows: dict[str, int] = {}
    for row, record in enumerate(records):
        if record.status != "shadowed":
            rows.setdefault(record.name, row)
    found: list[list[Any]] = []
    for kind, names in providers.items():
        for name, skills in names.items():
            candidates: list[list[Any]] = []
            for skill in skills:
                at = rows.get(skill)
                if at is None:
                    continue
                record = records[at]
                own = [p.description for p in record.provides if (p.kind, p.name) == (kind, name)]
                description = (own[0] if own else "") or record.description
                candidates.append([at, description])
            found.append([kind, name, candidates])
    return json.dumps(found, ensure_ascii=False) if found else ""


def write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write a derived file atomically; a read-only KURT_HOME costs speed, never
    correctness (the next command rebuilds)."""
    import contextlib
    from pathlib import Path

    from kurt.atomic import atomic_write

    with contextlib.suppress(OSError):
        atomic_write(Path(path), data, durable=False)  # a cache: rebuilt if a crash loses it


def _remove(path: str | os.PathLike[str]) -> None:
    import contextlib

    with contextlib.suppress(OSError):  # absent already, or a read-only KURT_HOME
        os.unlink(path)
