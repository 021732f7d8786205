"""The ``map`` tool: list the URLs a site, sitemap, feed or folder leads to.

The mapper is chosen as for ``fetch`` (:mod:`kurt.tools.routes`): ``--engine``
when given, else the first matching ``[map.routes]`` entry, else the most
specific ``url_patterns`` declared (Kurt's own: ``rss`` for feed-looking URLs
such as ``*/feed*``, ``*.atom``, ``sitemap`` for ``*/sitemap*.xml``,
``*/robots.txt``, ...; see :data:`kurt.kinds.OWN_ROUTES`), else the default:
``folder`` for a local folder, ``sitemap`` or ``rss`` for a local sitemap or
feed file (told by its root element: ``<urlset>``/``<sitemapindex>``, or
``<rss>``/``<rdf:RDF>``/``<feed>``), else ``[map].engine`` from kurt.toml, else
``crawl`` for a URL (another local file: ``rss`` when its name says feed, else
``sitemap``). The ``depth``, ``max_urls``, ``include`` and ``exclude`` inputs
override ``[map]`` for this run. Mapped URLs are stored in the database (status
``mapped``, with the source and the mapper); with ``fetch`` each is then fetched
by the ``fetch`` tool in the same run, and its item says ``fetched`` or ``failed``.
"""

from __future__ import annotations

import re
from typing import Any

import attrs
from pydantic import BaseModel, ConfigDict, Field, field_validator

from kurt.config.model import KurtConfig, configured_name_error
from kurt.core.context import ToolContext
from kurt.core.crash import guarded
from kurt.core.engines import FetchError, MapResult
from kurt.core.progress import ProgressCallback, ProgressEvent, report
from kurt.core.result import ErrorInfo, ToolResult
from kurt.core.tool import Tool
from kurt.errors import UnknownNameError
from kurt.registry import register_tool
from kurt.tools.map.engines.rss import looks_like_feed
from kurt.tools.map.local import sniff
from kurt.tools.map.options import map_options
from kurt.tools.paths import canonical, check_source, is_local, leads_to, to_path
from kurt.tools.routes import Router


class MapInput(BaseModel):
    """Input of the map tool."""

    model_config = ConfigDict(extra="forbid")

    source: str = Field(description="A site or page URL, a sitemap, a feed, or a local folder.")
    engine: str | None = Field(default=None, description="Mapper (default: chosen by shape).")
    depth: int | None = Field(default=None, ge=0, description="Crawl depth ([map].max_depth).")
    max_urls: int | None = Field(default=None, ge=1, description="Most URLs ([map].max_urls).")
    include: list[str] | None = Field(default=None, description="Globs a URL must match.")
    exclude: list[str] | None = Field(default=None, description="Globs that drop a URL.")
    fetch: bool = Field(default=False, description="Fetch every URL found, in the same run.")

    @field_validator("include", "exclude", mode="before")
    @classmethod
    def _one_pattern_is_a_list(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class MapOutput(BaseModel):
    """One URL the source leads to."""

    url: str
    source: str
    engine: str
    status: str = Field(default="mapped", description="mapped; with fetch, fetched or failed.")


@register_tool
class MapTool(Tool[MapInput, MapOutput]):
    """List the URLs a site, sitemap, feed or folder leads to, and store them."""

    name = "map"
    description = "List the URLs a site, sitemap, feed or folder leads to, and store them."
    InputModel = MapInput
    OutputModel = MapOutput

    async def run(
        self,
        params: MapInput,
        context: ToolContext,
        on_progress: ProgressCallback | None = None,
    ) -> ToolResult:
        check_source(params.source, guess=params.engine is None)  # a usage error, exit 2
        source = canonical(params.source)
        configured = map_options(context).engine
        default = default_engine(source, configured)
        choice = Router(context, "mapper").choose(source, params.engine, default)
        name = choice.engine
        # Chosen by the source's shape (a pattern or the default), not named by the user.
        guessed = choice.by in ("pattern", "default") and name != configured
        try:
            entry = context.mappers.entry(name)  # unknown: a usage error with a did-you-mean
        except UnknownNameError as exc:
            if params.engine is not None or name != configured:
                raise
            # Named by [map].engine, not on the command line: say where.
            raise configured_name_error(exc, context.config, ("map", "engine")) from None
        run_context = attrs.evolve(
            await context.enter(entry.skill),
            config=_with_overrides(context.config, params),
            progress=on_progress,
        )
        report(on_progress, ProgressEvent(tool=self.name, stage="map", total=1, item=source))
        try:
            mapped = await guarded(entry.obj().map(source, run_context))
        except FetchError as exc:
            error = ErrorInfo(message=str(exc), item=source, type="FetchError", engine=name)
            if guessed and _content_problem(source, exc):
                error = _guessed(error, name)
            return ToolResult.ok(errors=[error], engine=name, stored=False)
        if not isinstance(mapped, MapResult):
            raise TypeError(f"mapper '{name}' returned {type(mapped).__name__}, not a MapResult")
        report(on_progress, ProgressEvent(tool=self.name, stage="map", current=1, total=1))
        # A source on the web leads only to the web (SPEC section 10), whatever the mapper.
        urls: list[str] = []
        dropped: list[str] = []
        for url in dict.fromkeys(mapped.urls):
            (urls if leads_to(source, url) else dropped).append(url)
        if context.db is not None:
            context.db.save_mapped(source, urls, engine=name)
        errors = [
            ErrorInfo(message=message, item=source, type="MapError", engine=name)
            for message in mapped.errors
        ]
        if dropped:
            errors.append(_dropped(source, dropped, name))
        if guessed and errors and not urls and not _HTTP_FAILURE.search(errors[-1].message):
            errors[-1] = _guessed(errors[-1], name)
        items = [MapOutput(url=url, source=source, engine=name) for url in urls]
        fetched: dict[str, Any] = {}
        if params.fetch and urls:
            result = await context.run_tool("fetch", {"urls": urls}, on_progress)
            done = {item["url"] for item in result.data}
            failed = {error.item for error in result.errors}
            for item in items:
                item.status = "fetched" if item.url in done else "failed"
            errors.extend(result.errors)
            fetched = {"fetched": len(done), "failed": len(failed)}
        outcome = ToolResult.ok(
            items,
            errors=errors,
            engine=name,
            count=len(urls),
            stored=bool(context.db is not None and context.db.persistent),
            **fetched,
            **({"mapper": mapped.metadata} if mapped.metadata else {}),
        )
        if fetched and not fetched["fetched"]:  # every fetch failed: so did the run
            outcome.success = False
        return outcome


def default_engine(source: str, configured: str | None) -> str:
    """The mapper when neither a route nor a declared pattern decides (see the
    module docstring)."""
    local = to_path(source) if is_local(source) else None
    if local is not None and local.is_dir():
        return "folder"
    if local is not None and local.is_file() and (kind := sniff(source)):
        return kind  # a sitemap or feed file, told by its root element
    if configured:
        return configured
    if local is not None:
        if not local.is_file():
            return "folder"  # it says: no such file or folder
        # Neither root was recognised: go by the name, and the mapper says what is wrong.
        return "rss" if looks_like_feed(local.name) else "sitemap"
    return "crawl"


def _dropped(source: str, dropped: list[str], engine: str) -> ErrorInfo:
    """One warning for the URLs a source may not lead to (never stored or fetched)."""
    shown = ", ".join(dropped[:3]) + (f" and {len(dropped) - 3} more" if len(dropped) > 3 else "")
    message = (
        f"dropped {len(dropped)} URL(s): {shown} (a source on the web leads only to "
        "valid http(s) URLs, and only a local source to local files)"
    )
    return ErrorInfo(message=message, item=source, type="MapError", engine=engine)


# A server's refusal (a 404) is not about which engine reads the source.
_HTTP_FAILURE = re.compile(r"\bHTTP [45]\d\d\b")


def _content_problem(source: str, exc: FetchError) -> bool:
    """Whether ``exc`` is about what the source holds (another engine may read
    it), not about the source being missing or refused by its server."""
    if exc.status_code is not None and exc.status_code >= 400:
        return False
    return not (is_local(source) and not to_path(source).exists())


def _guessed(error: ErrorInfo, engine: str) -> ErrorInfo:
    """``error`` with a hint that ``engine`` was guessed from the source."""
    hint = (
        f"the {engine} engine was guessed from the source's name; "
        "name another with --engine (see: kurt tool list)"
    )
    return error.model_copy(update={"hint": hint})


def _with_overrides(config: Any, params: MapInput) -> KurtConfig:
    """``config`` with this run's ``[map]`` overrides (each already validated)."""
    base = config if isinstance(config, KurtConfig) else KurtConfig.model_construct()
    updates = {
        "max_depth": params.depth,
        "max_urls": params.max_urls,
        "include": params.include,
        "exclude": params.exclude,
    }
    section = base.map.model_copy(update={k: v for k, v in updates.items() if v is not None})
    return base.model_copy(update={"map": section})
