"""Shell completion (issue 15, item 5): ``kurt completion SHELL`` prints the
script, and TAB completes the names of the project's tools, engines, skills
and settings, from manifests only (no skill code, no pydantic).

Each test runs ``kurt`` as the shell's script does: a real process with
``_KURT_COMPLETE=bash_complete``, ``COMP_WORDS`` and ``COMP_CWORD``; bash
reads back one ``type,value`` line per candidate."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

Run = Callable[..., tuple[int, str, str]]

MANIFEST = """\
---
name: {name}
description: The {name} skill.
implements:
  - {{type: tool, class: Stats, name: page-stats}}
  - {{type: fetcher, class: Gopher, name: gopher}}
  - {{type: mapper, class: Opml, name: opml}}
settings:
  timeout: {{type: float, default: 30}}
  token: {{type: str, secret: true, env: PAGE_STATS_TOKEN, required: false}}
---
"""
# Never imported by completion: the marker file would show it.
CODE = "import pathlib\npathlib.Path({marker!r}).write_text('imported')\n"


@pytest.fixture
def site(project: Path, tmp_path: Path) -> Path:
    """A trusted project with one skill providing a tool, a fetcher and a mapper."""
    folder = project / "skills" / "page-kit"
    folder.mkdir(parents=True)
    (folder / "SKILL.md").write_text(MANIFEST.format(name="page-kit"), encoding="utf-8")
    (folder / "skill.py").write_text(CODE.format(marker=str(tmp_path / "imported")))
    return project


def complete(run_kurt: Run, line: str, cwd: Path, **env: str) -> list[str]:
    """What bash would offer after ``line`` (the word under the cursor is the
    last one, empty when ``line`` ends with a space)."""
    words = line.split(" ")
    outcome = run_kurt(
        cwd=cwd,
        env={
            "_KURT_COMPLETE": "bash_complete",
            "COMP_WORDS": line,
            "COMP_CWORD": str(len(words) - 1),
            **env,
        },
    )
    assert (outcome[0], outcome[2]) == (0, "")
    return [item for item in outcome[1].splitlines() if item]  # nothing: one empty line


@pytest.mark.parametrize(
    ("shell", "expected"),
    [
        ("bash", "complete -o nosort -F _kurt_completion kurt"),
        ("zsh", "compdef _kurt_completion kurt"),
        ("fish", 'complete --no-files --command kurt --arguments "(_kurt_completion)"'),
    ],
)
def test_completion_prints_the_script_for_each_shell(
    run_kurt: Run, shell: str, expected: str
) -> None:
    exit_code, stdout, stderr = run_kurt("completion", shell)
    assert (exit_code, stderr) == (0, "")
    assert expected in stdout
    assert f"_KURT_COMPLETE={shell}_complete" in stdout


def test_an_unknown_shell_is_a_usage_error(run_kurt: Run) -> None:
    exit_code, stdout, stderr = run_kurt("completion", "tcsh")
    assert (exit_code, stdout) == (2, "")
    assert stderr.endswith(
        "Error: Invalid value for '{bash|zsh|fish}': 'tcsh' is not one of 'bash', 'zsh', 'fish'.\n"
    )


def test_command_names_complete(run_kurt: Run, tmp_path: Path) -> None:
    assert complete(run_kurt, "kurt comp", tmp_path) == ["plain,completion"]


def test_tool_run_completes_tool_names(run_kurt: Run, site: Path) -> None:
    assert complete(run_kurt, "kurt tool run ", site) == [
        "plain,fetch",
        "plain,map",
        "plain,page-stats",
    ]
    assert complete(run_kurt, "kurt tool run pa", site) == ["plain,page-stats"]


def test_tool_info_completes_tools_and_engines(run_kurt: Run, site: Path) -> None:
    assert complete(run_kurt, "kurt tool info g", site) == ["plain,gopher"]
    assert complete(run_kurt, "kurt tool info o", site) == ["plain,opml"]


def test_engines_complete_by_kind(run_kurt: Run, site: Path) -> None:
    assert complete(run_kurt, "kurt fetch --engine ", site) == [
        "plain,file",
        "plain,gopher",
        "plain,httpx",
        "plain,trafilatura",
    ]
    assert complete(run_kurt, "kurt map docs/ --engine ", site) == [
        "plain,crawl",
        "plain,folder",
        "plain,opml",
        "plain,rss",
        "plain,sitemap",
    ]


def test_skill_names_complete(run_kurt: Run, site: Path) -> None:
    for line in (
        "kurt skill info pa",
        "kurt skill validate pa",
        "kurt config skills enable pa",
        "kurt config skills disable pa",
        "kurt config skills set pa",
        "kurt config skills unset pa",
    ):
        assert complete(run_kurt, line, site) == ["plain,page-kit"], line


def test_skill_validate_completes_a_folder_when_no_name_fits(run_kurt: Run, site: Path) -> None:
    assert complete(run_kurt, "kurt skill validate ./sk", site) == ["dir,./sk"]


def test_setting_keys_complete_for_the_named_skill(run_kurt: Run, site: Path) -> None:
    assert complete(run_kurt, "kurt config skills set page-kit ", site) == [
        "plain,timeout",
        "plain,token",
    ]
    assert complete(run_kurt, "kurt config skills unset --user page-kit t", site) == [
        "plain,timeout",
        "plain,token",
    ]
    assert complete(run_kurt, "kurt config skills set no-such-skill ", site) == []


def test_project_option_selects_the_project(run_kurt: Run, site: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert complete(run_kurt, "kurt tool run pa", elsewhere) == []
    line = f"kurt --project {site} tool run pa"
    assert complete(run_kurt, line, elsewhere) == ["plain,page-stats"]


def test_a_broken_project_completes_nothing_and_prints_no_error(run_kurt: Run, site: Path) -> None:
    (site / "kurt.toml").write_text("[skills\n", encoding="utf-8")
    assert complete(run_kurt, "kurt skill info ", site) == []
    assert complete(run_kurt, "kurt tool run ", site) == ["plain,fetch", "plain,map"]


def test_completion_imports_no_skill_code_and_no_pydantic(
    run_kurt: Run, site: Path, tmp_path: Path
) -> None:
    # The first completion reads the manifests (a cold cache), the others the snapshot.
    for line in ("kurt tool run ", "kurt config skills set page-kit ", "kurt fetch --engine "):
        outcome = run_kurt(
            cwd=site,
            env={
                "_KURT_COMPLETE": "bash_complete",
                "COMP_WORDS": line,
                "COMP_CWORD": str(line.count(" ")),
                "PYTHONPROFILEIMPORTTIME": "1",
            },
        )
        imported = {row.rsplit("|", 1)[-1].strip() for row in outcome[2].splitlines()}
        assert outcome[0] == 0
        assert outcome[1]  # it did complete something
        assert not {"pydantic", "pydantic_settings", "rich", "httpx"} & imported, line
    assert not (tmp_path / "imported").exists()


def test_workflow_names_complete(run_kurt: Run, site: Path) -> None:
    folder = site / "workflows"
    folder.mkdir()
    for name in ("digest", "daily-crawl"):
        (folder / f"{name}.toml").write_text(
            f'[workflow]\nname = "{name}"\ndescription = "d"\n\n'
            '[[steps]]\nid = "m"\ntool = "map"\ninput = { source = "docs/" }\n',
            encoding="utf-8",
        )
    assert complete(run_kurt, "kurt workflow run ", site) == ["plain,daily-crawl", "plain,digest"]
    assert complete(run_kurt, "kurt workflow info di", site) == ["plain,digest"]
