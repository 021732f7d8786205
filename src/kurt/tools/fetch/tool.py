"""The ``fetch`` tool: fetch many URLs or local files at once and store them.

Each URL goes to one fetcher, chosen per URL (:mod:`kurt.tools.routes`):
``--engine`` when given, else the first matching ``[fetch.routes]`` entry, else
the most specific ``url_patterns`` a usable skill declares, else the default:
``file`` for local paths and ``file://`` URLs, else ``[fetch].engine`` from
kurt.toml, else ``trafilatura``. At most ``[fetch].concurrency`` fetches run at once; a URL
that fails becomes an error of the result (``item`` names it) and the others
go on; the run fails only when every URL failed. Every outcome is stored in
the database (``ToolContext.db``), in batches: content on success, the error
on failure.

With ``pending`` the URLs are also the stored ones not fetched yet (``kurt map``
stored them), claimed from the database a few at a time, so that several
workers sharing one database split them (``kurt.db.claims``); their items
carry no content (it is stored: ``kurt content show URL``), so memory stays
flat however many there are.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from typing import Any

import attrs
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from kurt.config.model import configured_name_error
from kurt.core.context import ToolContext
from kurt.core.crash import crash_type, describe, guarded
from kurt.core.engines import BaseFetcher, FetchError, FetchResult
from kurt.core.progress import ProgressCallback, ProgressEvent, report
from kurt.core.result import ErrorInfo, ToolResult
from kurt.core.tool import Tool
from kurt.errors import KurtError, UnknownNameError
from kurt.registry import register_tool
from kurt.tools.fetch.batch import GivenUrls, PendingUrls, Writer
from kurt.tools.http import fetch_options
from kurt.tools.paths import canonical, check_source, is_local
from kurt.tools.routes import Router

_log = logging.getLogger(__name__)  # crashes with their tracebacks, shown by --debug

DEFAULT_ENGINE = "trafilatura"
LOCAL_ENGINE = "file"


class FetchInput(BaseModel):
    """Input of the fetch tool."""

    model_config = ConfigDict(extra="forbid")

    urls: list[str] = Field(default_factory=list, description="URLs, local paths or file:// URLs.")
    engine: str | None = Field(
        default=None, description="Fetcher for every URL (default: chosen per URL)."
    )
    pending: bool = Field(default=False, description="Also fetch every stored URL not fetched yet.")
    limit: int | None = Field(
        default=None, ge=1, description="With pending: fetch at most this many stored URLs."
    )

    @field_validator("urls", mode="before")
    @classmethod
    def _one_url_is_a_list(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _something_to_fetch(self) -> FetchInput:
        # Raised as the field's own error (its `loc`), so that a workflow whose
        # `urls` come from an earlier step is not refused before that step runs.
        if not self.urls and not self.pending:
            raise _field_error("urls", "give at least one URL, or set 'pending'", self.urls)
        if self.limit is not None and not self.pending:
            raise _field_error(
                "limit", "'limit' counts stored URLs: it needs 'pending'", self.limit
            )
        return self


def _field_error(field: str, message: str, value: Any) -> ValidationError:
    detail = InitErrorDetails(
        type=PydanticCustomError("fetch_input", message), loc=(field,), input=value
    )
    return ValidationError.from_exception_data("FetchInput", [detail])


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
        engines = _Engines(params.engine, options.engine, context, Router(context, "fetcher"))
        # Resolve every engine before fetching anything: an unknown name is a
        # usage error (exit 2, with a did-you-mean), not a per-URL failure.
        for url in urls:
            await engines.for_url(url)
        db = context.db
        stored = bool(db is not None and db.persistent)
        pending: PendingUrls | None = None
        total = len(urls)
        if params.pending:
            if not stored:
                raise KurtError(
                    "--pending fetches the URLs stored in a project's database, "
                    "and there is no project here",
                    hint="run `kurt init` to make one, then `kurt map SOURCE` to store URLs",
                )
            from kurt.db.claims import worker_name

            pending = PendingUrls(
                db,
                worker_name(),
                batch=max(2 * options.concurrency, 8),
                lease=options.lease,
                limit=params.limit,
                skip=urls,
            )
            waiting = db.count("mapped")
            total += waiting if params.limit is None else min(waiting, params.limit)
        sources: list[GivenUrls | PendingUrls] = [GivenUrls(urls)]
        if pending is not None:
            sources.append(pending)
        writer = Writer(db) if db is not None else None

        outputs: dict[str, FetchOutput] = {}
        errors: dict[str, ErrorInfo] = {}
        order: list[str] = []
        report(on_progress, ProgressEvent(tool=self.name, stage="fetch", total=total))

        def next_url() -> str | None:
            for source in sources:
                url = source.next()
                if url is not None:
                    return url
            return None

        async def worker() -> None:
            while (url := next_url()) is not None:
                order.append(url)
                engine = await engines.for_url(url)
                outcome = await _fetch_one(engine, url)
                if isinstance(outcome, ErrorInfo):
                    errors[url] = outcome
                    if writer is not None:
                        # The HTTP status of the failed attempt, when there was a response.
                        code = (outcome.model_extra or {}).get("status_code")
                        writer.failed(url, engine.name, outcome.message, code)
                else:
                    if writer is not None:
                        writer.fetched(outcome, engine.name)
                    digest = hashlib.sha256(outcome.content.encode("utf-8")).hexdigest()
                    keep_content = url in urls_given
                    outputs[url] = _output(outcome, engine.name, digest, keep_content)
                event = ProgressEvent(
                    tool=self.name,
                    stage="fetch",
                    current=len(outputs) + len(errors),
                    total=max(total, len(order)),
                    item=url,
                    failed=url in errors,
                )
                report(on_progress, event)

        urls_given = set(urls)
        try:
            await asyncio.gather(*(worker() for _ in range(options.concurrency)))
        finally:
            if writer is not None:
                writer.flush()
            if pending is not None:
                pending.done()
        return ToolResult.ok(
            [outputs[url] for url in order if url in outputs],
            errors=[errors[url] for url in order if url in errors],
            fetched=len(outputs),
            failed=len(errors),
            engines=engines.names(),
            stored=stored,
        )


@attrs.define
class _Engines:
    """The fetcher of each URL, each loaded once."""

    named: str | None
    configured: str | None
    context: ToolContext
    router: Router  # SPEC 10: --engine, routes, patterns, default
    _loaded: dict[str, _Engine] = attrs.field(factory=dict)
    _lock: asyncio.Lock = attrs.field(factory=asyncio.Lock)  # each engine loaded by one worker

    async def for_url(self, url: str) -> _Engine:
        name = self.router.choose(url, self.named, default_engine(url, self.configured)).engine
        engine = self._loaded.get(name)
        if engine is not None:
            return engine
        async with self._lock:
            if name in self._loaded:
                return self._loaded[name]
            try:
                engine = self._loaded[name] = await _load(name, self.context)
            except UnknownNameError as exc:
                if self.named is not None or exc.name != self.configured:
                    raise
                # Named by [fetch].engine, not on the command line: say where.
                raise configured_name_error(exc, self.context.config, ("fetch", "engine")) from None
        return engine

    def names(self) -> list[str]:
        return sorted(self._loaded)


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


def _output(result: FetchResult, engine: str, digest: str | None, content: bool) -> FetchOutput:
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
        content=result.content if content else "",
        metadata=result.metadata,
    )
