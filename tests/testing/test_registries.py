"""kurt.testing.registries: a test leaves the global registries as it found them."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from kurt.registry import FETCHERS, TOOLS, Registry, register_fetcher, register_tool
from kurt.testing import load_skill
from kurt.testing.registries import SKILL_MODULE_PREFIX, undo_registrations
from samples import Echo, EchoFetcher

pytest_plugins = ["pytester"]

SKILL_MD = """\
---
name: counter
description: Registers one tool, and counts its imports.
implements:
  - {type: tool, class: Counted, name: counted}
---
"""

SKILL_PY = """\
from pathlib import Path
from pydantic import BaseModel
from kurt import Tool, ToolResult, register_tool

with (Path(__file__).parent / "imports").open("a") as log:
    log.write("imported\\n")


class In(BaseModel):
    pass


@register_tool
class Counted(Tool[In, In]):
    name = "counted"
    InputModel = OutputModel = In

    async def run(self, params, context, on_progress=None):
        return ToolResult.ok([])
"""


@pytest.fixture
def counter(tmp_path: Path) -> Path:
    """A skill folder whose skill.py appends a line to ``imports`` each time it runs."""
    folder = tmp_path / "counter"
    folder.mkdir()
    (folder / "SKILL.md").write_text(SKILL_MD, encoding="utf-8")
    (folder / "skill.py").write_text(SKILL_PY, encoding="utf-8")
    return folder


class Resolver:
    def resolve(self, kind: str, name: str) -> None: ...

    def names(self, kind: str) -> list[str]:
        return ["from-a-project"]


def test_what_the_block_registers_is_gone_and_what_was_there_stays() -> None:
    register_tool(Echo)
    with undo_registrations():
        register_tool(name="inside")(Echo)
        register_fetcher(EchoFetcher)
        assert {"echo", "inside"} <= set(TOOLS.names())
    assert TOOLS.get("echo") is Echo
    assert "inside" not in TOOLS
    assert "echo" not in FETCHERS
    assert FETCHERS.get("httpx").name == "httpx"  # Kurt's own stay


def test_the_resolver_plugged_in_is_put_back() -> None:
    before = Resolver()
    TOOLS.set_resolver(before)
    with undo_registrations():
        TOOLS.set_resolver(None)
        assert "from-a-project" not in TOOLS
    assert TOOLS.resolver is before
    assert "from-a-project" in TOOLS


def test_a_skill_loaded_in_the_block_is_imported_afresh_after_it(counter: Path) -> None:
    with undo_registrations():
        module = load_skill(counter)
        assert TOOLS.entry("counted").skill == "counter"
    assert TOOLS.registered("counted") is None
    assert module.__name__ not in sys.modules
    assert not [name for name in sys.modules if name.startswith(SKILL_MODULE_PREFIX)]

    # Its code runs again, so it registers again: nothing had to be put back.
    assert load_skill(counter) is not module
    assert TOOLS.entry("counted").skill == "counter"
    assert (counter / "imports").read_text() == "imported\nimported\n"


def test_a_registry_of_ones_own_is_untouched_by_the_block() -> None:
    mine: Registry[object] = TOOLS.fresh()
    with undo_registrations():
        mine.register(Echo)
    assert mine.get("echo") is Echo


AUTHOR_TESTS = """\
from pathlib import Path

from kurt import TOOLS
from kurt.testing import load_skill

SKILL = Path(__file__).parent / "counter"


def test_unit():
    load_skill(SKILL)
    assert TOOLS.entry("counted").skill == "counter"


def test_forgotten_when_the_unit_test_ended():
    assert TOOLS.registered("counted") is None


def test_a_project_searching_the_same_folder(kurt_project):
    kurt_project.add_path(SKILL.parent)
    assert kurt_project.run_tool("counted").success


def test_forgotten_when_the_project_test_ended():
    assert TOOLS.registered("counted") is None
    assert TOOLS.resolver is None
"""


@pytest.mark.slow  # runs pytest in a subprocess
def test_an_authors_tests_do_not_depend_on_their_order(
    pytester: pytest.Pytester, counter: Path
) -> None:
    """Each test of a skill author's suite starts from registries that hold only
    what the suite registered outside any test; the skill's code runs anew."""
    (pytester.path / "counter").mkdir()
    for name in ("SKILL.md", "skill.py"):
        (pytester.path / "counter" / name).write_text((counter / name).read_text())
    pytester.makepyfile(test_counter=textwrap.dedent(AUTHOR_TESTS))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)
    assert (pytester.path / "counter" / "imports").read_text() == "imported\nimported\n"


def test_every_test_starts_from_registries_holding_only_kurts_own() -> None:
    """Undoing a test's registrations keeps the globals as collection left them;
    so no test module may register at import, or its names would be in every test."""
    from kurt.registry import REGISTRIES

    leftovers = [e.owner for r in REGISTRIES.values() for e in r.loaded() if not e.kurts_own]
    assert leftovers == []
    assert [r.resolver for r in REGISTRIES.values()] == [None, None, None]
