"""``kurt mcp serve``: one project served over stdio with the official MCP SDK.

The handlers translate between the protocol's types and :class:`McpSession`,
which does the work in Kurt's terms. A failed run is a result with
``isError: true`` (its errors as text and as structured content), never a
protocol error: the agent reads why and can try again.
"""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import anyio
import mcp_types as types
from mcp.server.lowlevel import NotificationOptions, Server
from mcp.server.stdio import stdio_server

from kurt._version import __version__
from kurt.mcp.session import McpSession
from kurt.mcp.wire import claimed_stdio

if TYPE_CHECKING:
    from mcp.server.context import ServerRequestContext

    from kurt.config.locations import Locations
    from kurt.core.progress import ProgressEvent
    from kurt.core.result import ToolResult


def build_server(session: McpSession) -> Server[McpSession]:
    """The protocol's side of ``session``: tools, calls and skill documents."""

    @asynccontextmanager
    async def lifespan(_: Server[McpSession]) -> AsyncIterator[McpSession]:
        async with session.scope() as scoped:
            yield scoped

    async def list_tools(
        ctx: ServerRequestContext[McpSession], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        tools, changed = session.tools()
        if changed:
            await ctx.session.send_tool_list_changed()
        return types.ListToolsResult(
            tools=[
                types.Tool(
                    name=tool.name, description=tool.description, input_schema=tool.input_schema
                )
                for tool in tools
            ]
        )

    async def call_tool(
        ctx: ServerRequestContext[McpSession], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        sent: list[asyncio.Task[None]] = []

        def on_progress(event: ProgressEvent) -> None:
            # The tool reports synchronously; the notification goes out as a
            # task, and every one is sent before the result.
            message = event.message or (event.item or event.stage)
            report = ctx.session.report_progress(float(event.current), event.total, message)
            sent.append(asyncio.ensure_future(report))

        result, changed = await session.call(params.name, params.arguments, on_progress)
        if changed:
            await ctx.session.send_tool_list_changed()
        if sent:
            await asyncio.gather(*sent, return_exceptions=True)
        return call_result(result)

    async def list_resources(
        ctx: ServerRequestContext[McpSession], params: types.PaginatedRequestParams | None
    ) -> types.ListResourcesResult:
        return types.ListResourcesResult(
            resources=[
                types.Resource(
                    name=document.name,
                    uri=document.uri,
                    description=document.description,
                    mime_type="text/markdown",
                )
                for document in session.documents()
            ]
        )

    async def read_resource(
        ctx: ServerRequestContext[McpSession], params: types.ReadResourceRequestParams
    ) -> types.ReadResourceResult:
        uri = str(params.uri)
        text = session.document(uri)
        return types.ReadResourceResult(
            contents=[types.TextResourceContents(uri=uri, mime_type="text/markdown", text=text)]
        )

    return Server(
        "kurt",
        version=__version__,
        instructions=session.instructions(),
        lifespan=lifespan,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
        on_list_resources=list_resources,
        on_read_resource=read_resource,
    )


def call_result(result: ToolResult) -> types.CallToolResult:
    """``result`` for the client: its JSON as text (what agents read) and as
    structured content; ``isError`` when it failed, with each error's message
    first so an agent sees why without parsing anything."""
    body = result.model_dump(mode="json")
    content: list[types.TextContent] = []
    if not result.success:
        lines = []
        for error in result.errors:
            hint = (error.model_extra or {}).get("hint")
            lines.append(f"error: {error.message}" + (f"\n  hint: {hint}" if hint else ""))
        content.append(types.TextContent(type="text", text="\n".join(lines) or "error: failed"))
    content.append(types.TextContent(type="text", text=json.dumps(body, ensure_ascii=False)))
    return types.CallToolResult(
        content=list[Any](content), structured_content=body, is_error=not result.success
    )


async def _serve(session: McpSession) -> None:
    server = build_server(session)
    with claimed_stdio() as (reader, writer):
        stdin = anyio.wrap_file(io.TextIOWrapper(reader, encoding="utf-8", errors="replace"))
        stdout = anyio.wrap_file(io.TextIOWrapper(writer, encoding="utf-8"))
        async with stdio_server(stdin=stdin, stdout=stdout) as (read_stream, write_stream):
            options = server.create_initialization_options(NotificationOptions(tools_changed=True))
            await server.run(read_stream, write_stream, options)


def serve(locations: Locations) -> None:
    """Serve ``locations``' project on stdin and stdout until the client leaves."""
    anyio.run(_serve, McpSession(locations))
