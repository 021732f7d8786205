"""Read the YAML front matter of a SKILL.md safely, once, with line numbers.

A SKILL.md is ``---``, a YAML mapping, ``---``, then Markdown. Manifests come
from anywhere (a cloned repository, a downloaded skill), so the reader refuses
hostile shapes cheaply before anything is built from them (SPEC section 4):

- front matter over 64 KiB (measured before the YAML parser sees it);
- anchors and aliases (the "billion laughs" shape);
- nesting deeper than 32 levels;
- mapping keys that are not strings, and duplicate keys;
- any tag that would construct something other than plain data
  (``!!python/...``, ``!!binary``, ``!!set``, custom ``!tags``).

The parse happens once: libyaml's ``CSafeLoader`` (pure-Python ``SafeLoader``
when libyaml is missing) composes the node tree, and one walk over the nodes
checks them, records the line of every top-level key and builds the plain
Python values (with SafeLoader's own scalar rules), so nothing but checked data
is ever constructed. For 1000 typical manifests this costs less than plain
``yaml.load(..., CSafeLoader)``. Every failure, whatever the parser raised
(``RecursionError`` included), becomes a :class:`~kurt.errors.ManifestError`
naming the file and the line.

Two deliberate readings differ from plain ``yaml.safe_load``: timestamps stay
the text the author wrote (``date: 2024-01-01`` is the string
``"2024-01-01"``, not a ``datetime``), and a top-level ``version`` is always a
string (``version: 1.10`` means ``"1.10"``, not the float ``1.1``).
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kurt.errors import ManifestError

#: Largest front matter accepted, in UTF-8 bytes (SPEC section 4).
MAX_FRONT_MATTER_BYTES = 64 * 1024
#: Deepest nesting accepted; the top-level mapping is depth 1.
MAX_DEPTH = 32
#: Manifest file names, the preferred one first.
MANIFEST_NAMES = ("SKILL.md", "skill.md")

# libyaml's loader is about ten times faster; the pure-Python one behaves the same.
_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# The tag PyYAML's resolver gives each plain scalar, by (text, implicit flags).
_RESOLVED: dict[tuple[str, Any], str] = {}
_RESOLVED_MAX = 50_000


class _Loader(_BaseLoader):  # type: ignore[misc]
    """The safe loader, remembering how scalars resolve.

    Even libyaml's composer asks PyYAML's Python resolver for the tag of every
    scalar (about 35 per manifest), and most of them recur across manifests
    (the keys, ``tool``, ``MIT``...). For the safe loader the answer depends
    on the text and the implicit flags alone (it has no path resolvers), so
    the resolver's own answer is kept: a tenth of the YAML time of a cold
    listing of 1000 skills.
    """

    # The composer calls these two around every node to track the path for
    # path resolvers; the safe loader has none (``resolve`` checks), so they
    # do nothing. Builtins that take the same arguments and do nothing spare a
    # Python call per node (two thirds of the calls the composer makes).
    descend_resolver = staticmethod(operator.is_)  # (parent, index) -> ignored bool
    ascend_resolver = staticmethod(tuple)  # () -> ignored ()

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is not ScalarNode or self.yaml_path_resolvers:
            return super().resolve(kind, value, implicit)
        # What the resolver itself answers, without its loop: a quoted scalar,
        # or a plain one whose first character starts no implicit type
        # (names, descriptions, most text), is a string.
        table = self.yaml_implicit_resolvers
        if not implicit[0] or (value and value[0] not in table and None not in table):
            return _STR
        key = (value, implicit)
        tag = _RESOLVED.get(key)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if len(_RESOLVED) < _RESOLVED_MAX:
                _RESOLVED[key] = tag
        return tag


_TAG = "tag:yaml.org,2002:"
_STR, _MAP, _SEQ = _TAG + "str", _TAG + "map", _TAG + "seq"
# The scalar tags that give plain data, and how to build each (SafeConstructor's own rules).
_SCALARS: dict[str, Any] = {
    _TAG + "int": yaml.SafeLoader.construct_yaml_int,
    _TAG + "float": yaml.SafeLoader.construct_yaml_float,
    _TAG + "bool": yaml.SafeLoader.construct_yaml_bool,
    _TAG + "null": yaml.SafeLoader.construct_yaml_null,
}
# Tags the resolver gives to plain-looking scalars, read as the text written:
# dates, a lone "=" (YAML 1.1 "value") and "<<" (merge keys, useless without aliases).
_AS_TEXT_TAGS = frozenset(_TAG + t for t in ("timestamp", "value", "merge"))
# A line holding only "---" (trailing blanks allowed) closes the front matter.
_CLOSING = re.compile(r"^---[ \t]*\r?$", re.MULTILINE)
# Where the opening "---" line is cut short of the contract, say how to fix it.
_OPEN_HINT = "the first line of SKILL.md must be exactly '---' (no blank line or byte-order mark)"


# A frozen dataclass rather than attrs.frozen (the house style for records): the
# cold listing imports this module, pydantic has loaded dataclasses by then, and
# importing attrs would cost about a quarter of importing click.
@dataclass(frozen=True, slots=True)
class FrontMatter:
    """What a SKILL.md holds, as read by :func:`read_front_matter`.

    ``fields`` is the YAML mapping; ``key_lines`` maps each top-level key to
    its 1-based line in SKILL.md; ``item_lines`` does the same one level down
    (``settings.timeout``, ``implements[0]``); ``start_line`` is the line of
    the first YAML line (the one after the opening ``---``); ``end_line`` is
    the line of the closing ``---``; ``body`` is the Markdown after it;
    ``path`` is the file it was read from.
    """

    fields: dict[str, Any]
    key_lines: dict[str, int]
    start_line: int
    body: str
    end_line: int = 0
    path: Path | None = None
    item_lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, key: str) -> int:
        """The line of ``key`` (``name``, ``settings.timeout``, ``implements[1].type``):
        of the nearest enclosing key whose line is known, else of the front
        matter's start."""
        while key:
            found = self.item_lines.get(key, self.key_lines.get(key))
            if found is not None:
                return found
            key = key[: max(key.rfind("."), key.rfind("["), 0)]  # one level up
        return self.start_line


def find_manifest(folder: Path) -> Path | None:
    """The manifest file of a skill folder: ``SKILL.md``, else ``skill.md``, else None.

    The listing is read once so that the preferred name wins even on a
    case-insensitive file system (where both names reach the same file).
    """
    try:
        present = {entry.name for entry in folder.iterdir()}
    except OSError:
        return None
    for name in MANIFEST_NAMES:
        if name in present and (folder / name).is_file():
            return folder / name
    return None


def read_front_matter(data: bytes | str, path: Path) -> FrontMatter:
    """Split ``data`` (the whole SKILL.md) into checked front matter and body.

    Raises :class:`ManifestError` (and nothing else) naming ``path`` and a line.
    """
    text = _decode(data, path)
    if not text.startswith("---"):
        raise _error("SKILL.md must start with YAML front matter ('---')", path, 1, _OPEN_HINT)
    first_end = text.find("\n")
    first_line = text if first_end < 0 else text[:first_end]
    if first_line.rstrip(" \t\r") != "---":
        raise _error("the opening '---' must be alone on its line", path, 1, _OPEN_HINT)
    start = len(text) if first_end < 0 else first_end + 1
    # Search no further than the size limit allows: a huge file costs nothing.
    closing = _CLOSING.search(text, start, start + MAX_FRONT_MATTER_BYTES + 8)
    front = text[start : closing.start()] if closing else text[start:]
    _check_size(
        front, path, limit_hit=closing is None and len(text) - start > MAX_FRONT_MATTER_BYTES
    )
    if closing is None:
        raise _error(
            "front matter is not closed with a '---' line",
            path,
            1,
            "end the YAML block with a line holding only '---'",
        )
    end_line = 2 + front.count("\n")
    body = text[closing.end() :].removeprefix("\n")
    fields, key_lines, item_lines = _parse(front, path)
    return FrontMatter(
        fields=fields,
        key_lines=key_lines,
        start_line=2,
        body=body,
        end_line=end_line,
        path=path,
        item_lines=item_lines,
    )


def _decode(data: bytes | str, path: Path) -> str:
    if isinstance(data, str):
        if data.startswith("\ufeff"):
            raise _error(
                "SKILL.md must start with YAML front matter ('---'), not a byte-order mark",
                path,
                1,
                _OPEN_HINT,
            )
        return data
    if data.startswith(b"\xef\xbb\xbf"):
        return _decode("\ufeff", path)  # the same error as for text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise _error(
            f"SKILL.md is not valid UTF-8 (byte {exc.start})", path, line, "save the file as UTF-8"
        ) from None


def _check_size(front: str, path: Path, *, limit_hit: bool) -> None:
    # Characters never outnumber bytes, so count bytes only when it could matter.
    too_big = limit_hit or (
        len(front) * 4 > MAX_FRONT_MATTER_BYTES
        and len(front.encode("utf-8", "surrogatepass")) > MAX_FRONT_MATTER_BYTES
    )
    if too_big:
        raise _error(
            f"front matter is larger than {MAX_FRONT_MATTER_BYTES // 1024} KiB",
            path,
            1,
            "keep the manifest short; put long documentation in the Markdown body",
        )


def _parse(front: str, path: Path) -> tuple[dict[str, Any], dict[str, int], dict[str, int]]:
    if "&" in front:
        _refuse_anchors(front, path)  # rare: a second, event-only pass
    loader = None
    try:
        loader = _Loader(front)  # the pure-Python reader checks characters here
        root = loader.get_single_node()
        if root is None:
            raise _error("front matter is empty; it must be a YAML mapping", path, 2, _MAP_HINT)
        value, key_lines, item_lines = _build(root, path, loader, front)
    except ManifestError:
        raise
    except yaml.YAMLError as exc:
        raise _error(
            f"invalid YAML in front matter: {_yaml_problem(exc)}", path, _line(exc, front)
        ) from None
    except RecursionError:
        raise _error(f"front matter nests deeper than {MAX_DEPTH} levels", path, 2) from None
    except Exception as exc:  # any other parser or constructor failure, by contract
        raise _error(f"front matter cannot be read: {exc}", path, 2) from None
    finally:
        if loader is not None:
            loader.dispose()
    return value, key_lines, item_lines


def _line(exc: yaml.YAMLError, front: str) -> int:
    """The SKILL.md line a YAML error points at (front matter starts on line 2)."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        if mark is not None:
            return int(mark.line) + 2
    position = getattr(exc, "position", None)  # a ReaderError knows only its offset
    if isinstance(position, int):
        return front.count("\n", 0, position) + 2
    return 2


_MAP_HINT = "write 'key: value' lines, e.g. 'name: my-skill' and 'description: ...'"


def _refuse_anchors(front: str, path: Path) -> None:
    """Fail on the first anchor or alias event (only run when '&' appears at all)."""
    try:
        for event in yaml.parse(front, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                mark = event.start_mark
                raise _anchor_error(path, mark.line + 2 if mark is not None else 2)
    except ManifestError:
        raise
    except Exception:
        return  # malformed YAML is reported by the main parse, with its line


def _anchor_error(path: Path, line: int) -> ManifestError:
    return _error(
        "YAML anchors and aliases ('&name', '*name') are not allowed in SKILL.md",
        path,
        line,
        "write each value out in full",
    )


def _build(
    root: Node, path: Path, loader: Any, front: str
) -> tuple[dict[str, Any], dict[str, int], dict[str, int]]:
    """Walk the node tree once: check shape, depth, reuse, tags and keys, and build the values.

    Building here rather than with PyYAML's constructor saves a second walk, and
    only plain data can come out: every node was checked on the way. A plain
    string within the depth limit (most of a manifest) is taken inline;
    anything else goes through :func:`_value`.
    """
    if not isinstance(root, MappingNode) or root.tag != _MAP:
        line = root.start_mark.line + 2
        raise _error("front matter must be a YAML mapping", path, line, _MAP_HINT)
    result: dict[str, Any] = {}
    key_lines: dict[str, int] = {}
    item_lines: dict[str, int] = {}
    # The composer hands out the anchored node again for every alias, so a node
    # met twice is an alias. An alias is written '*name': with no '*' anywhere
    # in the text there can be none, and the bookkeeping is skipped.
    seen: set[int] | None = {id(root)} if "*" in front else None
    # Collections still to fill: (node, depth, the empty dict or list standing for it).
    stack: list[tuple[Node, int, Any]] = [(root, 1, result)]
    while stack:
        node, depth, target = stack.pop()
        child_depth = depth + 1
        inline = seen is None and child_depth <= MAX_DEPTH
        if isinstance(node, MappingNode):
            lines: dict[str, int] = {}
            for key_node, value_node in node.value:
                key_line = key_node.start_mark.line + 2
                if seen is not None:
                    if id(key_node) in seen:
                        raise _anchor_error(path, key_line)  # an alias used as a key
                    seen.add(id(key_node))
                if type(key_node) is ScalarNode and key_node.tag == _STR:
                    key = key_node.value
                else:
                    key = _key(key_node, path, key_line)
                if key in lines:
                    message = f"duplicate key '{key}' (first at line {lines[key]})"
                    raise _error(message, path, key_line, "keep one of the two")
                lines[key] = key_line
                if node is root:
                    if key == "version" and isinstance(value_node, ScalarNode):
                        value_node.tag = _STR  # "1.10" stays "1.10"
                    elif not isinstance(value_node, ScalarNode):
                        _note_item_lines(key, value_node, item_lines)
                if inline and type(value_node) is ScalarNode and value_node.tag == _STR:
                    target[key] = value_node.value
                else:
                    target[key] = _value(value_node, child_depth, seen, stack, path, loader)
            if node is root:
                key_lines = lines
        else:
            for item in node.value:
                if inline and type(item) is ScalarNode and item.tag == _STR:
                    target.append(item.value)
                else:
                    target.append(_value(item, child_depth, seen, stack, path, loader))
    return result, key_lines, item_lines


def _note_item_lines(key: str, node: Node, into: dict[str, int]) -> None:
    """The lines one level below top-level ``key``: ``settings.timeout``, ``implements[0]``."""
    if isinstance(node, MappingNode):
        for child, _ in node.value:
            if isinstance(child, ScalarNode):
                into[f"{key}.{child.value}"] = child.start_mark.line + 2
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            into[f"{key}[{index}]"] = item.start_mark.line + 2


def _value(
    node: Node, depth: int, seen: set[int] | None, stack: list[Any], path: Path, loader: Any
) -> Any:
    """A scalar's value, or an empty container queued on ``stack`` to be filled."""
    line = node.start_mark.line + 2
    if seen is not None:
        if id(node) in seen:
            raise _anchor_error(path, line)  # the composer hands out one node for every alias
        seen.add(id(node))
    if depth > MAX_DEPTH:
        raise _error(f"front matter nests deeper than {MAX_DEPTH} levels", path, line)
    tag = node.tag
    if isinstance(node, ScalarNode):
        if tag == _STR or tag in _AS_TEXT_TAGS:
            return node.value
        construct = _SCALARS.get(tag)
        if construct is None:
            raise _tag_error(tag, path, line)
        try:
            return construct(loader, node)
        except (ValueError, KeyError, OverflowError):
            shown = node.value if len(node.value) <= 40 else node.value[:37] + "..."
            raise _error(f"'{shown}' is not a valid {tag.removeprefix(_TAG)}", path, line) from None
    if isinstance(node, MappingNode) and tag == _MAP:
        container: Any = {}
    elif isinstance(node, SequenceNode) and tag == _SEQ:
        container = []
    else:
        raise _tag_error(tag, path, line)
    stack.append((node, depth, container))
    return container


def _key(key_node: Node, path: Path, line: int) -> str:
    tag = key_node.tag
    if isinstance(key_node, ScalarNode) and (tag == _STR or tag in _AS_TEXT_TAGS):
        return str(key_node.value)
    if tag not in _SCALARS and tag not in (_MAP, _SEQ):
        raise _tag_error(tag, path, line)
    shown = repr(key_node.value) if isinstance(key_node, ScalarNode) else "a list or mapping"
    raise _error(f"mapping keys must be strings, found {shown}", path, line, "quote the key")


def _tag_error(tag: str, path: Path, line: int) -> ManifestError:
    shown = "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag
    return _error(
        f"YAML tag '{shown}' is not allowed in SKILL.md (only plain strings, numbers, "
        "booleans, lists and mappings)",
        path,
        line,
        "remove the tag",
    )


def _yaml_problem(exc: yaml.YAMLError) -> str:
    if not isinstance(exc, yaml.MarkedYAMLError):
        return str(exc).split("\n")[0]
    context = exc.context
    started, found = exc.context_mark, exc.problem_mark
    if context and started is not None and found is not None and started.line != found.line:
        # "while parsing a flow sequence" began elsewhere: say where (SKILL.md lines).
        context = f"{context} (begun on line {started.line + 2})"
    parts = [p for p in (context, exc.problem) if p]
    return ", ".join(parts) if parts else "malformed YAML"


def _error(message: str, path: Path, line: int, hint: str | None = None) -> ManifestError:
    return ManifestError(message, file=path, line=line, hint=hint)
