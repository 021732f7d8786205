"""The loader: source only, unique names, helpers, errors with file and line."""

from __future__ import annotations

import importlib.util
import json
import os
import py_compile
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from skill_helpers import imported, write_skill

from kurt.config.locations import Locations
from kurt.errors import SkillError
from kurt.registry import FETCHERS, MAPPERS, TOOLS, register_tool
from kurt.skills.loader import is_loaded, load_skill, module_name
from kurt.skills.manager import SkillManager
from kurt.skills.record import SkillRecord
from kurt.tools.base import Tool


def record_of(root: Path, home: Path, name: str) -> SkillRecord:
    return SkillManager(Locations(root, home)).record(name)


def test_loads_every_kind_attributed_to_the_skill(project: Path, kurt_home: Path) -> None:
    provides = [("tool", "k-tool"), ("fetcher", "k-fetch"), ("mapper", "k-map")]
    write_skill(project / "skills", "kinds", provides=provides)
    record = record_of(project, kurt_home, "kinds")
    module = load_skill(record)
    assert module.__name__ == f"{module_name(record)}.skill"
    assert module_name(record).startswith("kurt_skill_kinds_")
    for registry, name in ((TOOLS, "k-tool"), (FETCHERS, "k-fetch"), (MAPPERS, "k-map")):
        entry = registry.registered(name)
        assert entry is not None
        assert entry.skill == "kinds"
    assert is_loaded(record)
    assert load_skill(record) is module  # once
    assert (project / "skills" / ".markers" / "kinds").read_text() == "imported\n"


def test_an_imported_skill_registers_again_in_an_emptied_registry(
    project: Path, kurt_home: Path
) -> None:
    write_skill(project / "skills", "again", provides=[("tool", "again-tool")])
    record = record_of(project, kurt_home, "again")
    module = load_skill(record)
    with TOOLS.isolated():
        # Python will not run skill.py twice; the loader registers its class again.
        assert load_skill(record) is module
        entry = TOOLS.registered("again-tool")
        assert entry is not None
        assert entry.skill == "again"
    assert (project / "skills" / ".markers" / "again").read_text() == "imported\n"


def test_skill_imports_its_own_helpers_relatively(project: Path, kurt_home: Path) -> None:
    for name, word in (("first", "one"), ("second", "two")):
        folder = write_skill(
            project / "skills",
            name,
            code=f"""
            from . import util
            from .sub.deep import VALUE

            @register_tool
            class {name.capitalize()}Impl(Tool):
                name = {name!r}
                description = util.WORD + VALUE
            """,
        )
        (folder / "util.py").write_text(f"WORD = {word!r}\n", "utf-8")
        (folder / "sub").mkdir()
        (folder / "sub" / "__init__.py").write_text("", "utf-8")
        (folder / "sub" / "deep.py").write_text(f"VALUE = '-{name}'\n", "utf-8")
        load_skill(record_of(project, kurt_home, name))
    assert TOOLS.entry("first").description == "one-first"
    assert TOOLS.entry("second").description == "two-second"  # its own util.py, not first's


def _forge_pyc(source: Path, evil: str) -> None:
    """Plant a __pycache__ .pyc of ``evil`` whose header matches ``source``."""
    good = source.read_text("utf-8") + "#" * len(evil) + "\n"  # longer than evil
    source.write_text(good, "utf-8")
    padded = evil + "#" * (len(good.encode()) - len(evil.encode()) - 1) + "\n"
    assert len(padded.encode()) == len(good.encode())
    stat = source.stat()
    source.write_text(padded, "utf-8")
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    py_compile.compile(str(source), cfile=importlib.util.cache_from_source(str(source)))
    source.write_text(good, "utf-8")
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_a_shipped_pyc_never_runs(project: Path, kurt_home: Path, tmp_path: Path) -> None:
    folder = write_skill(
        project / "skills",
        "safe",
        code="""
    from .helper import X

    @register_tool
    class SafeImpl(Tool):
        name = "safe"
        description = X
    """,
    )
    (folder / "helper.py").write_text("X = 'reviewed'\n", "utf-8")
    evil_marker = tmp_path / "evil-ran"
    evil = f"open({str(evil_marker)!r}, 'w').write('pwned')\nX = 'evil'\n"
    _forge_pyc(folder / "helper.py", evil)
    _forge_pyc(folder / "skill.py", evil)
    # The forged bytecode is what Python's ordinary import would run:
    spec = importlib.util.spec_from_file_location("probe_helper", folder / "helper.py")
    assert spec is not None
    assert spec.loader is not None
    probe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(probe)
    assert probe.X == "evil"
    evil_marker.unlink()
    load_skill(record_of(project, kurt_home, "safe"))
    assert TOOLS.entry("safe").description == "reviewed"
    assert not evil_marker.exists()


def test_loading_writes_no_bytecode_into_the_skill(project: Path, kurt_home: Path) -> None:
    folder = write_skill(
        project / "skills",
        "clean",
        code="""
    from . import helper

    @register_tool
    class CleanImpl(Tool):
        name = "clean"
        description = "x"
    """,
    )
    (folder / "helper.py").write_text("", "utf-8")
    load_skill(record_of(project, kurt_home, "clean"))
    assert not (folder / "__pycache__").exists()


def line_in(file: Path, needle: str) -> int:
    """The 1-based line of ``file`` holding ``needle``."""
    lines = file.read_text("utf-8").splitlines()
    return next(number for number, text in enumerate(lines, 1) if needle in text)


def failing(project: Path, kurt_home: Path, name: str, code: str) -> SkillError:
    write_skill(project / "skills", name, code=code)
    with pytest.raises(SkillError) as caught:
        load_skill(record_of(project, kurt_home, name))
    return caught.value


def test_syntax_error_names_file_and_line(project: Path, kurt_home: Path) -> None:
    error = failing(project, kurt_home, "syntax", "x = 1\ndef broken(:\n")
    assert error.file == str(project / "skills" / "syntax" / "skill.py")
    assert error.line == line_in(Path(error.file), "def broken(:")
    assert "skill 'syntax' has a syntax error: SyntaxError" in error.message


def test_exception_at_import_names_the_raising_line(project: Path, kurt_home: Path) -> None:
    error = failing(project, kurt_home, "raiser", "\nraise RuntimeError('boom at import')\n")
    assert error.file == str(project / "skills" / "raiser" / "skill.py")
    assert error.line == line_in(Path(error.file), "raise RuntimeError")
    assert error.message == ("skill 'raiser' failed to load: RuntimeError: boom at import")


def test_error_in_a_helper_names_the_helper(project: Path, kurt_home: Path) -> None:
    folder = project / "skills" / "helped"
    folder.mkdir(parents=True)
    (folder / "helper.py").write_text("\n\n1 / 0\n", "utf-8")
    error = failing(project, kurt_home, "helped", "from . import helper\n")
    assert (error.file, error.line) == (str(folder / "helper.py"), 3)
    assert "ZeroDivisionError" in error.message


def test_import_error_is_a_skill_error(project: Path, kurt_home: Path) -> None:
    error = failing(project, kurt_home, "importer", "import no_such_module_here\n")
    assert "ModuleNotFoundError: No module named 'no_such_module_here'" in error.message
    assert error.line == line_in(Path(str(error.file)), "import no_such_module_here")


def test_missing_class_names_skill_py(project: Path, kurt_home: Path) -> None:
    error = failing(project, kurt_home, "classless", "class ClasslessImpl:\n    pass\n")
    assert error.file == str(project / "skills" / "classless" / "skill.py")
    assert error.line == line_in(Path(error.file), "class ClasslessImpl:")
    assert "class ClasslessImpl (tool 'classless' in SKILL.md) was not registered" in error.message


def test_system_exit_at_import_is_a_skill_error(project: Path, kurt_home: Path) -> None:
    error = failing(project, kurt_home, "quitter", "import sys\nsys.exit(3)\n")
    assert "SystemExit" in error.message


def test_failure_leaves_nothing_registered_or_imported(project: Path, kurt_home: Path) -> None:
    code = """
    @register_tool
    class HalfImpl(Tool):
        name = "half-done"
        description = "x"

    raise ValueError("after registering")
    """
    failing(project, kurt_home, "half", code)
    assert TOOLS.registered("half-done") is None
    assert not [m for m in sys.modules if m.startswith("kurt_skill_half_")]


def test_taking_a_registered_name_is_a_skill_error(project: Path, kurt_home: Path) -> None:
    @register_tool
    class Owner(Tool):  # type: ignore[type-arg]
        name = "taken"
        description = "Kurt's own"

    write_skill(project / "skills", "taker", provides=[("tool", "taken")])
    with pytest.raises(SkillError) as caught:
        load_skill(record_of(project, kurt_home, "taker"))
    assert "The tool name 'taken' is already registered" in caught.value.message
    assert TOOLS.entry("taken").obj is Owner


def test_skill_py_symlink_leading_outside_is_refused(
    project: Path, kurt_home: Path, tmp_path: Path
) -> None:
    folder = write_skill(project / "skills", "linked")
    outside = tmp_path / "outside.py"
    outside.write_text((folder / "skill.py").read_text("utf-8"), "utf-8")
    (folder / "skill.py").unlink()
    os.symlink(outside, folder / "skill.py")
    with pytest.raises(SkillError) as caught:
        load_skill(record_of(project, kurt_home, "linked"))
    assert caught.value.message == (
        f"skill 'linked': skill.py resolves outside its search path {project / 'skills'} "
        f"(to {outside}); refused"
    )
    assert imported(project / "skills" / ".markers") == set()


# -- modules a skill imports must stay inside its search path (SPEC 5, Trust) ------

USES_HELPER = """
from .helper import X

@register_tool
class {cls}(Tool):
    name = {name!r}
    description = X
"""

REFUSED_HINT = (
    "a skill may only import its own files: copy the file into the skill folder "
    "instead of linking to it"
)


def outside_module(path: Path) -> Path:
    """A module outside every search path that leaves ``<path>.ran`` when it runs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    ran = path.with_suffix(".ran")
    path.write_text(f"open({str(ran)!r}, 'w').close()\nX = 'outside'\n", "utf-8")
    return ran


def test_helper_symlink_leading_outside_is_refused(
    project: Path, kurt_home: Path, tmp_path: Path
) -> None:
    skills = project / "skills"
    folder = write_skill(skills, "helped", code=USES_HELPER.format(cls="HelpedImpl", name="helped"))
    outside = tmp_path / "elsewhere" / "out.py"
    ran = outside_module(outside)
    os.symlink(outside, folder / "helper.py")
    with pytest.raises(SkillError) as caught:
        load_skill(record_of(project, kurt_home, "helped"))
    error = caught.value
    assert error.file == str(folder / "helper.py")
    assert error.message == (
        f"skill 'helped': helper.py resolves outside its search path {skills} "
        f"(to {outside}); refused"
    )
    assert error.hint == REFUSED_HINT
    assert not ran.exists()  # refused before it was read
    assert TOOLS.registered("helped") is None
    assert not [m for m in sys.modules if m.startswith("kurt_skill_helped_")]


def test_helper_symlink_outside_exits_1_and_other_skills_still_run(
    project: Path, tmp_path: Path, run_kurt: Callable[..., Any]
) -> None:
    skills = project / "skills"
    folder = write_skill(skills, "linker", code=USES_HELPER.format(cls="LinkerImpl", name="linker"))
    write_skill(skills, "plain")
    outside = tmp_path / "out.py"
    ran = outside_module(outside)
    os.symlink(outside, folder / "helper.py")
    refused = run_kurt("tool", "run", "linker", cwd=project)
    assert refused.exit_code == 1
    assert refused.stderr == (
        f"Error: {folder / 'helper.py'}: skill 'linker': helper.py resolves outside its "
        f"search path {skills} (to {outside}); refused\n  hint: {REFUSED_HINT}\n"
    )
    assert "Traceback" not in refused.stderr
    assert not ran.exists()
    works = run_kurt("tool", "run", "plain", "--json", cwd=project)
    assert works.exit_code == 0, works.stderr
    assert json.loads(works.stdout)["success"] is True


@pytest.mark.parametrize("target", ["real.py", "../common/real.py"])
def test_helper_symlink_inside_the_search_path_works(
    project: Path, kurt_home: Path, target: str
) -> None:
    folder = write_skill(
        project / "skills", "aliased", code=USES_HELPER.format(cls="AliasedImpl", name="aliased")
    )
    real = (folder / target).resolve()
    real.parent.mkdir(parents=True, exist_ok=True)
    real.write_text("X = 'inside'\n", "utf-8")
    os.symlink(target, folder / "helper.py")
    load_skill(record_of(project, kurt_home, "aliased"))
    assert TOOLS.entry("aliased").description == "inside"


@pytest.mark.parametrize(
    ("init", "offender"), [(True, "sub/__init__.py"), (False, "sub")], ids=["package", "namespace"]
)
def test_sub_package_folder_symlink_leading_outside_is_refused(
    project: Path, kurt_home: Path, tmp_path: Path, init: bool, offender: str
) -> None:
    skills = project / "skills"
    folder = write_skill(
        skills,
        "deep",
        code="""
        from .sub.mod import X

        @register_tool
        class DeepImpl(Tool):
            name = "deep"
            description = X
        """,
    )
    elsewhere = tmp_path / "elsewhere"
    ran = outside_module(elsewhere / "mod.py")
    if init:
        (elsewhere / "__init__.py").write_text(
            f"open({str(elsewhere / 'init.ran')!r}, 'w').close()\n", "utf-8"
        )
    os.symlink(elsewhere, folder / "sub", target_is_directory=True)
    with pytest.raises(SkillError) as caught:
        load_skill(record_of(project, kurt_home, "deep"))
    error = caught.value
    assert error.file == str(folder / offender)
    target = elsewhere / "__init__.py" if init else elsewhere
    assert error.message == (
        f"skill 'deep': {offender} resolves outside its search path {skills} (to {target}); refused"
    )
    assert not ran.exists()
    assert not (elsewhere / "init.ran").exists()
    assert TOOLS.registered("deep") is None
