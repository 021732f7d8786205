"""The one table of what Kurt registers: tools, fetchers and mappers.

Every place that needs to know the kinds (the registries, manifest rules, the
static reading of ``skill.py``, listings) reads them here, so adding a kind or
one of Kurt's own names is one edit. Standard library only, and nothing of Kurt:
the fast listing path and the contract floor (:mod:`kurt.core`) both import it.
"""

from __future__ import annotations

from typing import NamedTuple


class Kind(NamedTuple):
    """What a kind of registered class must be."""

    name: str  # "tool", "fetcher" or "mapper"
    base: str  # the class it derives from, as exported by ``kurt``
    method: str  # the ``async def`` Kurt awaits
    models: tuple[str, ...] = ()  # pydantic model class attributes it must set


KIND_TABLE: dict[str, Kind] = {
    "tool": Kind("tool", "Tool", "run", ("InputModel", "OutputModel")),
    "fetcher": Kind("fetcher", "BaseFetcher", "fetch"),
    "mapper": Kind("mapper", "BaseMapper", "map"),
}

#: The kinds in the order listings show them.
KINDS: tuple[str, ...] = tuple(KIND_TABLE)

#: Kurt's own names, by kind, and the module that registers each (with the
#: decorators a skill uses). Known without importing them, so the registries
#: list them in a plain script and manifests claiming one are refused; a test
#: checks this table against what the modules register.
OWN_NAMES: dict[str, dict[str, str]] = {
    "tool": {
        "fetch": "kurt.tools.fetch.tool",
        "map": "kurt.tools.map.tool",
    },
    "fetcher": {
        "httpx": "kurt.tools.fetch.engines.httpx",
        "trafilatura": "kurt.tools.fetch.engines.trafilatura",
        "file": "kurt.tools.fetch.engines.file",
    },
    "mapper": {
        "sitemap": "kurt.tools.map.engines.sitemap",
        "rss": "kurt.tools.map.engines.rss",
        "crawl": "kurt.tools.map.engines.crawl",
        "folder": "kurt.tools.map.engines.folder",
    },
}


#: The names of Kurt's own commands (``kurt init``, ``kurt fetch``, ...), and
#: those SPEC gives commands still to come: a skill's ``commands:`` may take
#: none of them. ``kurt.cli.app.COMMANDS`` holds the commands themselves; a
#: test checks every one of them is here.
OWN_COMMANDS: frozenset[str] = frozenset(
    {
        "init",
        "trust",
        "fetch",
        "map",
        "content",
        "tool",
        "skill",
        "config",
        "completion",
        "workflow",
        "mcp",
    }
)


#: The URL patterns of Kurt's own fetchers and mappers (SPEC section 10), by
#: kind: the same ``url_patterns`` a skill declares in SKILL.md, with priority 0
#: and below every skill in a tie (:mod:`kurt.routing`). A feed or sitemap URL
#: goes to ``rss`` or ``sitemap`` by its shape; anything else to the tool's default.
OWN_ROUTES: dict[str, dict[str, tuple[str, ...]]] = {
    "fetcher": {},
    "mapper": {
        "sitemap": (
            "*/sitemap*",
            "*/sitemap*.xml",
            "*/sitemap*.xml.gz",
            "*.xml",
            "*.xml.gz",
            "*/robots.txt",
        ),
        "rss": (
            "*/feed",
            "*/feed/",
            "*/feed*",
            "*/feed*.xml",
            "*/rss",
            "*/rss/",
            "*/rss*",
            "*/rss*.xml",
            "*/atom*",
            "*/atom*.xml",
            "*.rss",
            "*.atom",
        ),
    },
}


def is_kurts_own(module: str) -> bool:
    """Whether ``module`` is part of Kurt itself (``kurt`` or ``kurt.*``)."""
    return module == "kurt" or module.startswith("kurt.")


#: What ``kurt tool list`` says of each of Kurt's own names, known without
#: importing its module (the fetchers alone pull in httpx and trafilatura). A
#: test checks each equals its class's ``description``.
OWN_DESCRIPTIONS: dict[str, dict[str, str]] = {
    "tool": {
        "fetch": "Fetch the content of URLs or local files and store it in the database.",
        "map": "List the URLs a site, sitemap, feed or folder leads to, and store them.",
    },
    "fetcher": {
        "httpx": "Download a page over HTTP(S) and keep its main text and title.",
        "trafilatura": (
            "Download a page and extract its main text with title, author, date and language."
        ),
        "file": "Read a local HTML, Markdown or text file (a path or a file:// URL).",
    },
    "mapper": {
        "sitemap": "List the URLs of a site's sitemaps (index files followed, gzip read).",
        "rss": "List the entry links of an RSS or Atom feed.",
        "crawl": "Crawl one site breadth-first (same host, depth and URL limits, robots.txt).",
        "folder": "List the files under a local folder (recursive, include/exclude globs).",
    },
}
