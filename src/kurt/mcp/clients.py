"""``kurt mcp config``: the entry that makes an agent client start
``kurt --project DIR mcp serve``, and its merge into the client's own file.

Each client keeps its MCP servers in a user file of its own shape:

- Claude Code: ``~/.claude.json``, ``{"mcpServers": {NAME: {"type": "stdio", ...}}}``
- Codex: ``~/.codex/config.toml``, ``[mcp_servers.NAME]``
- Cursor: ``~/.cursor/mcp.json``, ``{"mcpServers": {NAME: {...}}}``
- VS Code: the user profile's ``mcp.json``, ``{"servers": {NAME: {"type": "stdio", ...}}}``

A merge changes that one entry and keeps everything else in the file as it
was (tomlkit keeps a TOML file's comments and order); it is written
atomically, and a file Kurt cannot read is left untouched.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, NamedTuple

from kurt.errors import ConfigError

CLIENTS = ("claude", "codex", "cursor", "vscode")


class Client(NamedTuple):
    name: str
    file: Path
    key: str  # the table of servers in that file
    entry_type: str | None  # the entry's "type", for clients that want one


def client(name: str, home: Path) -> Client:
    """Where client ``name`` keeps its servers, for a user whose home is ``home``."""
    if name == "claude":
        return Client(name, home / ".claude.json", "mcpServers", "stdio")
    if name == "codex":
        return Client(name, home / ".codex" / "config.toml", "mcp_servers", None)
    if name == "cursor":
        return Client(name, home / ".cursor" / "mcp.json", "mcpServers", None)
    return Client(name, _vscode_user_dir(home) / "mcp.json", "servers", "stdio")


def _vscode_user_dir(home: Path) -> Path:
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "Code" / "User"
    if sys.platform == "win32":
        appdata = os.environ.get("APPDATA")
        return (Path(appdata) if appdata else home / "AppData" / "Roaming") / "Code" / "User"
    config = os.environ.get("XDG_CONFIG_HOME")
    return (Path(config) if config else home / ".config") / "Code" / "User"


def server_command(project: Path) -> tuple[str, list[str]]:
    """The command line that serves ``project``: this installation's ``kurt``
    by its absolute path (a client does not start from the user's shell, so
    a virtual environment's ``bin`` need not be on its PATH)."""
    script = Path(sys.executable).parent / ("kurt.exe" if sys.platform == "win32" else "kurt")
    serve = ["--project", str(project), "mcp", "serve"]
    if script.is_file():
        return str(script), serve
    return sys.executable, ["-m", "kurt", *serve]


def entry(target: Client, project: Path) -> dict[str, Any]:
    command, args = server_command(project)
    found: dict[str, Any] = {"type": target.entry_type} if target.entry_type else {}
    return {**found, "command": command, "args": args}


def snippet(target: Client, name: str, project: Path) -> str:
    """The text to put in ``target``'s file by hand."""
    server = entry(target, project)
    if target.name == "codex":
        import tomlkit

        document = tomlkit.document()
        servers = tomlkit.table(is_super_table=True)
        servers[name] = server
        document[target.key] = servers
        return tomlkit.dumps(document)
    return json.dumps({target.key: {name: server}}, indent=2) + "\n"


def merge(target: Client, name: str, project: Path) -> str:
    """Put the entry ``name`` into ``target``'s file, keeping all else; return
    ``"added"``, ``"updated"`` or ``"unchanged"``."""
    server = entry(target, project)
    text = _read(target.file)
    if target.name == "codex":
        new_text, outcome = _merge_toml(target, text, name, server)
    else:
        new_text, outcome = _merge_json(target, text, name, server)
    if outcome != "unchanged":
        from kurt.atomic import atomic_write

        atomic_write(target.file, new_text.encode("utf-8"))
    return outcome


def _read(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {file}: {exc}", file=file) from None


def _merge_json(target: Client, text: str, name: str, server: dict[str, Any]) -> tuple[str, str]:
    try:
        document = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"not valid JSON ({exc.msg}); the file was left as it is",
            file=target.file,
            line=exc.lineno,
            hint=f"fix it, or add the entry by hand: kurt mcp config --client {target.name}",
        ) from None
    servers = document.get(target.key) if isinstance(document, dict) else None
    if not isinstance(document, dict) or not isinstance(servers, dict | None):
        where = f"'{target.key}'" if isinstance(document, dict) else "the file"
        raise ConfigError(
            f"{where} is not a JSON object; the file was left as it is",
            file=target.file,
            hint=f"add the entry by hand: kurt mcp config --client {target.name}",
        )
    servers = dict(servers or {})
    current = servers.get(name)
    # Keys the user added to the entry (an "env", say) stay.
    merged = {**current, **server} if isinstance(current, dict) else server
    outcome = _outcome(current, merged)
    servers[name] = merged
    document[target.key] = servers
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n", outcome


def _merge_toml(target: Client, text: str, name: str, server: dict[str, Any]) -> tuple[str, str]:
    import tomlkit
    import tomlkit.items
    from tomlkit.exceptions import ParseError

    try:
        document = tomlkit.parse(text)
    except ParseError as exc:
        raise ConfigError(
            f"not valid TOML ({exc}); the file was left as it is",
            file=target.file,
            line=exc.line,
            hint=f"fix it, or add the entry by hand: kurt mcp config --client {target.name}",
        ) from None
    servers = document.get(target.key)
    if servers is None:
        servers = tomlkit.table(is_super_table=True)
        document[target.key] = servers
    elif not isinstance(servers, dict):
        raise ConfigError(
            f"'{target.key}' is not a table; the file was left as it is",
            file=target.file,
            hint=f"add the entry by hand: kurt mcp config --client {target.name}",
        )
    current = servers.get(name)
    if not isinstance(current, dict):
        current = None
    before = current.unwrap() if isinstance(current, tomlkit.items.Table) else current
    outcome = _outcome(before, {**(before or {}), **server})
    if outcome == "unchanged":
        return text, outcome
    table = current if current is not None else tomlkit.table()
    for key, value in server.items():  # keys the user added to the entry stay
        table[key] = value
    servers[name] = table
    return tomlkit.dumps(document), outcome


def _outcome(current: Any, wanted: dict[str, Any]) -> str:
    if current is None:
        return "added"
    return "unchanged" if current == wanted else "updated"
