"""Text Kurt did not write is shown, never obeyed by the terminal.

A manifest's description, a setting's default, a fetched page's title, a
skill's exception message: any of them may hold an escape sequence (OSC 52
sets the clipboard, OSC 0 the window title, CSI clears the screen), a
carriage return that hides what came before, or a bidirectional override
that shows text in another order than it is. :func:`escape` replaces each
such character by a visible escape; every command prints through
:class:`kurt.cli.streams.SafeStream`, which applies it (after masking
secrets) to whatever is written to ``sys.stdout`` and ``sys.stderr``, so no
command can forget to do it. :func:`escape_line` is for text laid out on one
line (a table cell).

- C0 controls but line feed and tab: ``\\x1b``. They never occur raw in
  JSON (``json.dumps`` escapes them itself).
- DEL, C1 controls, bidirectional overrides and isolates, lone surrogates:
  ``\\u009b``. That spelling is also a JSON escape of the same character,
  so a ``--json`` document passing through stays valid and means the same.

Rich draws its own styles and cursor moves with escape sequences, so it
writes beneath the escaping (:func:`kurt.cli.streams.unescaped`) and is given
escaped ``rich.text.Text`` only. Standard library only.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_UNSAFE_IN_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _spelled(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x20 else f"\\u{code:04x}"


def escape(text: str) -> str:
    """``text`` with every character a terminal would obey spelled out
    (``\\x1b``, ``\\u202e``); line feeds and tabs are kept."""
    if _UNSAFE.search(text) is None:  # nearly always: no copy made
        return text
    return _UNSAFE.sub(_spelled, text)


def escape_line(text: str) -> str:
    """:func:`escape` for text shown on one line (a table cell, a field):
    line feeds and tabs become spaces too."""
    if _UNSAFE_IN_LINE.search(text) is None:
        return text
    return escape(text.replace("\n", " ").replace("\t", " "))
