"""``kurt skill …`` and skill-provided tools, end to end in real subprocesses."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "skills"))
from skill_helpers import imported, write_dist, write_skill

Run = Callable[..., Any]


def markers(project: Path) -> Path:
    return project / "skills" / ".markers"


@pytest.fixture
def three(project: Path) -> Path:
    """A trusted project with three healthy skills."""
    for name in ("alpha", "beta", "gamma"):
        write_skill(project / "skills", name)
    return project


def test_list_json_shape(three: Path, run_kurt: Run) -> None:
    outcome = run_kurt("--project", str(three), "skill", "list", "--json")
    assert outcome.exit_code == 0, outcome.stderr
    rows = json.loads(outcome.stdout)
    assert [row["name"] for row in rows] == ["alpha", "beta", "gamma"]
    assert rows[0] | {"path": None, "description": None} == rows[0] | {
        "path": None,
        "description": None,
        "version": "0.1.0",
        "source": "project",
        "enabled": True,
        "status": "ok",
        "problems": [],
        "provides": [{"type": "tool", "name": "alpha"}],
    }
    assert rows[0]["path"] == str(three / "skills" / "alpha")


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["skill", "--help"],
        ["skill", "list"],
        ["skill", "list", "--json"],
        ["skill", "info", "beta"],
        ["skill", "info", "beta", "--json"],
        ["tool", "list"],
        ["tool", "list", "--json"],
        # Not `tool info`: in a trusted project it imports that one skill to show
        # its input fields (SPEC section 6; tests/cli/test_tool_cli.py).
    ],
)
def test_listing_and_help_import_no_skill_code(three: Path, run_kurt: Run, args: list[str]) -> None:
    outcome = run_kurt("--project", str(three), *args)
    assert outcome.exit_code == 0, outcome.stderr
    assert imported(markers(three)) == set()


def test_tool_list_shows_skill_tools_from_manifests(three: Path, run_kurt: Run) -> None:
    outcome = run_kurt("--project", str(three), "tool", "list", "--json")
    rows = {row["name"]: row for row in json.loads(outcome.stdout)}
    assert rows["beta"] == {
        "kind": "tool",
        "name": "beta",
        "skill": "beta",
        "description": "The beta skill.",
    }
    assert rows["fetch"]["skill"] is None  # built-ins are there too


def test_running_one_tool_imports_exactly_its_skill(three: Path, run_kurt: Run) -> None:
    outcome = run_kurt("--project", str(three), "tool", "run", "beta", "-p", "value=v", "--json")
    assert outcome.exit_code == 0, outcome.stderr
    result = json.loads(outcome.stdout)
    assert result["success"] is True
    assert result["data"] == [{"skill": "beta", "value": "v"}]
    assert imported(markers(three)) == {"beta"}


def test_validate_untrusted_is_static_and_says_so(
    make_project: Callable[..., Path], run_kurt: Run
) -> None:
    root = make_project("untrusted", trusted=False)
    write_skill(root / "skills", "local")
    outcome = run_kurt("--project", str(root), "skill", "validate", "--json")
    assert outcome.exit_code == 0, outcome.stderr
    [report] = json.loads(outcome.stdout)
    assert report["valid"] is True
    assert report["imported"] is False
    assert report["warnings"] == [
        {
            "file": str(root / "skills" / "local" / "skill.py"),
            "line": None,
            "message": "implements checked statically only: the project is not trusted, so "
            "its code was not imported (trust it with: kurt trust)",
        }
    ]
    assert imported(markers(root)) == set()


def test_trust_refuses_then_allows_a_project_skill(
    make_project: Callable[..., Path], run_kurt: Run
) -> None:
    root = make_project("cloned", trusted=False)
    write_skill(root / "skills", "local")
    refused = run_kurt("--project", str(root), "tool", "run", "local")
    assert refused.exit_code == 1
    assert refused.stderr == (
        f"Error: {root / 'skills' / 'local' / 'skill.py'}: skill 'local' comes with the "
        f"project at {root}, which you have not trusted, so its code does not run here\n"
        f"  hint: review the project's skills, then trust it with: kurt trust {root}\n"
    )
    assert imported(markers(root)) == set()
    assert run_kurt("trust", str(root)).exit_code == 0
    allowed = run_kurt("--project", str(root), "tool", "run", "local", "--json")
    assert allowed.exit_code == 0, allowed.stderr
    assert imported(markers(root)) == {"local"}


@pytest.fixture
def broken(project: Path) -> Path:
    """Healthy skill ``well`` beside three broken ones."""
    skills = project / "skills"
    write_skill(skills, "well")
    write_skill(skills, "syntax", code="def broken(:\n")
    write_skill(
        skills,
        "raiser",
        code="""
        raise RuntimeError('boom at import')

        @register_tool
        class RaiserImpl(Tool):
            name = "raiser"
        """,
    )
    write_skill(skills, "classless", code="class ClasslessImpl:\n    pass\n")
    return project


@pytest.mark.parametrize(
    ("name", "needle", "message"),
    [
        ("syntax", "def broken(:", "skill 'syntax' has a syntax error: SyntaxError:"),
        ("raiser", "raise RuntimeError", "skill 'raiser' failed to load: RuntimeError: boom"),
        (
            "classless",
            "class ClasslessImpl:",
            "skill 'classless': class ClasslessImpl (tool 'classless' in SKILL.md) was not "
            "registered by skill.py",
        ),
    ],
)
def test_broken_skill_fails_cleanly_with_file_and_line(
    broken: Path, run_kurt: Run, name: str, needle: str, message: str
) -> None:
    code = broken / "skills" / name / "skill.py"
    line = 1 + code.read_text("utf-8").splitlines().index(
        next(text for text in code.read_text("utf-8").splitlines() if needle in text)
    )
    outcome = run_kurt("--project", str(broken), "tool", "run", name)
    assert outcome.exit_code == 1
    assert outcome.stderr.startswith(f"Error: {code}:{line}: {message}")
    assert "Traceback" not in outcome.stderr


def test_healthy_skills_and_builtins_keep_working_beside_broken_ones(
    broken: Path, run_kurt: Run, tmp_path: Path
) -> None:
    well = run_kurt("--project", str(broken), "tool", "run", "well", "--json")
    assert well.exit_code == 0, well.stderr
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# A\n", "utf-8")
    builtin = run_kurt("--project", str(broken), "map", str(docs), "--json")
    assert builtin.exit_code == 0, builtin.stderr
    listing = run_kurt("--project", str(broken), "skill", "list", "--json")
    assert listing.exit_code == 0
    assert "Traceback" not in well.stderr + builtin.stderr + listing.stderr


def test_validate_reports_each_broken_skill_by_import(broken: Path, run_kurt: Run) -> None:
    outcome = run_kurt("--project", str(broken), "skill", "validate", "--json")
    assert outcome.exit_code == 1
    reports = {r["name"]: r for r in json.loads(outcome.stdout)}
    assert reports["well"]["valid"] is True
    assert reports["well"]["imported"] is True
    assert reports["syntax"]["errors"][0]["message"].startswith("skill.py does not parse")
    assert reports["raiser"]["errors"][0]["message"] == (
        "skill 'raiser' failed to load: RuntimeError: boom at import"
    )
    assert [reports[n]["checked"] for n in ("well", "raiser", "syntax")] == [
        "imported",
        "import failed",
        "static",  # skill.py does not parse: nothing to import
    ]
    classless = reports["classless"]["errors"][0]
    assert classless["file"] == str(broken / "skills" / "classless" / "skill.py")
    assert classless["message"] == "class 'ClasslessImpl' must derive from kurt.Tool (it is a tool)"
    for report in reports.values():
        for error in report["errors"]:
            assert error["file"]
    assert "Traceback" not in outcome.stderr


def test_validate_names_file_and_line_in_human_output(project: Path, run_kurt: Run) -> None:
    bad = project / "skills" / "bad"
    bad.mkdir()
    (bad / "SKILL.md").write_text("---\nname: bad\ndescription: ''\n---\n", "utf-8")
    outcome = run_kurt("--project", str(project), "skill", "validate", "bad")
    assert outcome.exit_code == 1
    assert f"    error: {bad / 'SKILL.md'}:3: description must not be empty" in outcome.stdout


def test_requirement_errors_name_their_line(project: Path, run_kurt: Run) -> None:
    needy = project / "skills" / "needy"
    needy.mkdir()
    (needy / "SKILL.md").write_text(
        "---\nname: needy\ndescription: d\nrequires_python: '>=9'\n"
        "requires: ['no-such-dist-kurt>=1']\nrequires_env: [KURT_TEST_NO_SUCH_VAR]\n---\n",
        "utf-8",
    )
    outcome = run_kurt("--project", str(project), "skill", "validate", "--json", "needy")
    assert outcome.exit_code == 1
    errors = json.loads(outcome.stdout)[0]["errors"]
    assert [(error["line"], error["message"]) for error in errors] == [
        (4, f"requires Python >=9, but this is Python {'.'.join(map(str, sys.version_info[:3]))}"),
        (5, "requires 'no-such-dist-kurt>=1', but no-such-dist-kurt is not installed"),
        (6, "environment variable KURT_TEST_NO_SUCH_VAR is not set"),
    ]


def test_validate_refuses_a_name_kurt_itself_provides(project: Path, run_kurt: Run) -> None:
    folder = write_skill(
        project / "skills", "clash", provides=[("tool", "fetch")], markers=markers(project)
    )
    outcome = run_kurt("--project", str(project), "skill", "validate", "clash")
    assert outcome.exit_code == 1
    assert (
        f"    error: {folder / 'SKILL.md'}:6: tool 'fetch' is one of Kurt's own; a skill "
        "cannot provide it (rename it under implements and in skill.py)"
    ) in outcome.stdout
    assert imported(markers(project)) == set()  # refused before any import


def test_a_name_kurt_itself_provides_makes_the_skill_invalid_in_listings(
    project: Path, run_kurt: Run
) -> None:
    folder = write_skill(project / "skills", "clash", provides=[("fetcher", "httpx")])
    write_skill(project / "skills", "fine")
    outcome = run_kurt("--project", str(project), "skill", "list", "--json")
    rows = {row["name"]: row for row in json.loads(outcome.stdout)}
    assert rows["clash"]["status"] == "invalid"
    assert rows["clash"]["problems"] == [
        f"{folder / 'SKILL.md'}:6: fetcher 'httpx' is one of Kurt's own; a skill cannot "
        "provide it (rename it under implements and in skill.py)"
    ]
    assert rows["fine"]["status"] == "ok"


def test_unknown_skill_is_a_usage_error_with_did_you_mean(three: Path, run_kurt: Run) -> None:
    for command in (["skill", "info", "alpah"], ["skill", "validate", "alpah"]):
        outcome = run_kurt("--project", str(three), *command)
        assert outcome.exit_code == 2
        assert outcome.stderr == "Error: Unknown skill 'alpah'. Did you mean 'alpha'?\n"


def test_a_name_mismatch_is_validated_and_hinted_by_the_folders_name(
    project: Path, run_kurt: Run
) -> None:
    write_skill(
        project / "skills", "page-stat", folder="page-stats", provides=[("tool", "page-stats")]
    )
    run = run_kurt("--project", str(project), "tool", "run", "page-stats")
    assert run.exit_code == 1
    assert run.stderr.endswith("  hint: run: kurt skill validate page-stats\n"), run.stderr
    # ... and that command works: the folder's skill, with the mismatch on its line.
    validated = run_kurt("--project", str(project), "skill", "validate", "page-stats")
    assert validated.exit_code == 1, validated
    assert validated.stdout.startswith("INVALID page-stat  ")
    assert "name 'page-stat' does not match the folder name 'page-stats'" in validated.stdout


def test_validate_of_a_missing_folder_says_so(three: Path, run_kurt: Run) -> None:
    outcome = run_kurt("--project", str(three), "skill", "validate", "./alpah")
    assert (outcome.exit_code, outcome.stdout) == (2, "")
    assert outcome.stderr == (
        "Error: No skill folder at ./alpah.\n"
        "  hint: pass a skill's name or a folder holding its SKILL.md (kurt skill list)\n"
    )


def test_info_shows_settings_with_secrets_masked(project: Path, run_kurt: Run) -> None:
    write_skill(
        project / "skills",
        "configured",
        manifest_extra="""
        settings:
          timeout: {type: float, default: 30, description: "Seconds"}
          token: {type: str, secret: true, default: hunter2}
        requires_api: [wayback]
        """,
    )
    outcome = run_kurt("--project", str(project), "skill", "info", "configured", "--json")
    assert outcome.exit_code == 0, outcome.stderr
    info = json.loads(outcome.stdout)
    assert info["settings"]["timeout"]["value"] == 30
    assert info["settings"]["token"]["value"] == "***"
    assert info["settings"]["token"]["default"] == "***"
    assert "hunter2" not in outcome.stdout
    assert info["requires_api"] == ["wayback"]
    assert info["provides"] == [
        {"type": "tool", "name": "configured", "class": "ConfiguredImpl", "description": ""}
    ]
    human = run_kurt("--project", str(project), "skill", "info", "configured")
    assert "hunter2" not in human.stdout
    assert "***" in human.stdout
    assert "\nrequires_api:    wayback\n" in human.stdout  # the label never runs into its value


def test_new_skill_validates_and_runs_at_once(project: Path, run_kurt: Run) -> None:
    created = run_kurt("--project", str(project), "skill", "new", "hello-world")
    assert created.exit_code == 0, created.stderr
    folder = project / "skills" / "hello-world"
    assert sorted(p.name for p in folder.iterdir()) == ["SKILL.md", "skill.py", "tests"]
    validated = run_kurt("--project", str(project), "skill", "validate", "hello-world", "--json")
    assert validated.exit_code == 0, validated.stdout
    [report] = json.loads(validated.stdout)
    assert (report["valid"], report["imported"], report["errors"]) == (True, True, [])
    ran = run_kurt(
        "--project", str(project), "tool", "run", "hello-world", "-p", "name=Ada", "--json"
    )
    assert ran.exit_code == 0, ran.stderr
    assert json.loads(ran.stdout)["data"] == [{"message": "Hello, Ada!"}]
    again = run_kurt("--project", str(project), "skill", "new", "hello-world")
    assert again.exit_code == 1
    assert "already exists" in again.stderr


def test_new_skill_test_passes(project: Path, run_kurt: Run) -> None:
    import subprocess

    run_kurt("--project", str(project), "skill", "new", "tested")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(project / "skills")],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        env=os.environ.copy(),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout


def test_new_outside_the_search_paths_says_how_to_run_it(
    project: Path, run_kurt: Run, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    outcome = run_kurt("--project", str(project), "skill", "new", "stray", "--path", str(elsewhere))
    assert (outcome.exit_code, outcome.stderr) == (0, "")
    assert outcome.stdout == (
        f"Created {elsewhere / 'stray'}\n"
        f"  validate it: kurt skill validate {elsewhere / 'stray'}\n"
        f"  run it:      add {elsewhere} to [skills].paths in kurt.toml, then\n"
        "               kurt tool run stray -p name=Ada\n"
    )
    validated = run_kurt("--project", str(project), "skill", "validate", str(elsewhere / "stray"))
    assert validated.exit_code == 0, validated.stdout + validated.stderr


def test_new_refuses_a_bad_name(project: Path, run_kurt: Run) -> None:
    outcome = run_kurt("--project", str(project), "skill", "new", "Bad_Name")
    assert outcome.exit_code == 2
    assert outcome.stderr.startswith("Error: 'Bad_Name' cannot be a skill name:")
    assert "hint: use lowercase letters, digits and single '-'" in outcome.stderr


def test_new_refuses_a_reserved_name_and_says_why(project: Path, run_kurt: Run) -> None:
    outcome = run_kurt("--project", str(project), "skill", "new", "paths")
    assert outcome.exit_code == 2
    assert outcome.stderr.endswith(
        "hint: choose another name: paths, enabled and disabled are keys of [skills]\n"
    )


def test_new_refuses_a_name_of_kurts_own_tools(project: Path, run_kurt: Run) -> None:
    outcome = run_kurt("--project", str(project), "skill", "new", "fetch")
    assert (outcome.exit_code, outcome.stdout) == (2, "")
    assert outcome.stderr == (
        "Error: 'fetch' cannot be a skill name here: the skill's tool would be called 'fetch', "
        "which is one of Kurt's own tools\n  hint: choose another name, e.g. my-fetch\n"
    )
    assert not (project / "skills" / "fetch").exists()


def test_new_in_an_untrusted_project_says_to_trust_it(
    make_project: Callable[..., Path], run_kurt: Run
) -> None:
    root = make_project("fresh-clone", trusted=False)
    outcome = run_kurt("skill", "new", "hello", cwd=root)
    assert outcome.exit_code == 0, outcome.stderr
    assert "  trust it:    kurt trust   (this project is not trusted yet)\n" in outcome.stdout
    trusted = run_kurt("skill", "new", "other", cwd=make_project("mine"))
    assert "trust it" not in trusted.stdout


def test_package_skill_runs_through_pythonpath(
    project: Path, run_kurt: Run, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    write_skill(site, "pkg-skill", folder="pkg_skill", markers=markers(project))
    (site / "pkg_skill" / "__init__.py").write_text("raise RuntimeError('never')\n", "utf-8")
    write_dist(site, "kurt-pkg-skill", {"pkg-skill": "pkg_skill"})
    env = {"PYTHONPATH": str(site)}
    listing = run_kurt("--project", str(project), "skill", "list", "--json", env=env)
    [row] = json.loads(listing.stdout)
    assert (row["name"], row["source"], row["status"]) == ("pkg-skill", "package", "ok")
    assert imported(markers(project)) == set()
    ran = run_kurt("--project", str(project), "tool", "run", "pkg-skill", "--json", env=env)
    assert ran.exit_code == 0, ran.stderr
    assert imported(markers(project)) == {"pkg-skill"}


def _corpus_parents(corpus: Path) -> list[Path]:
    return sorted({p.parent.parent for p in corpus.rglob("SKILL.md")})


def test_every_corpus_skill_is_listed(project: Path, run_kurt: Run) -> None:
    from conftest import shared_path

    corpus = shared_path("corpus", "agent-skills")
    parents = _corpus_parents(corpus)
    paths = ", ".join(json.dumps(str(p)) for p in parents)
    (project / "kurt.toml").write_text(f"[skills]\npaths = [{paths}]\n", "utf-8")
    outcome = run_kurt("--project", str(project), "skill", "list", "--json")
    assert outcome.exit_code == 0, outcome.stderr
    rows = json.loads(outcome.stdout)
    assert len(rows) == len(list(corpus.rglob("SKILL.md")))
    assert {row["path"] for row in rows} == {str(p.parent) for p in corpus.rglob("SKILL.md")}
    assert all(row["provides"] == [] for row in rows)


def test_agentskills_verdicts_agree_with_the_reference(project: Path, run_kurt: Run) -> None:
    from conftest import shared_path

    corpus = shared_path("corpus", "agent-skills")
    verdicts = json.loads((corpus / "verdicts.json").read_text("utf-8"))
    failing = {fail["file"] for group in verdicts.values() for fail in group["fails"]}
    folders = sorted(p.parent for p in corpus.rglob("SKILL.md"))
    outcome = run_kurt(
        "skill", "validate", "--agentskills", "--json", *map(str, folders), cwd=project
    )
    assert outcome.exit_code == 1  # some corpus skills do not conform
    reports = json.loads(outcome.stdout)
    assert len(reports) == len(folders)
    for report, folder in zip(reports, folders, strict=True):
        relative = str((folder / "SKILL.md").relative_to(corpus))
        assert report["valid"] is (relative not in failing), (relative, report["errors"])


def test_agentskills_errors_carry_the_line_their_text_names(project: Path, run_kurt: Run) -> None:
    folder = project / "skills" / "flowy"
    folder.mkdir()
    (folder / "SKILL.md").write_text(
        "---\nname: flowy\ndescription: d\ntags: [a, b]\n---\n", "utf-8"
    )
    outcome = run_kurt("skill", "validate", "--agentskills", "--json", "flowy", cwd=project)
    [error] = json.loads(outcome.stdout)[0]["errors"]
    assert "(line: 4)" in error["message"]
    assert error["line"] == 4


def test_disabled_skill_tool_says_how_to_enable_it(
    make_project: Callable[..., Path], run_kurt: Run
) -> None:
    root = make_project("p", '[skills]\ndisabled = ["sleepy"]\n')
    write_skill(root / "skills", "sleepy")
    listing = json.loads(run_kurt("--project", str(root), "skill", "list", "--json").stdout)
    assert (listing[0]["status"], listing[0]["enabled"]) == ("disabled", False)
    expected = (
        f"Error: {root / 'kurt.toml'}: skill 'sleepy' is disabled in kurt.toml (listed in "
        "[skills].disabled)\n  hint: enable it with: kurt config skills enable sleepy\n"
    )
    for command in (["tool", "run", "sleepy"], ["tool", "info", "sleepy"]):
        outcome = run_kurt("--project", str(root), *command)
        assert (outcome.exit_code, outcome.stderr) == (1, expected)
    assert imported(markers(root)) == set()


def test_validate_never_imports_a_shadowed_skill(
    project: Path, run_kurt: Run, kurt_home: Path
) -> None:
    write_skill(project / "skills", "twin", markers=markers(project))
    write_skill(kurt_home / "skills", "twin", markers=kurt_home / "markers")
    outcome = run_kurt("--project", str(project), "skill", "validate", "--json")
    assert outcome.exit_code == 0, outcome.stdout
    winner, shadowed = json.loads(outcome.stdout)
    assert (winner["imported"], shadowed["imported"]) == (True, False)
    assert shadowed["warnings"][-1]["message"] == (
        f"implements checked statically only: it is shadowed by {project / 'skills' / 'twin'}"
    )
    assert imported(kurt_home / "markers") == set()


def test_list_fits_80_columns_without_breaking_a_word(three: Path, run_kurt: Run) -> None:
    # Piped (a real subprocess): plain aligned columns at the width COLUMNS gives.
    outcome = run_kurt("--project", str(three), "skill", "list", env={"COLUMNS": "80"})
    assert outcome.exit_code == 0, outcome.stderr
    lines = outcome.stdout.splitlines()
    assert lines[0].split()[:5] == ["name", "version", "source", "status", "provides"]
    for name in ("alpha", "beta", "gamma"):
        path = str(three / "skills" / name)
        assert any(line.split()[:5] == [name, "0.1.0", "project", "ok", "tool"] for line in lines)
        assert any(line.strip() == path or line.endswith(f"  {path}") for line in lines)
    assert all(len(line) <= 80 for line in lines if str(three) not in line)


def test_list_problems_go_to_stderr_with_their_severity(project: Path, run_kurt: Run) -> None:
    write_skill(project / "skills", "alpha", version="not a version")
    outcome = run_kurt("--project", str(project), "skill", "list")
    assert outcome.exit_code == 0, outcome.stderr
    assert "invalid" in outcome.stdout
    assert outcome.stderr.startswith("alpha: error: ")


def test_info_sees_a_manifest_rewritten_in_place(three: Path, run_kurt: Run) -> None:
    # SPEC section 8: the very next `skill info` answers from the disk as it is now.
    assert run_kurt("--project", str(three), "skill", "list", "--json").exit_code == 0
    before = json.loads(run_kurt("--project", str(three), "skill", "info", "beta", "--json").stdout)
    manifest = three / "skills" / "beta" / "SKILL.md"
    text = manifest.read_text("utf-8")
    manifest.write_text(text.replace(before["description"], "Rewritten in place."), "utf-8")
    outcome = run_kurt("--project", str(three), "skill", "info", "beta", "--json")
    assert outcome.exit_code == 0, outcome.stderr
    assert json.loads(outcome.stdout)["description"] == "Rewritten in place."
