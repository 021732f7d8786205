"""``kurt mcp config``: the entry that starts ``kurt --project DIR mcp serve``,
printed or merged into each client's real file (HOME is a temporary folder)."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kurt.mcp.clients import server_command

Invoke = Callable[..., Any]

FILES = {
    "claude": ".claude.json",
    "codex": ".codex/config.toml",
    "cursor": ".cursor/mcp.json",
    "vscode": ".config/Code/User/mcp.json",
}
KEYS = {"claude": "mcpServers", "codex": "mcp_servers", "cursor": "mcpServers", "vscode": "servers"}


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "user"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    return home


def parse(client: str, text: str) -> dict[str, Any]:
    loaded: dict[str, Any] = tomllib.loads(text) if client == "codex" else json.loads(text)
    return loaded


def expected_entry(client: str, project: Path) -> dict[str, Any]:
    command, args = server_command(project)
    kind = {"type": "stdio"} if client in ("claude", "vscode") else {}
    return {**kind, "command": command, "args": args}


@pytest.mark.parametrize("client", list(FILES))
def test_the_snippet_starts_the_server_for_this_project(
    client: str, invoke: Invoke, project: Path, home: Path
) -> None:
    outcome = invoke("--project", str(project), "mcp", "config", "--client", client)
    assert outcome.exit_code == 0
    entry = expected_entry(client, project)
    assert parse(client, outcome.stdout) == {KEYS[client]: {"kurt": entry}}
    assert expected_entry(client, project)["args"] == ["--project", str(project), "mcp", "serve"]
    assert outcome.stderr == f"Add this to {home / FILES[client]}, or run again with --write.\n"
    assert not (home / FILES[client]).exists()


@pytest.mark.parametrize("client", ["claude", "cursor", "vscode"])
def test_write_merges_into_a_json_file_keeping_everything_else(
    client: str, invoke: Invoke, project: Path, home: Path
) -> None:
    file = home / FILES[client]
    file.parent.mkdir(parents=True, exist_ok=True)
    before = {
        "theme": "dark",
        KEYS[client]: {"other": {"command": "other-server"}, "kurt": {"env": {"A": "1"}}},
    }
    file.write_text(json.dumps(before), encoding="utf-8")
    args = ("--project", str(project), "mcp", "config", "--client", client, "--write")
    first = invoke(*args)
    assert first.exit_code == 0
    assert first.stderr == f"MCP server 'kurt' updated in {file}\n"
    after = json.loads(file.read_text(encoding="utf-8"))
    assert after == {
        "theme": "dark",
        KEYS[client]: {
            "other": {"command": "other-server"},
            "kurt": {"env": {"A": "1"}, **expected_entry(client, project)},
        },
    }
    again = invoke(*args)
    assert again.stderr == f"MCP server 'kurt' already in {file}\n"


def test_write_creates_the_file_when_there_is_none(
    invoke: Invoke, project: Path, home: Path
) -> None:
    outcome = invoke("--project", str(project), "mcp", "config", "--client", "cursor", "--write")
    assert outcome.stderr == f"MCP server 'kurt' added to {home / '.cursor/mcp.json'}\n"
    written = json.loads((home / ".cursor/mcp.json").read_text(encoding="utf-8"))
    assert written == {"mcpServers": {"kurt": expected_entry("cursor", project)}}


def test_write_keeps_the_codex_files_comments_and_order(
    invoke: Invoke, project: Path, home: Path
) -> None:
    file = home / ".codex" / "config.toml"
    file.parent.mkdir()
    before = '# my settings\nmodel = "o3"  # the default\n\n[mcp_servers.other]\ncommand = "x"\n'
    file.write_text(before, encoding="utf-8")
    outcome = invoke(
        "--project", str(project), "mcp", "config", "--client", "codex", "--name", "site", "--write"
    )
    assert outcome.exit_code == 0
    text = file.read_text(encoding="utf-8")
    assert text.startswith(before)
    assert tomllib.loads(text)["mcp_servers"] == {
        "other": {"command": "x"},
        "site": expected_entry("codex", project),
    }


def test_a_file_that_does_not_parse_is_left_as_it_is(
    invoke: Invoke, project: Path, home: Path
) -> None:
    file = home / ".claude.json"
    file.write_text('{"mcpServers": {\n  "a": 1,\n}\n', encoding="utf-8")
    before = file.read_bytes()
    outcome = invoke("--project", str(project), "mcp", "config", "--client", "claude", "--write")
    assert outcome.exit_code == 1
    assert outcome.stderr.splitlines() == [
        f"Error: {file}:3: not valid JSON (Expecting property name enclosed in "
        "double quotes); the file was left as it is",
        "  hint: fix it, or add the entry by hand: kurt mcp config --client claude",
    ]
    assert file.read_bytes() == before


def test_outside_a_project_it_says_to_name_one(
    invoke: Invoke, home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    outcome = invoke("mcp", "config", "--client", "claude")
    assert outcome.exit_code == 1
    assert outcome.stderr == (
        "Error: kurt mcp config serves a project, and there is none here\n"
        "  hint: run it inside a project, or name one: kurt --project DIR mcp config ...\n"
    )
