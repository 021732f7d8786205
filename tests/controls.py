"""Text a terminal would obey, for the tests that prove Kurt only shows it.

Import it as ``controls`` (``tests/`` is on ``sys.path``, as for ``samples``).
"""

from __future__ import annotations

import unicodedata

OSC_52 = "\x1b]52;c;ZWNobyBwd25lZA==\x07"  # sets the clipboard
OSC_0 = "\x1b]0;pwned\x07"  # sets the window title
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def obeyed(text: str) -> list[str]:
    """The characters of ``text`` a terminal would act on (all but line feed and tab)."""
    return [
        c
        for c in text
        if (unicodedata.category(c) == "Cc" and c not in "\n\t")
        or c in BIDI
        or unicodedata.category(c) == "Cs"
    ]
