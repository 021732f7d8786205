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
from pydantic import BaseModel
from skill_helpers import imported, write_skill

from kurt.config.locations import Locations
from kurt.core.tool import Tool
from kurt.errors import SkillError
from kurt.registry import FETCHERS, MAPPERS, TOOLS, register_tool
from kurt.skills.loader import is_loaded, load_skill, module_name
from kurt.skills.manager import SkillManager
from kurt.skills.record import SkillRecord


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
                InputModel = OutputModel = BaseModel
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
        InputModel = OutputModel = BaseModel
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
        InputModel = OutputModel = BaseModel
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
        InputModel = OutputModel = BaseModel

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
        InputModel = OutputModel = BaseModel

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
    InputModel = OutputModel = BaseModel
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
            InputModel = OutputModel = BaseModel
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


# -- failures that name the mistake behind them ------------------------------------


def outcome_error(outcome: Any) -> str:
    """The CLI's error text of a failed run, checked to be clean (exit 1, no traceback)."""
    assert outcome.exit_code == 1, outcome.stderr
    assert "Traceback" not in outcome.stderr
    return str(outcome.stderr)


ABSOLUTE_HELPER = """
{import_line}

@register_tool
class OopsImpl(Tool):
    name = "oops"
    description = "x"
    InputModel = OutputModel = BaseModel
"""


@pytest.mark.parametrize(
    ("import_line", "hint"),
    [
        ("from helpers import greet", "import it relatively: from .helpers import ..."),
        ("import helpers", "import it relatively: from . import helpers"),
        ("from pkg.mod import greet", "import it relatively: from .pkg import ..."),
    ],
    ids=["from-import", "import", "package"],
)
def test_absolute_import_of_a_helper_hints_the_relative_import(
    project: Path, kurt_home: Path, import_line: str, hint: str
) -> None:
    folder = write_skill(
        project / "skills", "oops", code=ABSOLUTE_HELPER.format(import_line=import_line)
    )
    (folder / "helpers.py").write_text("def greet():\n    return 'hi'\n", "utf-8")
    (folder / "pkg").mkdir()
    (folder / "pkg" / "mod.py").write_text("def greet():\n    return 'hi'\n", "utf-8")
    with pytest.raises(SkillError) as caught:
        load_skill(record_of(project, kurt_home, "oops"))
    error = caught.value
    top = import_line.split()[1].partition(".")[0]
    assert (
        error.message
        == f"skill 'oops' failed to load: ModuleNotFoundError: No module named '{top}'"
    )
    assert (error.file, error.line) == (
        str(folder / "skill.py"),
        line_in(folder / "skill.py", import_line),
    )
    assert error.hint == hint


def test_absolute_import_inside_a_sub_package_hints_the_right_dots(
    project: Path, kurt_home: Path
) -> None:
    folder = write_skill(project / "skills", "deeper", code="from .sub import inner\n")
    (folder / "helpers.py").write_text("", "utf-8")
    (folder / "sub").mkdir()
    (folder / "sub" / "__init__.py").write_text("", "utf-8")
    (folder / "sub" / "inner.py").write_text("\nfrom helpers import greet\n", "utf-8")
    with pytest.raises(SkillError) as caught:
        load_skill(record_of(project, kurt_home, "deeper"))
    assert (caught.value.file, caught.value.line) == (str(folder / "sub" / "inner.py"), 2)
    assert caught.value.hint == "import it relatively: from ..helpers import ..."


def test_a_missing_module_that_is_not_a_helper_keeps_the_generic_hint(
    project: Path, kurt_home: Path
) -> None:
    error = failing(project, kurt_home, "importer", "import no_such_module_here\n")
    assert error.hint == "fix the skill, or disable it: kurt config skills disable importer"


def test_absolute_helper_import_in_tool_run(project: Path, run_kurt: Callable[..., Any]) -> None:
    code = ABSOLUTE_HELPER.format(import_line="from helpers import greet")
    folder = write_skill(project / "skills", "oops", code=code)
    (folder / "helpers.py").write_text("def greet():\n    return 'hi'\n", "utf-8")
    line = line_in(folder / "skill.py", "from helpers import greet")
    assert outcome_error(run_kurt("tool", "run", "oops", cwd=project)) == (
        f"Error: {folder / 'skill.py'}:{line}: skill 'oops' failed to load: "
        "ModuleNotFoundError: No module named 'helpers'\n"
        "  hint: import it relatively: from .helpers import ...\n"
    )


# The class SKILL.md names (OopsImpl, tool 'oops') registers as 'Oops'.
MISNAMED = """
@register_tool
class OopsImpl(Tool):
    name = "Oops"
    description = "x"
    InputModel = OutputModel = BaseModel
"""

MISNAMED_MESSAGE = (
    "skill 'oops': skill.py registered tool 'Oops' (class OopsImpl), "
    "but SKILL.md's implements says 'oops'"
)
MISNAMED_HINT = (
    "make the two names equal: set name = 'oops' in class OopsImpl, "
    "or change the name in SKILL.md's implements"
)


def test_a_class_registered_under_another_name_says_so(project: Path, kurt_home: Path) -> None:
    error = failing(project, kurt_home, "oops", MISNAMED)
    assert error.message == MISNAMED_MESSAGE
    assert error.hint == MISNAMED_HINT
    assert (error.file, error.line) == (
        str(project / "skills" / "oops" / "skill.py"),
        line_in(project / "skills" / "oops" / "skill.py", "class OopsImpl"),
    )
    assert TOOLS.registered("Oops") is None  # undone


def test_a_misspelled_class_suggests_the_one_in_skill_py(project: Path, kurt_home: Path) -> None:
    code = """
    @register_tool
    class OopsImp(Tool):
        name = "oops"
        description = "x"
        InputModel = OutputModel = BaseModel
    """
    error = failing(project, kurt_home, "oops", code)
    assert error.message == (
        "skill 'oops': class OopsImpl (tool 'oops' in SKILL.md) is not defined in skill.py; "
        "did you mean 'OopsImp'?"
    )
    assert error.hint == "use one spelling of the class name in SKILL.md and skill.py"
    assert error.line == line_in(Path(str(error.file)), "class OopsImp(")
    assert TOOLS.registered("oops") is None


def test_a_missing_class_with_nothing_close(project: Path, kurt_home: Path) -> None:
    code = """
    @register_tool
    class Unrelated(Tool):
        name = "oops"
        description = "x"
        InputModel = OutputModel = BaseModel
    """
    error = failing(project, kurt_home, "oops", code)
    assert error.message == (
        "skill 'oops': class OopsImpl (tool 'oops' in SKILL.md) is not defined in skill.py"
    )
    assert error.hint == (
        "define class OopsImpl in skill.py, or name one of its classes in SKILL.md's implements"
    )


def test_the_name_registered_by_another_class_says_which(project: Path, kurt_home: Path) -> None:
    code = """
    class OopsImpl(Tool):
        name = "unused"
        description = "x"
        InputModel = OutputModel = BaseModel

    @register_tool
    class Other(Tool):
        name = "oops"
        description = "x"
        InputModel = OutputModel = BaseModel
    """
    error = failing(project, kurt_home, "oops", code)
    assert error.message == (
        "skill 'oops': skill.py registered tool 'oops' with class Other, "
        "but SKILL.md's implements says class OopsImpl"
    )
    assert error.line == line_in(Path(str(error.file)), "class Other(")


def test_misnamed_and_misspelled_classes_in_tool_run_and_validate(
    project: Path, run_kurt: Callable[..., Any]
) -> None:
    folder = write_skill(project / "skills", "oops", code=MISNAMED)
    code = folder / "skill.py"
    where = f"{code}:{line_in(code, 'class OopsImpl')}"
    assert outcome_error(run_kurt("tool", "run", "oops", cwd=project)) == (
        f"Error: {where}: {MISNAMED_MESSAGE}\n  hint: {MISNAMED_HINT}\n"
    )
    validated = run_kurt("skill", "validate", "oops", cwd=project)
    assert validated.exit_code == 1
    assert f"{where}: {MISNAMED_MESSAGE}" in validated.stdout
    assert "Traceback" not in validated.stderr

    code.write_text(
        code.read_text("utf-8")
        .replace('"Oops"', '"oops"')
        .replace("class OopsImpl", "class OopsImp"),
        "utf-8",
    )
    assert outcome_error(run_kurt("tool", "run", "oops", cwd=project)) == (
        f"Error: {code}:{line_in(code, 'class OopsImp(')}: skill 'oops': class OopsImpl "
        "(tool 'oops' in SKILL.md) is not defined in skill.py; did you mean 'OopsImp'?\n"
        "  hint: use one spelling of the class name in SKILL.md and skill.py\n"
    )


WRONG_BASE_MESSAGE = "skill 'oops': class 'OopsImpl' must derive from kurt.Tool (it is a tool)"
WRONG_BASE_HINT = (
    "derive class OopsImpl from Tool (from kurt import Tool); "
    "a tool's pydantic models are its InputModel and OutputModel"
)


@pytest.mark.parametrize(
    "annotation",
    ["", ": str"],
    ids=["pydantic-fails", "registry-fails"],  # before the decorator runs, or in it
)
def test_a_tool_deriving_from_base_model_is_named(
    project: Path, kurt_home: Path, annotation: str
) -> None:
    code = f"""
    @register_tool
    class OopsImpl(BaseModel):
        name{annotation} = "oops"
        description{annotation} = "x"
    """
    error = failing(project, kurt_home, "oops", code)
    assert error.message == WRONG_BASE_MESSAGE
    assert error.hint == WRONG_BASE_HINT
    assert error.line == line_in(Path(str(error.file)), "class OopsImpl(BaseModel)")


def test_a_failure_elsewhere_keeps_its_own_message(project: Path, kurt_home: Path) -> None:
    # OopsImpl derives from the wrong base, but the import fails before it.
    code = """
    raise RuntimeError("first")

    @register_tool
    class OopsImpl(BaseModel):
        name = "oops"
    """
    error = failing(project, kurt_home, "oops", code)
    assert error.message == "skill 'oops' failed to load: RuntimeError: first"


def test_a_right_base_keeps_the_error_from_the_class_body(project: Path, kurt_home: Path) -> None:
    code = """
    @register_tool
    class OopsImpl(Tool):
        name = "oops"
        description = str(1 / 0)
        InputModel = OutputModel = BaseModel
    """
    error = failing(project, kurt_home, "oops", code)
    assert error.message == "skill 'oops' failed to load: ZeroDivisionError: division by zero"


def test_a_tool_deriving_from_base_model_in_tool_run(
    project: Path, run_kurt: Callable[..., Any]
) -> None:
    code = """
    @register_tool
    class OopsImpl(BaseModel):
        name = "oops"
        description = "x"
    """
    folder = write_skill(project / "skills", "oops", code=code)
    line = line_in(folder / "skill.py", "class OopsImpl(BaseModel)")
    assert outcome_error(run_kurt("tool", "run", "oops", cwd=project)) == (
        f"Error: {folder / 'skill.py'}:{line}: {WRONG_BASE_MESSAGE}\n  hint: {WRONG_BASE_HINT}\n"
    )
