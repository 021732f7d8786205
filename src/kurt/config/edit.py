"""Safe edits of kurt.toml: keep the user's file as it was, change one thing.

Every edit is a read-modify-write under a lock file beside kurt.toml
(``.kurt.toml.lock``, :mod:`filelock`), so concurrent ``kurt config skills``
processes never lose an update. The document is round-tripped with
:mod:`tomlkit`, which keeps every comment, blank line, key order and unrelated
value; the new text is checked (it must parse, ``[skills]`` must keep its
shape, plus the caller's own check) before it is written through
:func:`kurt.atomic.atomic_write` (temporary file in the same folder, fsync,
``os.replace``), so a crash leaves the old file or the new one, never a mix.
An edit that changes nothing writes nothing; a refused edit writes nothing.

The operations are minimal so that each has an exact inverse:

- a name is inserted into a list before the first greater name (appended when
  none is greater), so a list's text depends only on which names it holds;
- a ``disabled`` list, a ``[skills.<name>]`` table or a ``[skills]`` table left
  empty by an edit is removed (never ``enabled``: an empty allow-list means
  "nothing enabled", its absence "everything").

Test hook: with ``KURT_TEST_CRASH_AFTER_TEMP_WRITE=1`` in the environment the
writer process exits abruptly (``os._exit``) after the temporary file is
complete and before it replaces kurt.toml, so a test can kill a writer
mid-edit. Nothing else reads that variable.
"""

from __future__ import annotations

import itertools
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import tomlkit
from filelock import FileLock, Timeout
from tomlkit.container import Container, OutOfOrderTableProxy
from tomlkit.items import AoT, Array, Comment, InlineTable, Null, Table, Whitespace
from tomlkit.toml_document import TOMLDocument

from kurt.atomic import atomic_write
from kurt.config.files import parse_toml
from kurt.config.skills import check_document, refuse_reserved
from kurt.config.tomlarray import discard_name, holder, insert_name
from kurt.config.tomlvalue import inline
from kurt.errors import ConfigError

CRASH_HOOK = "KURT_TEST_CRASH_AFTER_TEMP_WRITE"
LOCK_TIMEOUT = 30.0

Check = Callable[[dict[str, Any]], None]
Change = Callable[[TOMLDocument], None]


def lock_path(path: Path) -> Path:
    """The lock file guarding ``path`` (beside it, hidden)."""
    return path.with_name(f".{path.name}.lock")


def edit_toml(path: Path, change: Change, *, check: Check | None = None) -> bool:
    """Apply ``change`` to the document at ``path``; return whether the file changed.

    ``check`` receives the new document as plain data and raises to refuse the
    edit (the file is then left byte-identical). A missing file reads as empty
    and is only created if the edit adds something.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with FileLock(str(lock_path(path)), timeout=LOCK_TIMEOUT):
            _remove_stale_copies(path)
            return _edit_locked(path, change, check)
    except Timeout:
        raise ConfigError(
            f"another process has held the lock for more than {LOCK_TIMEOUT:.0f} seconds",
            file=lock_path(path),
            hint="wait for the other `kurt config` to finish, or delete a stale lock file",
        ) from None


def enable(path: Path, name: str, *, check: Check | None = None) -> bool:
    """Remove ``name`` from ``disabled``; add it to ``enabled`` when that allow-list exists."""

    def change(document: TOMLDocument) -> None:
        skills = _skills(document, create=False)
        if skills is None:
            return
        removed = discard_name(skills, "disabled", name, drop_empty=True)
        enabled = skills.get("enabled")
        if isinstance(enabled, Array) and name not in enabled:
            insert_name(skills, "enabled", name)
        if removed:  # tidy only what this edit emptied
            _drop_if_empty(document, "skills")
            _collapse_header(document.get("skills"))

    return edit_toml(path, change, check=check)


def disable(path: Path, name: str, *, check: Check | None = None) -> bool:
    """Add ``name`` to ``disabled`` (created if absent); remove it from ``enabled``."""

    def change(document: TOMLDocument) -> None:
        skills = _skills(document, create=True)
        if skills is None:  # pragma: no cover - create=True always gives a table
            return
        disabled = skills.get("disabled")
        if disabled is None:
            _add_key(skills, "disabled", tomlkit.array())
            disabled = skills["disabled"]
        if not isinstance(disabled, Array):
            raise ConfigError(
                "'skills.disabled' must be a list of strings",
                file=path,
                key="skills.disabled",
                hint='for example: disabled = ["legacy-crawler"]',
            )
        if name not in disabled:
            insert_name(skills, "disabled", name)
        discard_name(skills, "enabled", name, drop_empty=False)

    return edit_toml(path, change, check=check)


def set_value(path: Path, name: str, key: str, value: Any, *, check: Check | None = None) -> bool:
    """Set ``[skills.<name>].<key> = value`` (the table is created if absent).

    The value is written on one line, a table as an inline table
    (``headers = {A = "1"}``): one key of ``[skills.<name>]``, as a user would
    write it, which ``unset`` removes whole.
    """
    _refuse_reserved(name, path)
    plain = value
    value = inline(value)

    def change(document: TOMLDocument) -> None:
        skills = _skills(document, create=True, super_table=True)
        if skills is None:  # pragma: no cover - create=True always gives a table
            return
        table = skills.get(name)
        if table is None:
            _append_table(document, skills, name, key, value)
            return
        if not isinstance(table, Table | InlineTable | OutOfOrderTableProxy):
            raise ConfigError(
                f"'skills.{name}' must be a table of that skill's settings",
                file=path,
                key=f"skills.{name}",
                hint=f"write its settings under a [skills.{name}] section",
            )
        if key in table:
            if not _same(_plain(table[key]), plain):
                table[key] = value  # replaced in place, its comment kept
            return  # (the same value: keep the user's spelling of it)
        _add_key(table, key, value)  # after its last key, not after the next section's comments

    return edit_toml(path, change, check=check)


def unset(path: Path, name: str, key: str, *, check: Check | None = None) -> bool:
    """Remove ``[skills.<name>].<key>``; drop the table (and ``[skills]``) if left empty."""
    _refuse_reserved(name, path)

    def change(document: TOMLDocument) -> None:
        skills = _skills(document, create=False)
        if skills is None:
            return
        table = skills.get(name)
        if not isinstance(table, Table | InlineTable | OutOfOrderTableProxy) or key not in table:
            return
        _remove_key(skills, name, key)
        for part in _parts(skills):  # the part the key was in (see _parts)
            _drop_if_empty(part, name)
        _drop_if_empty(document, "skills")
        _collapse_header(document.get("skills"))

    return edit_toml(path, change, check=check)


# -- internals ---------------------------------------------------------------------------


def _edit_locked(path: Path, change: Change, check: Check | None) -> bool:
    try:
        before = path.read_bytes()
    except FileNotFoundError:
        before = b""
    try:
        text = before.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"the file is not UTF-8 (byte {exc.start})", file=path, hint="save it as UTF-8"
        ) from None
    parse_toml(text, path)  # a malformed file is a located error, never "empty"
    document = tomlkit.parse(text)
    change(document)
    after = document.as_string()
    if after == text:
        return False
    if len(after) < len(text) and after.endswith("\n\n") and not text.endswith("\n\n"):
        # A table removed from the end leaves the blank line that separated
        # it (tomlkit added one when the table was created): drop that too.
        after = after[:-1]
    if text and not text.endswith("\n") and after.endswith("\n"):
        # The file has no final newline: tomlkit ends the last line before
        # writing after it. Keep the file's own ending, so that an edit and
        # its inverse give back the same bytes.
        after = after[:-1]
    data = parse_toml(after, path)
    check_document(data, path)
    if check is not None:
        check(data)
    atomic_write(path, after.encode("utf-8"), before_replace=_crash_hook)
    return True


def _remove_stale_copies(path: Path) -> None:
    """Delete the temporary copies of ``path`` that writers killed mid-edit
    left behind (:func:`kurt.atomic.atomic_write` names them
    ``.kurt.toml.<8 random characters>.tmp``); each is a whole kurt.toml.

    Only a process holding the lock writes one, and the caller holds it now:
    a copy older than this hold belongs to no live writer. The lock file is
    touched and its time compared with the copies' on the same file system,
    so neither clock skew nor a copy made after (which cannot happen while
    the lock is held, unless by a process that ignores it) is ever removed.
    """
    lock = lock_path(path)
    try:
        os.utime(lock)
        held_since = lock.stat().st_mtime_ns
        candidates = list(path.parent.iterdir())
    except OSError:
        return  # cleaning up is a courtesy: never a reason to refuse the edit
    # tempfile.mkstemp's names: the prefix, 8 characters of [a-z0-9_], the suffix.
    copy = re.compile(re.escape(f".{path.name}.") + r"[a-z0-9_]{8}\.tmp")
    for candidate in candidates:
        if not copy.fullmatch(candidate.name):
            continue
        try:
            info = candidate.lstat()
            if stat.S_ISREG(info.st_mode) and info.st_mtime_ns <= held_since:
                candidate.unlink()
        except OSError:
            continue


def _crash_hook(temporary: Path) -> None:
    """Test hook (see the module docstring): die between write and replace."""
    if os.environ.get(CRASH_HOOK) == "1":
        os._exit(75)


def _skills(document: TOMLDocument, *, create: bool, super_table: bool = False) -> Any:
    """The ``[skills]`` table, created when asked (as a super-table when it will
    only hold sub-tables, so no bare ``[skills]`` header is written)."""
    skills = document.get("skills")
    if skills is None and create:
        document.append("skills", tomlkit.table(is_super_table=super_table))
        return document["skills"]
    if skills is not None and not isinstance(skills, Table | InlineTable | OutOfOrderTableProxy):
        raise ConfigError(
            "'skills' must be a table", key="skills", hint="write it as a [skills] section"
        )
    return skills


def _append_table(document: TOMLDocument, parent: Any, name: str, key: str, value: Any) -> None:
    """Add the table ``name`` holding ``key = value`` after the last key of
    ``parent``'s text (``[skills]``, or its last sub-table).

    Chosen so that removing the key (and with it the table, see
    :func:`_remove_key`) restores the text exactly:

    - blank lines that ended ``parent`` (separating it from the next section)
      stay in front of the new table, which gets one blank line after it;
    - comments after a blank line there belong to the next section and stay
      right above it: they end the new table's text, and the blank lines
      before them are copied in front of the new table (comments right under
      the last key, or at the end of the file, stay where they are);
    - with no blank line there, the new table is written right after, as the
      user wrote their sections; at the very end of the file it gets one blank
      line before it (removed again by :func:`_edit_locked`).
    """
    if isinstance(parent, OutOfOrderTableProxy):  # [skills] split around other tables
        parent = parent._tables[-1]  # tomlkit offers no public way to the parts
    owner, trailing = _pop_trailing(parent)
    split = next((i for i, item in enumerate(trailing) if isinstance(item, Whitespace)), None)
    loose = trailing[split:] if split is not None else []
    table = tomlkit.table()
    table.add(key, value)
    if any(isinstance(item, Comment) for item in loose) and not _is_last(document, parent):
        for item in trailing[:split]:  # comments right under the last key stay there
            owner.value.append(None, item)
        gap = list(itertools.takewhile(lambda item: isinstance(item, Whitespace), loose))
        table.trivia.indent = "".join(item.as_string() for item in gap)
        for item in loose:  # still right above the next section
            table.value.append(None, item)
        parent.append(name, table)
        return
    # Only the blank lines at the very end move; every comment stays put.
    blanks = list(
        itertools.takewhile(lambda item: isinstance(item, Whitespace), reversed(trailing))
    )[::-1]
    for item in trailing[: len(trailing) - len(blanks)]:
        owner.value.append(None, item)
    at_end = not blanks and _is_last(document, parent)
    if blanks:
        table.trivia.indent = "".join(item.as_string() for item in blanks)
    parent.append(name, table)
    if blanks:
        parent.value.append(None, tomlkit.ws("\n"))
    elif not at_end:
        table.trivia.indent = ""  # tomlkit would add a blank line we could not undo


def _remove_key(skills: Any, name: str, key: str) -> None:
    """Delete ``[skills.<name>].<key>``. When that was the table's only key and
    comments follow it (those :func:`_append_table` kept above the next
    section), the table goes too and the comments move back to the end of the
    table before it, where they were."""
    parent, table = _part_holding(skills, name, key)
    if not isinstance(table, Table) or parent.get(name) is not table:
        # An inline table, or one part of a table split by dotted keys
        # (``skills.cs.a = 1`` twice at the top level): only the key goes; an
        # emptied dotted part writes nothing.
        del table[key]
        return
    body = table.value.body
    position = next(i for i, (k, _) in enumerate(body) if k is not None and k.key == key)
    before, after = body[:position], body[position + 1 :]
    rest = [item for _, item in after]
    home = _previous_table(parent, table) if isinstance(parent, Table) else None
    if (
        home is None
        or any(k is not None or not isinstance(item, Whitespace | Null) for k, item in before)
        or any(k is not None or not isinstance(item, Whitespace | Comment) for k, item in after)
        or not any(isinstance(item, Comment) for item in rest)
    ):
        del table[key]  # (a table left with blank lines only is dropped by the caller)
        return
    del parent[name]
    # The blank lines in front of the comments were copied in front of the
    # table, and read back they end the table before it: not again.
    while rest and isinstance(rest[0], Whitespace):
        rest.pop(0)
    for item in rest:
        home.value.append(None, item)


def _parts(item: Any) -> list[Any]:
    """The real tables behind ``item``: a table split in parts by other tables
    or by dotted keys (``skills.cs.a = 1`` and ``skills.cs.b = 2`` at the top
    level are two ``skills`` tables) is a proxy in tomlkit, and an edit must
    change the part that holds the key, not the first one."""
    if isinstance(item, OutOfOrderTableProxy):
        return list(item._tables)  # tomlkit offers no public way to the parts
    return [item]


def _part_holding(skills: Any, name: str, key: str) -> tuple[Any, Any]:
    """(the part of ``skills`` holding the table ``name``, the part of that table
    holding ``key``); the caller has checked that ``skills[name]`` holds ``key``."""
    for parent in _parts(skills):
        if not isinstance(parent, Table | InlineTable):
            continue
        for table in _parts(parent.get(name)):
            if isinstance(table, Table | InlineTable) and key in table:
                return parent, table
    raise ConfigError(  # pragma: no cover - unset checks `key in skills[name]` first
        f"'skills.{name}.{key}' is not in the file", key=f"skills.{name}.{key}"
    )


def _previous_table(parent: Table, table: Table) -> Table | None:
    """Where comments that follow ``table``, the last section of ``parent``,
    were before :func:`_append_table` moved them: the end of the section before
    it (its deepest last sub-table), or ``parent``'s own body. ``None`` when
    ``table`` is not last, or when that would be a header-less super-table
    (a comment there would make tomlkit write its header)."""
    body = parent.value.body
    index = next((i for i, (_, item) in enumerate(body) if item is table), None)
    if index is None or any(k is not None for k, _ in body[index + 1 :]):
        return None
    found = body[index - 1][1] if index > 0 else None
    if not isinstance(found, Table):
        return None if parent.is_super_table() else parent
    while found.value.body and isinstance(last := found.value.body[-1][1], Table):
        found = last
    return found


def _add_key(table: Any, key: str, value: Any) -> None:
    """Add a plain key to ``table`` (``[skills]`` or a ``[skills.<name>]``),
    right after its last plain key when it has one (so the blank lines and
    comments above the next section stay with that section). Otherwise
    tomlkit puts it before the sub-tables and adds a blank line in front of
    the first one; that line is taken back (the user's spacing stays as it
    was, and removing the key restores the text)."""
    if isinstance(table, Table):
        keys = [k for k, item in table.value.body if k is not None and not isinstance(item, Table)]
        if keys:
            # tomlkit has no public "insert after"; Container._insert_after is it.
            table.value._insert_after(keys[-1].key, key, tomlkit.item(value))
            return
    parts = table._tables if isinstance(table, OutOfOrderTableProxy) else [table]
    body = [entry for part in parts if isinstance(part, Table) for entry in part.value.body]
    indents = [(item, item.trivia.indent) for _, item in body if isinstance(item, Table)]
    table[key] = value
    for item, indent in indents:
        item.trivia.indent = indent


def _is_last(document: TOMLDocument, table: Table) -> bool:
    """Whether ``table`` is the last section of ``document``."""
    for _, item in reversed(document.body):
        if isinstance(item, Whitespace | Null):
            continue
        return item is table
    return False


def _pop_trailing(table: Table) -> tuple[Table, list[Whitespace | Comment]]:
    """Remove and return the blank lines and comments after the last key of
    ``table``'s text (which may sit in its last sub-table's body), with the
    table they were taken from."""
    body = table.value.body
    if body and isinstance(body[-1][1], Table):
        return _pop_trailing(body[-1][1])
    trailing: list[Whitespace | Comment] = []
    while body and body[-1][0] is None and isinstance(body[-1][1], Whitespace | Comment):
        item = body.pop()[1]
        if isinstance(item, Whitespace | Comment):
            trailing.insert(0, item)
    return table, trailing


def _collapse_header(skills: Any) -> None:
    """A ``[skills]`` left holding only sub-tables loses its bare header (as if
    the file had only ``[skills.<name>]`` sections), so undoing a ``disable``
    that had to write the header removes it again."""
    if isinstance(skills, OutOfOrderTableProxy):
        for part in skills._tables:
            _collapse_header(part)
        return
    if not isinstance(skills, Table):
        return
    body = skills.value.body
    tables = [item for key, item in body if key is not None]
    if not tables or not all(isinstance(item, Table) for item in tables):
        return
    if any(key is None and not isinstance(item, Whitespace | Null) for key, item in body):
        return  # a comment belongs to the header: keep it
    while body and body[0][0] is None:
        body.pop(0)
    skills._is_super_table = True  # tomlkit has no public setter for this


def _drop_if_empty(parent: Any, key: str) -> None:
    """Delete ``parent[key]`` when it is a table holding nothing (no keys, no comments)."""
    parent = holder(parent, key)
    table = parent.get(key)
    if isinstance(table, AoT) or not isinstance(table, Table | InlineTable):
        return
    body = table.value.body if isinstance(table.value, Container) else []
    if all(item_key is None and isinstance(item, Whitespace | Null) for item_key, item in body):
        del parent[key]


def _plain(item: Any) -> Any:
    unwrap = getattr(item, "unwrap", None)
    return unwrap() if callable(unwrap) else item


def _same(left: Any, right: Any) -> bool:
    """Equal and of the same types all the way down (``1`` is not ``true``)."""
    if type(left) is not type(right):
        return False
    if isinstance(left, list):
        return len(left) == len(right) and all(map(_same, left, right))
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(_same(left[k], right[k]) for k in left)
    return bool(left == right)


def _refuse_reserved(name: str, path: Path) -> None:
    refuse_reserved(name, file=path, key=f"skills.{name}")
