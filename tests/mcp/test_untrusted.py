"""``kurt mcp serve`` in a cloned project the user has not trusted (SPEC
sections 9 and 12): its own skills are neither listed nor imported, its
kurt.toml applies only what restricts, and the server says how to trust."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from mcp_conversation import Conversation, converse, names, text_of

from mcp import ClientSession

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "skills"))
from skill_helpers import imported, write_skill

TOML = """\
[skills]
disabled = ["user-off"]

[mcp]
exclude = ["map"]
"""


@pytest.fixture(scope="module")
def talk(tmp_path_factory: pytest.TempPathFactory) -> Conversation:
    base = tmp_path_factory.mktemp("mcp-untrusted")
    home = base / "home"
    clone = base / "clone"
    markers = base / "markers"
    (clone / "skills").mkdir(parents=True)
    (clone / "kurt.toml").write_text(TOML, encoding="utf-8")
    write_skill(clone / "skills", "planted", markers=markers)
    write_skill(home / "skills", "user-tool", markers=markers)
    write_skill(home / "skills", "user-off", markers=markers)

    async def script(session: ClientSession) -> dict[str, Any]:
        return {
            "tools": await session.list_tools(),
            "planted": await session.call_tool("planted", {}),
            "user-tool": await session.call_tool("user-tool", {"value": "v"}),
            "resources": await session.list_resources(),
        }

    conversation = converse(clone, home, script, base / "server.log")
    conversation.results["markers"] = imported(markers)
    conversation.results["clone"] = clone
    return conversation


def test_no_project_code_is_imported(talk: Conversation) -> None:
    assert "planted" not in talk["markers"]
    assert talk["markers"] == {"user-tool"}  # the one the client called


def test_project_tools_are_not_listed_but_installed_ones_are(talk: Conversation) -> None:
    # [mcp] exclude = ["map"] is the project's: not applied before `kurt trust`;
    # [skills].disabled restricts, so it applies.
    assert names(talk["tools"]) == ["fetch", "map", "user-tool"]


def test_calling_a_project_tool_says_how_to_trust(talk: Conversation) -> None:
    result = talk["planted"]
    assert result.is_error is True
    clone = talk["clone"]
    assert text_of(result).splitlines()[:2] == [
        f"error: {clone / 'skills' / 'planted' / 'skill.py'}: skill 'planted' comes with the "
        f"project at {clone}, which you have not trusted, so its code does not run here",
        f"  hint: review the project's skills, then trust it with: kurt trust {clone}",
    ]


def test_the_ignored_mcp_section_is_said_once_on_stderr(talk: Conversation) -> None:
    # Kurt's configuration is read at every request; the note comes once.
    clone = talk["clone"]
    notes = [line for line in talk.stderr.splitlines() if line.startswith("note: ")]
    assert len(notes) == 1
    assert notes[0].startswith(f"note: {clone / 'kurt.toml'}: not applied, as this project ")
    assert "[mcp]" in notes[0]
    assert notes[0].endswith(f"review it, then run: kurt trust {clone}")


def test_installed_skills_still_run(talk: Conversation) -> None:
    result = talk["user-tool"]
    assert result.is_error is False
    assert result.structured_content["data"] == [{"skill": "user-tool", "value": "v"}]


def test_the_project_skills_documents_are_not_served(talk: Conversation) -> None:
    uris = [str(resource.uri) for resource in talk["resources"].resources]
    assert uris == ["skill://user-tool/SKILL.md"]


def test_the_instructions_say_how_to_trust(talk: Conversation) -> None:
    instructions = talk["initialize"].instructions
    assert "This project is not trusted" in instructions
    assert f"run: kurt trust {talk['clone']} ;" in instructions
