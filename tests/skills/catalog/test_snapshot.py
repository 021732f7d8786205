"""The snapshot's contract: whenever a warm path answers, it answers what the
full path (``SkillManager.catalog()`` with ``use_cache=False``) does, for a
varied set of skills; and one format number covers every derived file."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from skill_helpers import write_skill

from kurt.config.locations import Locations
from kurt.config.skills import read_skills_config
from kurt.skills.catalog import cache, snapshot
from kurt.skills.catalog.cache import load_quick
from kurt.skills.catalog.warm import warm_listing, warm_table, warm_tools
from kurt.skills.manager import SkillManager


def varied(make_project: Callable[..., Path], kurt_home: Path, toml: str) -> Path:
    """Valid, invalid, shadowed, disabled, unusable and untrusted-by-default skills."""
    root = make_project("p", toml)
    skills = root / "skills"
    write_skill(skills, "valid", provides=[("tool", "valid"), ("fetcher", "grab")])
    write_skill(skills, "broken", manifest_extra="requires_python: '=>3'")
    write_skill(skills, "shared", description="the project's")
    write_skill(kurt_home / "skills", "shared", description="the user's (shadowed)")
    write_skill(skills, "off")
    write_skill(skills, "needy", manifest_extra="requires_env: [KURT_SURELY_UNSET_VARIABLE]")
    write_skill(skills, "oldpy", manifest_extra='requires_python: ">=99"')
    write_skill(skills, "notes", provides=[])
    write_skill(kurt_home / "skills", "mapper", provides=[("mapper", "spread")])
    return root


def full(root: Path, home: Path) -> SkillManager:
    manager = SkillManager(Locations(root, home), use_cache=False)
    manager.catalog()
    return manager


CONFIGS = [
    "",
    '[skills]\ndisabled = ["off"]\n',
    '[skills]\nenabled = ["valid", "needy", "shared"]\n',
]
# The statuses each configuration shows (every one of them, over the three).
STATUSES = [
    {"ok", "invalid", "shadowed", "unusable"},
    {"ok", "invalid", "shadowed", "unusable", "disabled"},
    {"ok", "shadowed", "unusable", "disabled"},
]


@pytest.mark.parametrize(("toml", "statuses"), list(zip(CONFIGS, STATUSES, strict=True)))
@pytest.mark.parametrize("trusted", [True, False])
def test_the_warm_listing_equals_the_full_path(
    make_project: Callable[..., Path],
    kurt_home: Path,
    toml: str,
    statuses: set[str],
    trusted: bool,
) -> None:
    root = varied(make_project, kurt_home, toml)
    if not trusted:
        (kurt_home / "trusted-projects.json").unlink()
    truth = full(root, kurt_home).listing()
    assert {row["status"] for row in truth} == statuses
    assert {row["trusted"] for row in truth} == ({True} if trusted else {True, False})
    SkillManager(Locations(root, kurt_home)).listing()  # writes the snapshot and pointer
    warm = warm_listing(str(root))
    assert warm is not None
    assert json.loads(warm) == truth
    # The manager's own warm path (kurt.toml read, then the snapshot).
    assert SkillManager(Locations(root, kurt_home)).listing() == truth


@pytest.mark.parametrize("toml", CONFIGS)
def test_the_run_index_equals_the_full_path(
    make_project: Callable[..., Path], kurt_home: Path, toml: str
) -> None:
    root = varied(make_project, kurt_home, toml)
    truth = full(root, kurt_home)
    locations = Locations(root, kurt_home)
    SkillManager(locations).catalog()  # writes the run index
    quick = load_quick(locations, read_skills_config(locations))
    assert quick is not None
    assert quick.providers == truth.catalog().providers
    winners = [r for r in truth.records if r.status != "shadowed"]
    for record in winners:
        found = quick.find(record.name)
        assert found is not None
        # Trust is the manager's to apply; everything else must agree.
        assert found._replace(trusted=record.trusted) == record
    for kind in ("tool", "fetcher", "mapper"):
        warm = SkillManager(locations).provided(kind)
        assert {name: r.name for name, r in warm.items()} == {
            name: r.name for name, r in truth.provided(kind).items()
        }


@pytest.mark.parametrize("toml", CONFIGS)
@pytest.mark.parametrize("trusted", [True, False])
def test_the_human_table_equals_the_full_path(
    make_project: Callable[..., Path], kurt_home: Path, toml: str, trusted: bool
) -> None:
    """`kurt skill list`'s long table from the snapshot's cells: the same cells,
    problems and trust note as from the full path's rows."""
    root = varied(make_project, kurt_home, toml)
    if not trusted:
        (kurt_home / "trusted-projects.json").unlink()
    rows = full(root, kurt_home).listing()
    cells = [
        [
            row["name"],
            row["version"] or "",
            row["source"],
            row["status"] + ("" if row["trusted"] else " (untrusted)"),
            ", ".join(f"{p['type']} {p['name']}" for p in row["provides"]),
            row["path"],
        ]
        for row in rows
    ]
    problems = any(row["problems"] for row in rows)
    untrusted = not all(row["trusted"] for row in rows)
    SkillManager(Locations(root, kurt_home)).listing()  # writes the snapshot and pointer
    assert warm_table(str(root)) == (cells, problems, untrusted)


@pytest.mark.parametrize("toml", CONFIGS)
def test_the_provided_names_equal_the_full_path(
    make_project: Callable[..., Path], kurt_home: Path, toml: str
) -> None:
    """`kurt tool list`'s join from the snapshot: each name a skill provides,
    with the usable skill that wins it and the description shown."""
    root = varied(make_project, kurt_home, toml)
    # Names provided by skills of two sources: the first usable one wins
    # ("needy" cannot run here, so the user's "backup" provides its tool).
    write_skill(kurt_home / "skills", "backup", provides=[("tool", "needy"), ("tool", "valid")])
    truth = sorted(full(root, kurt_home).provided_listing())
    winners = {(kind, name): skill for kind, name, skill, _ in truth}
    assert winners[("tool", "valid")] == "valid"
    assert winners.get(("tool", "needy")) == (None if "enabled" in toml else "backup")
    assert all(description for *_, description in truth)
    SkillManager(Locations(root, kurt_home)).listing()  # writes the snapshot and pointer
    warm = warm_tools(str(root))
    assert warm is not None
    provided, invalid = warm
    assert sorted(provided) == truth
    records = full(root, kurt_home).records
    assert invalid == [r.name for r in records if r.status == "invalid"]
    assert sorted(SkillManager(Locations(root, kurt_home)).provided_listing()) == truth


@pytest.mark.parametrize("toml", CONFIGS)
def test_the_config_rows_equal_the_full_path(
    make_project: Callable[..., Path], kurt_home: Path, toml: str
) -> None:
    """`kurt config skills` from the snapshot: every skill's source, status,
    enabled state, settings schema and errors."""
    root = varied(make_project, kurt_home, toml)
    write_skill(
        root / "skills", "tuned", manifest_extra="settings:\n  depth: {type: int, default: 2}"
    )
    truth = full(root, kurt_home).config_rows()
    assert any(settings for *_, settings, _ in truth)
    assert any(errors for *_, errors in truth)
    manager = SkillManager(Locations(root, kurt_home))
    manager.listing()  # writes the snapshot
    warm = SkillManager(Locations(root, kurt_home))
    assert warm.config_rows() == truth
    assert warm._full is None  # answered from the snapshot, no catalog built


def test_a_clash_is_never_answered_warm(make_project: Callable[..., Path], kurt_home: Path) -> None:
    """Disabling one side of a clash changes the other's row: no snapshot then
    (the full path answers), and the manager's answer is still the truth."""
    root = make_project("p")
    write_skill(root / "skills", "one", provides=[("tool", "same")])
    write_skill(root / "skills", "two", provides=[("tool", "same")])
    truth = full(root, kurt_home).listing()
    assert {row["status"] for row in truth} == {"invalid"}
    assert SkillManager(Locations(root, kurt_home)).listing() == truth
    assert warm_listing(str(root)) is None


def test_one_format_for_the_cache_and_every_derived_file() -> None:
    assert cache.FORMAT is snapshot.FORMAT
    assert str(snapshot.FORMAT) in snapshot.MAGIC
    assert str(snapshot.FORMAT) in snapshot.POINTER_MAGIC


def test_the_snapshot_module_imports_only_the_standard_library() -> None:
    import subprocess
    import sys

    script = (
        "import sys; before = set(sys.modules); import kurt.skills.catalog.snapshot;"
        "print(' '.join(sorted(set(sys.modules) - before)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    new = set(done.stdout.split())
    assert {m for m in new if m.startswith("kurt")} <= {
        "kurt",
        "kurt._version",
        "kurt.skills",
        "kurt.skills.catalog",
        "kurt.skills.catalog.scan",
        "kurt.skills.catalog.snapshot",
    }
    assert not new & {"pathlib", "json", "tomllib", "pydantic", "yaml", "attrs"}
