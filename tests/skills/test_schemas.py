"""A skill's input schemas are cached from its last import, keyed by the
stamps of its files: a later process reads them without importing it, and an
edit makes the next one import it again."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from skill_helpers import write_skill

from kurt.config.locations import Locations, user_home
from kurt.errors import UntrustedProjectError
from kurt.runtime import Runtime
from kurt.skills.schemas import input_schemas
from kurt.testing.registries import undo_registrations

CODE = """
class PingInput(BaseModel):
    {field}


@register_tool
class PingImpl(Tool[PingInput, PingInput]):
    name = "ping"
    description = "Ping"
    InputModel = PingInput
    OutputModel = PingInput

    async def run(self, params, context, on_progress=None):
        return ToolResult.ok([])
"""


def schemas_in_a_new_process(root: Path) -> dict[str, object]:
    """What a fresh command sees: new Runtime, no skill module left imported."""
    with undo_registrations():
        skills = Runtime(Locations(root, user_home())).skills
        return input_schemas(skills, skills.record("ping"))


def imports(markers: Path) -> int:
    return len((markers / "ping").read_text().splitlines()) if (markers / "ping").exists() else 0


def test_a_second_process_reads_the_cache_and_an_edit_imports_again(
    make_project: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_project()
    markers = tmp_path / "markers"
    folder = write_skill(
        root / "skills", "ping", code=CODE.format(field="host: str"), markers=markers
    )

    first = schemas_in_a_new_process(root)
    assert first["ping"]["properties"] == {"host": {"title": "Host", "type": "string"}}
    assert imports(markers) == 1
    assert schemas_in_a_new_process(root) == first
    assert imports(markers) == 1  # from the cache: not imported again

    code = folder / "skill.py"
    code.write_text(code.read_text().replace("host: str", "port: int = 80"), encoding="utf-8")
    edited = schemas_in_a_new_process(root)
    assert imports(markers) == 2
    assert edited["ping"]["properties"] == {
        "port": {"default": 80, "title": "Port", "type": "integer"}
    }


def test_an_untrusted_projects_skill_is_never_imported_for_its_schema(
    make_project: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_project(trusted=False)
    markers = tmp_path / "markers"
    write_skill(root / "skills", "ping", code=CODE.format(field="host: str"), markers=markers)
    with pytest.raises(UntrustedProjectError):
        schemas_in_a_new_process(root)
    assert imports(markers) == 0
