"""Talking to a real ``kurt mcp serve`` process with the SDK's own client.

A test module scripts one conversation (an async function given a
``ClientSession``), runs it once against one server, and its tests assert on
what was recorded: one server process per module keeps the suite fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
from mcp.client.stdio import stdio_client

from mcp import ClientSession, StdioServerParameters

Script = Callable[[ClientSession], Awaitable[dict[str, Any]]]


class Conversation:
    """What a scripted conversation recorded: its own results, the server's
    notifications in order, and everything the server wrote on stderr."""

    def __init__(self, results: dict[str, Any], notifications: list[Any], stderr: str) -> None:
        self.results = results
        self.notifications = notifications
        self.stderr = stderr

    def __getitem__(self, key: str) -> Any:
        return self.results[key]


def converse(project: Path, home: Path, script: Script, log: Path) -> Conversation:
    """Start ``kurt --project PROJECT mcp serve`` (KURT_HOME=home), run
    ``script`` against it, and return what was recorded."""
    notifications: list[Any] = []

    async def on_message(message: Any) -> None:
        notifications.append(message)

    env = {"KURT_HOME": str(home), "PATH": os.environ.get("PATH", ""), "HOME": str(home)}
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "kurt", "--project", str(project), "mcp", "serve"],
        env=env,
        cwd=str(project),
    )

    async def run() -> dict[str, Any]:
        with anyio.fail_after(120), log.open("w", encoding="utf-8") as errlog:
            async with (
                stdio_client(params, errlog=errlog) as (read, write),
                ClientSession(read, write, message_handler=on_message) as session,
            ):
                results: dict[str, Any] = {"initialize": await session.initialize()}
                results.update(await script(session))
                return results

    results = anyio.run(run)
    return Conversation(results, notifications, log.read_text(encoding="utf-8"))


def text_of(result: Any) -> str:
    """The text blocks of a CallToolResult, joined."""
    return "\n".join(block.text for block in result.content if block.type == "text")


def names(listing: Any) -> list[str]:
    """The tool names of a ListToolsResult, in the order given."""
    return [tool.name for tool in listing.tools]
