"""SPEC section 8: every command answers from the skills as they are on disk now.

Each test warms every derived file first (a listing and a run), then rewrites
a SKILL.md or skill.py *in place* (``write_text`` truncates the same file, as
``cat >`` and most editors do: the skill folder's mtime does not change), and
asks the very next command, in a real ``kurt`` process, with no listing in
between.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from skill_helpers import write_skill

Run = Callable[..., Any]


@pytest.fixture
def warm(project: Path, run_kurt: Run) -> Path:
    """A project with the skill 'alpha' (tool 'alpha'), every cache warm."""
    write_skill(project / "skills", "alpha")
    assert run_kurt("skill", "list", "--json", cwd=project).exit_code == 0
    assert run_kurt("tool", "run", "alpha", cwd=project).exit_code == 0
    assert run_kurt("tool", "list", "--json", cwd=project).exit_code == 0
    return project / "skills" / "alpha"


def tool_rows(run_kurt: Run, project: Path) -> dict[str, dict[str, Any]]:
    done = run_kurt("tool", "list", "--json", cwd=project)
    assert done.exit_code == 0, done.stderr
    return {row["name"]: row for row in json.loads(done.stdout)}


def test_a_new_implements_entry_is_seen_by_the_next_tool_run(
    warm: Path, project: Path, run_kurt: Run
) -> None:
    folder_mtime = warm.stat().st_mtime_ns
    write_skill(project / "skills", "alpha", provides=[("tool", "alpha"), ("tool", "beta")])
    assert warm.stat().st_mtime_ns == folder_mtime  # the bug's shape: only files changed
    done = run_kurt("tool", "run", "beta", "-p", "value=new", "--json", cwd=project)
    assert done.exit_code == 0, done.stderr
    assert json.loads(done.stdout)["data"] == [{"skill": "alpha", "value": "new"}]


def test_a_new_fetcher_is_seen_by_the_next_fetch_engine(
    warm: Path, project: Path, run_kurt: Run
) -> None:
    write_skill(project / "skills", "alpha", provides=[("tool", "alpha"), ("fetcher", "grab")])
    page = project / "page.txt"
    page.write_text("hello", encoding="utf-8")
    done = run_kurt("fetch", str(page), "--engine", "grab", "--json", cwd=project)
    assert done.exit_code == 0, done.stderr
    assert json.loads(done.stdout)["data"][0]["content"] == "alpha"


def test_tool_list_sees_a_new_name_and_a_new_description(
    warm: Path, project: Path, run_kurt: Run
) -> None:
    manifest = warm / "SKILL.md"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(
        text.replace(
            'class: AlphaImpl, name: "alpha"}',
            'class: AlphaImpl, name: "alpha", '
            'description: "Now described"}\n  - {type: mapper, class: MapImpl, name: "spread"}',
        ),
        encoding="utf-8",
    )
    rows = tool_rows(run_kurt, project)
    assert rows["alpha"]["description"] == "Now described"
    assert rows["spread"]["kind"] == "mapper"


def test_skill_list_and_config_skills_see_a_new_description_and_default(
    warm: Path, project: Path, run_kurt: Run
) -> None:
    extra = "settings:\n  timeout: {type: float, default: 30}"
    write_skill(project / "skills", "alpha", manifest_extra=extra)
    assert run_kurt("config", "skills", "--json", cwd=project).exit_code == 0  # warm again
    write_skill(
        project / "skills",
        "alpha",
        description="Rewritten.",
        manifest_extra=extra.replace("30", "45"),
    )
    listed = json.loads(run_kurt("skill", "list", "--json", cwd=project).stdout)
    assert listed[0]["description"] == "Rewritten."
    table = run_kurt("skill", "list", cwd=project, env={"COLUMNS": "200"})
    assert "0.1.0" in table.stdout
    config = json.loads(run_kurt("config", "skills", "--json", cwd=project).stdout)
    [skill] = [s for s in config["skills"] if s["name"] == "alpha"]
    assert skill["settings"]["timeout"] == 45


def test_a_skill_py_rewrite_is_seen_by_the_next_run(
    warm: Path, project: Path, run_kurt: Run
) -> None:
    code = (warm / "skill.py").read_text(encoding="utf-8")
    (warm / "skill.py").write_text(
        code.replace('"value": params.value', '"value": params.value.upper()'), encoding="utf-8"
    )
    done = run_kurt("tool", "run", "alpha", "-p", "value=new", "--json", cwd=project)
    assert json.loads(done.stdout)["data"] == [{"skill": "alpha", "value": "NEW"}]


def test_a_same_size_rewrite_in_the_same_second_is_seen(
    warm: Path, project: Path, run_kurt: Run
) -> None:
    """The filesystem keeps nanoseconds: a rewrite of the same size whose
    mtime differs by one nanosecond (the same second, the same size) is a
    change for every command."""
    manifest = warm / "SKILL.md"
    before = manifest.stat()
    text = manifest.read_text(encoding="utf-8")
    changed = text.replace("The alpha skill.", "The ALPHA skill.")
    assert len(changed) == len(text)
    manifest.write_text(changed, encoding="utf-8")
    os.utime(manifest, ns=(before.st_atime_ns, before.st_mtime_ns + 1))
    assert manifest.stat().st_size == before.st_size
    listed = json.loads(run_kurt("skill", "list", "--json", cwd=project).stdout)
    assert listed[0]["description"] == "The ALPHA skill."
    assert tool_rows(run_kurt, project)["alpha"]["description"] == "The ALPHA skill."


def test_a_removed_name_is_unknown_at_once(warm: Path, project: Path, run_kurt: Run) -> None:
    write_skill(project / "skills", "alpha", provides=[("tool", "omega")])
    done = run_kurt("tool", "run", "alpha", cwd=project)
    assert done.exit_code == 2
    assert "Unknown tool 'alpha'" in done.stderr
