"""Text helpers of the site-digest skill.

A skill's own modules sit beside skill.py and are imported relatively
(``from .digest import summarize``): Kurt imports each skill as its own
package, so two skills may both have a ``digest.py`` without clashing.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit


def summarize(text: str, max_words: int, title: str | None = None) -> tuple[int, str]:
    """The word count of ``text`` and its first ``max_words`` words (with … when cut).

    Markdown heading marks and a leading copy of the title are skipped: the
    digest shows the title on its own, and the excerpt should add to it.
    """
    words = [word for word in text.split() if word.strip("#")]
    title_words = title.split() if title else []
    if title_words and words[: len(title_words)] == title_words:
        words = words[len(title_words) :]
    excerpt = " ".join(words[:max_words])
    if len(words) > max_words:
        excerpt += " …"
    return len(text.split()), excerpt


def page_name(url: str, source: str) -> str:
    """A short name for ``url``: its path below the mapped folder, or the URL's path."""
    parts = urlsplit(url)
    path = PurePosixPath(unquote(parts.path))
    base = PurePosixPath(unquote(urlsplit(source).path))
    if parts.scheme == "file" and path.is_relative_to(base):
        return str(path.relative_to(base))
    return parts.path or url
