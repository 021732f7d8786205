"""The ``fetch`` tool: fetch many URLs or local files at once and store them.

Each URL goes to one fetcher, chosen per URL (:mod:`kurt.tools.routes`):
``--engine`` when given, else the first matching ``[fetch.routes]`` entry, else
the most specific ``url_patterns`` a usable skill declares, else the default:
``file`` for local paths and ``file://`` URLs, else ``[fetch].engine`` from
kurt.toml, else ``trafilatura``. At most ``[fetch].concurrency`` fetches run at once; a URL
that fails becomes an error of the result (``item`` names it) and the others
go on; the run fails only when every URL failed. Every outcome is stored in
the database (``ToolContext.db``): content on success, the error on failure.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from typing import Any

import attrs
from pydantic import BaseModel, ConfigDict, Field, field_validator

from kurt.config.model import configured_name_error
from kurt.core.context import ToolContext
from kurt.core.crash import crash_type, describe, guarded
from kurt.core.engines import BaseFetcher, FetchError, FetchResult
from kurt.core.progress import ProgressCallback, ProgressEvent, report
from kurt.core.result import ErrorInfo, ToolResult
from kurt.core.tool import Tool
from kurt.errors import UnknownNameError
from kurt.registry import register_tool
from kurt.tools.http import fetch_options
from kurt.tools.paths import canonical, check_source, is_local
from kurt.tools.routes import Router

_log = logging.getLogger(__name__)  # crashes with their tracebacks, shown by --debug

DEFAULT_ENGINE = "trafilatura"
LOCAL_ENGINE = "file"


class FetchInput(BaseModel):
    """Input of the fetch tool."""

    model_config = ConfigDict(extra="forbid")

    urls: list[str] = Field(min_length=1, description="URLs, local paths or file:// URLs.")
    engine: str | None = Field(
        default=None, description="Fetcher for every URL (default: chosen per URL)."
    )

    @field_validator("urls", mode="before")
    @classmethod
    def _one_url_is_a_list(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class FetchOutput(BaseModel):
    """One fetched document."""

    url: str
    engine: str
    status_code: int | None = None
    title: str | None = None
    length: int = Field(description="Characters of content.")
    content_type: str | None = None
    author: str | None = None
    date: str | None = None
    language: str | None = None
    content_hash: str | None = None
    content: str = ""
    metadata: dict[str, Any] = Field(default_factory=dict)


@attrs.frozen
class _Engine:
    name: str
    fetcher: BaseFetcher
    context: ToolContext


@register_tool
class FetchTool(Tool[FetchInput, FetchOutput]):
    """Fetch the content of URLs or local files and store it."""

    name = "fetch"
    description = "Fetch the content of URLs or local files and store it in the database."
    InputModel = FetchInput
    OutputModel = FetchOutput

    async def run(
        self,
        params: FetchInput,
        context: ToolContext,
        on_progress: ProgressCallback | None = None,
    ) -> ToolResult:
        options = fetch_options(context)
        for url in params.urls:  # a malformed URL is a usage error (exit 2), before any fetch
            check_source(url, guess=params.engine in (None, LOCAL_ENGINE))
        # A missing local file is still a file (stored under its URI), unless
        # the user named an engine of their own, which may read other words.
        keep = params.engine not in (None, LOCAL_ENGINE)
        urls = list(dict.fromkeys(canonical(url, keep_missing=keep) for url in params.urls))
        # Resolve every engine before fetching anything: an unknown name is a
        # usage error (exit 2, with a did-you-mean), not a per-URL failure.
        router = Router(context, "fetcher")  # SPEC 10: --engine, routes, patterns, default
        plan = {
            url: router.choose(url, params.engine, default_engine(url, options.engine)).engine
            for url in urls
        }
        try:
            engines = {name: await _load(name, context) for name in dict.fromkeys(plan.values())}
        except UnknownNameError as exc:
            if params.engine is not None or exc.name != options.engine:
                raise
            # Named by [fetch].engine, not on the command line: say where.
            raise configured_name_error(exc, context.config, ("fetch", "engine")) from None

        limit = asyncio.Semaphore(options.concurrency)
        outputs: dict[str, FetchOutput] = {}
        errors: dict[str, ErrorInfo] = {}
        done = 0
        report(on_progress, ProgressEvent(tool=self.name, stage="fetch", total=len(urls)))

        async def one(url: str) -> None:
            nonlocal done
            engine = engines[plan[url]]
            async with limit:
                outcome = await _fetch_one(engine, url)
            if isinstance(outcome, ErrorInfo):
                errors[url] = outcome
                if context.db is not None:
                    context.db.save_failure(
                        url,
                        engine=engine.name,
                        error=outcome.message,
                        # The HTTP status of the failed attempt, when there was a response.
                        status_code=(outcome.model_extra or {}).get("status_code"),
                    )
            else:
                if context.db is not None:
                    digest = context.db.save_document(outcome, engine=engine.name)
                else:
                    digest = hashlib.sha256(outcome.content.encode("utf-8")).hexdigest()
                outputs[url] = _output(outcome, engine.name, digest)
            done += 1
            event = ProgressEvent(
                tool=self.name,
                stage="fetch",
                current=done,
                total=len(urls),
                item=url,
                failed=url in errors,
            )
            report(on_progress, event)

        await asyncio.gather(*(one(url) for url in urls))
        return ToolResult.ok(
            [outputs[url] for url in urls if url in outputs],
            errors=[errors[url] for url in urls if url in errors],
            fetched=len(outputs),
            failed=len(errors),
            engines=sorted(engines),
            stored=bool(context.db is not None and context.db.persistent),
        )


def default_engine(url: str, configured: str | None) -> str:
    """The fetcher when neither a route nor a declared pattern decides."""
    if is_local(url):
        return LOCAL_ENGINE
    return configured or DEFAULT_ENGINE


async def _load(name: str, context: ToolContext) -> _Engine:
    entry = context.fetchers.entry(name)
    return _Engine(name=name, fetcher=entry.obj(), context=await context.enter(entry.skill))


async def _fetch_one(engine: _Engine, url: str) -> FetchResult | ErrorInfo:
    try:
        result = await guarded(engine.fetcher.fetch(url, engine.context))
    except FetchError as exc:
        return ErrorInfo(
            message=str(exc),
            item=url,
            type="FetchError",
            status_code=exc.status_code,
            engine=engine.name,
        )
    except Exception as exc:  # a broken engine fails its URL, not the batch (sys.exit too)
        _log.debug("fetcher '%s' crashed on %s", engine.name, url, exc_info=True)
        return ErrorInfo(
            message=describe(exc, call="fetch()"),
            item=url,
            type=crash_type(exc),
            engine=engine.name,
        )
    if not isinstance(result, FetchResult):
        return ErrorInfo(
            message=f"fetcher '{engine.name}' returned {type(result).__name__}, not a FetchResult",
            item=url,
            type="TypeError",
            engine=engine.name,
        )
    # Rows are keyed by the URL asked for; where a redirect led stays in metadata.
    return result if result.url == url else result.model_copy(update={"url": url})


def _output(result: FetchResult, engine: str, digest: str | None) -> FetchOutput:
    return FetchOutput(
        url=result.url,
        engine=engine,
        status_code=result.status_code,
        title=result.title,
        length=len(result.content),
        content_type=result.content_type,
        author=result.author,
        date=result.date,
        language=result.language,
        content_hash=digest,
        content=result.content,
        metadata=result.metadata,
    )
