"""The manifest cache: reused when fresh, rebuilt when stale or corrupt."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from skill_helpers import write_skill

from kurt.config.locations import Locations
from kurt.config.skills import SkillsConfig, read_skills_config
from kurt.skills.catalog.cache import FORMAT, cache_file, fast_listing, load_catalog, load_quick
from kurt.skills.catalog.search import search_roots
from kurt.skills.manager import SkillManager


def snapshot_rows(locations: Locations, config: SkillsConfig) -> list[dict[str, object]] | None:
    """The listing snapshot's rows, or None when it is refused."""
    text = fast_listing(locations, config)
    return None if text is None else json.loads(text)


def descriptions(root: Path, home: Path) -> dict[str, str]:
    return {r.name: r.description for r in SkillManager(Locations(root, home)).records}


def the_cache(root: Path, home: Path) -> Path:
    locations = Locations(root, home)
    return cache_file(locations, search_roots(locations, read_skills_config(locations)))


def test_first_listing_writes_the_cache_atomically(project: Path, kurt_home: Path) -> None:
    write_skill(project / "skills", "one")
    descriptions(project, kurt_home)
    path = the_cache(project, kurt_home)
    data = json.loads(path.read_text("utf-8"))
    assert [row["facts"]["name"] for row in data["skills"]] == ["one"]
    derived = [path.stem + ".list", path.stem + ".index"]
    # No temporary file is left behind.
    assert sorted(p.name for p in path.parent.iterdir()) == sorted([path.name, *derived])


def test_changed_manifest_is_read_again(project: Path, kurt_home: Path) -> None:
    write_skill(project / "skills", "one", description="first")
    assert descriptions(project, kurt_home)["one"] == "first"
    write_skill(project / "skills", "one", description="second, longer")
    assert descriptions(project, kurt_home)["one"] == "second, longer"


def test_same_size_but_new_mtime_is_read_again(project: Path, kurt_home: Path) -> None:
    folder = write_skill(project / "skills", "one", description="aaaa")
    manifest = folder / "SKILL.md"
    before = manifest.stat()
    assert descriptions(project, kurt_home)["one"] == "aaaa"
    manifest.write_text(manifest.read_text("utf-8").replace("aaaa", "bbbb"), "utf-8")
    os.utime(manifest, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000))
    assert manifest.stat().st_size == before.st_size
    assert descriptions(project, kurt_home)["one"] == "bbbb"


def test_cached_facts_are_used_when_nothing_changed(project: Path, kurt_home: Path) -> None:
    write_skill(project / "skills", "one", description="real")
    descriptions(project, kurt_home)
    path = the_cache(project, kurt_home)
    data = json.loads(path.read_text("utf-8"))
    data["skills"][0]["facts"]["description"] = "from the cache"
    path.write_text(json.dumps(data), "utf-8")
    # Same path, size and mtime: the cached facts answer (the file is not re-read).
    assert descriptions(project, kurt_home)["one"] == "from the cache"


def test_corrupt_cache_is_ignored_and_rebuilt(project: Path, kurt_home: Path) -> None:
    write_skill(project / "skills", "one", description="real")
    descriptions(project, kurt_home)
    path = the_cache(project, kurt_home)
    wrong_shape = json.dumps({"format": FORMAT, "skills": [["x"]]})
    for garbage in ("{not json", "[]", wrong_shape, '{"format": 1}', '{"format": 99}'):
        path.write_text(garbage, "utf-8")
        assert descriptions(project, kurt_home) == {"one": "real"}
        assert json.loads(path.read_text("utf-8"))["format"] == FORMAT


def test_unwritable_cache_costs_speed_not_correctness(project: Path, kurt_home: Path) -> None:
    write_skill(project / "skills", "one", description="real")
    (kurt_home / "cache").write_text("a file where the cache folder should be", "utf-8")
    assert descriptions(project, kurt_home) == {"one": "real"}


def test_quick_catalog_needs_an_unchanged_scan(project: Path, kurt_home: Path) -> None:
    locations = Locations(project, kurt_home)
    config = read_skills_config(locations)
    write_skill(project / "skills", "one")
    assert load_quick(locations, config) is None  # nothing cached yet
    load_catalog(locations, config)
    quick = load_quick(locations, config)
    assert quick is not None
    assert quick.providers["tool"] == {"one": ["one"]}
    record = quick.find("one")
    assert record is not None
    assert record.path == project / "skills" / "one"
    assert quick.fresh(record)
    write_skill(project / "skills", "two")  # a new skill is a new line of the scan
    assert load_quick(locations, config) is None


def test_quick_catalog_sees_every_manifest_as_it_is_now(project: Path, kurt_home: Path) -> None:
    """Resolution trusts the run index only while every manifest is as it was
    (SPEC section 8): another skill's manifest deleted, or rewritten in place,
    is noticed by the next lookup, not only by a listing."""
    write_skill(project / "skills", "used")
    other = write_skill(project / "skills", "other")
    manager = SkillManager(Locations(project, kurt_home))
    manager.catalog()
    locations = Locations(project, kurt_home)
    assert load_quick(locations, read_skills_config(locations)) is not None
    write_skill(project / "skills", "used", description="rewritten in place")
    assert load_quick(locations, read_skills_config(locations)) is None
    (other / "SKILL.md").unlink()
    quick = SkillManager(Locations(project, kurt_home))
    assert quick.provider("tool", "used") is not None
    assert quick.provider("tool", "other") is None
    assert {r.name for r in SkillManager(Locations(project, kurt_home)).records} == {"used"}


def test_warm_listing_imports_no_yaml_pydantic_or_attrs(project: Path, kurt_home: Path) -> None:
    write_skill(project / "skills", "one")
    script = (
        "import sys\n"
        "from kurt.cli.app import run\n"
        "code = run(['--project', sys.argv[1], 'skill', 'list', '--json'])\n"
        "heavy = sorted(m for m in ('yaml', 'pydantic', 'pydantic_settings', 'attrs',"
        " 'rich', 'importlib.metadata') if m in sys.modules)\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    outcomes = [
        subprocess.run(
            [sys.executable, "-c", script, str(project)],
            capture_output=True,
            text=True,
            check=True,
            env=os.environ.copy(),
        ).stderr.strip()
        for _ in range(2)
    ]
    assert "yaml" in outcomes[0]  # cold: the manifest is parsed
    assert outcomes[1] == "HEAVY []"


def test_listing_snapshot_answers_when_nothing_changed(
    make_project: Callable[..., Path], kurt_home: Path
) -> None:
    root = make_project("p")
    write_skill(root / "skills", "one")
    write_skill(root / "skills", "two")
    locations = Locations(root, kurt_home)
    full = [r.to_json() for r in SkillManager(locations).records]
    config = read_skills_config(locations)
    assert snapshot_rows(locations, config) == full
    # The enabled state is applied anew: kurt.toml is not part of the snapshot.
    (root / "kurt.toml").write_text('[skills]\ndisabled = ["two"]\n', "utf-8")
    rows = snapshot_rows(locations, read_skills_config(locations))
    assert rows is not None
    assert [(r["name"], r["status"], r["reason"]) for r in rows] == [
        ("one", "ok", "default"),
        ("two", "disabled", "disabled-list"),
    ]


def test_listing_snapshot_is_refused_after_any_change(project: Path, kurt_home: Path) -> None:
    locations = Locations(project, kurt_home)
    config = read_skills_config(locations)
    write_skill(project / "skills", "one", description="first")
    SkillManager(locations).listing()
    assert snapshot_rows(locations, config) is not None
    write_skill(project / "skills", "one", description="changed")
    assert snapshot_rows(locations, config) is None
    rows = SkillManager(locations).listing()  # rebuilt, and the snapshot with it
    assert rows[0]["description"] == "changed"
    assert snapshot_rows(locations, config) == rows
    write_skill(project / "skills", "two")
    assert snapshot_rows(locations, config) is None
    snapshot = the_cache(project, kurt_home).with_name(the_cache(project, kurt_home).stem + ".list")
    SkillManager(locations).listing()
    snapshot.write_text("{corrupt", "utf-8")
    assert snapshot_rows(locations, config) is None
    assert [r["name"] for r in SkillManager(locations).listing()] == ["one", "two"]
    assert snapshot_rows(locations, config) is not None
