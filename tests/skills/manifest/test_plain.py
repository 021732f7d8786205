"""The manifest's plain form without pydantic (kurt.skills.manifest.plain).

The contract: for any front matter, ``plain_manifest`` is ``None`` or exactly
what the pydantic model gives (``parse_manifest(...).to_cache()``).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import typing
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kurt.errors import ManifestError
from kurt.skills.manifest.frontmatter import FrontMatter, read_front_matter
from kurt.skills.manifest.model import ImplementsType, Manifest, SettingType, parse_manifest
from kurt.skills.manifest.plain import (
    CORE_KEYS,
    IMPLEMENTS_TYPES,
    KNOWN_KEYS,
    KURT_KEYS,
    SETTING_TYPE_NAMES,
    plain_manifest,
    read_plain,
)

F = Path("s/SKILL.md")
REPO = Path(__file__).resolve().parents[3]


def by_pydantic(fields: dict[str, Any]) -> dict[str, Any] | None:
    front = FrontMatter(fields=fields, key_lines={}, start_line=2, body="")
    try:
        return parse_manifest(front, F).to_cache()
    except ManifestError:
        return None


# --- the property -----------------------------------------------------------------------------

# Values near the model's shape, wrong ones included: the types YAML gives
# (str, int, float, bool, None, list, dict), empty text, invalid versions,
# specifiers and requirements, non-finite floats, lax-mode look-alikes (1 for
# true, "class_" for "class").
scalars = st.one_of(
    st.text(max_size=8),
    st.integers(-3, 3),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
)
plain_data = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=6,
)
text = st.sampled_from(["x", "web-archiver", "Archive pages.", ""]) | st.text(max_size=6)
maybe_text = text | st.none() | scalars
texts = st.lists(text, max_size=3) | st.lists(maybe_text, max_size=2) | scalars
versions = st.sampled_from(["1.0", "0.1.2", "1.0.0rc1", "not a version", "1.10", ""]) | scalars
specifiers = st.sampled_from([">=3.11", "<3", "~=3.8", "three", ""]) | scalars
requirements = (
    st.lists(
        st.sampled_from(["httpx>=0.27", "packaging", "not valid!", "a[b]; python_version<'4'"]),
        max_size=2,
    )
    | texts
)
implementation = st.fixed_dictionaries(
    {
        "type": st.sampled_from([*IMPLEMENTS_TYPES, "widget"]) | scalars,
        "class": st.sampled_from(["ArchiveTool", ""]) | scalars,
        "name": st.sampled_from(["archive", ""]) | scalars,
    },
    optional={
        "description": maybe_text,
        "class_": st.just("Other"),
        "extra": scalars,
    },
)
setting = st.fixed_dictionaries(
    {"type": st.sampled_from([*SETTING_TYPE_NAMES, "number"]) | scalars},
    optional={
        "default": plain_data,
        "description": maybe_text,
        "required": st.booleans() | scalars,
        "secret": st.booleans() | scalars,
        "env": maybe_text,
        "unknown": scalars,
    },
)
command = st.fixed_dictionaries(
    {
        "name": st.sampled_from(["archive-all", ""]) | scalars,
        "entry": st.sampled_from(["cli:main", ""]) | scalars,
    },
    optional={"help": maybe_text, "extra": scalars},
)
front_matter = st.fixed_dictionaries(
    {"name": text | scalars, "description": text | scalars},
    optional={
        "license": maybe_text,
        "compatibility": maybe_text,
        "metadata": st.dictionaries(st.text(max_size=3), text, max_size=2) | plain_data,
        "allowed-tools": maybe_text | texts,
        "version": versions,
        "author": maybe_text,
        "tags": texts,
        "requires_python": specifiers,
        "requires": requirements,
        "requires_env": texts,
        "requires_api": texts,
        "requires_skills": texts,
        "implements": st.lists(implementation, max_size=3) | scalars,
        "settings": st.dictionaries(st.sampled_from(["timeout", "token", "bad key"]), setting)
        | scalars,
        "workflows": texts,
        "commands": st.lists(command, max_size=2) | scalars,
        "effort": plain_data,
        "extra_keys": plain_data,
    },
)


@pytest.mark.slow  # 400 generated manifests, each through pydantic too
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(fields=front_matter)
def test_the_plain_form_is_what_pydantic_gives_or_nothing(fields: dict[str, Any]) -> None:
    plain = plain_manifest(fields)
    if plain is not None:
        expected = by_pydantic(fields)
        assert plain == expected
        # Key order too: the cache and listings are the same text either way.
        assert json.dumps(plain) == json.dumps(expected)


def test_the_property_is_not_vacuous() -> None:
    """A healthy manifest, every key used, takes the plain path (and matches)."""
    fields = {
        "name": "web-archiver",
        "description": "Archive pages.",
        "license": "MIT",
        "compatibility": "needs network",
        "metadata": {"owner": "docs"},
        "allowed-tools": ["Read", "Bash"],
        "version": "1.10",
        "author": "Ada",
        "tags": ["web"],
        "requires_python": ">=3.11",
        "requires": ["httpx>=0.27"],
        "requires_env": ["TOKEN"],
        "requires_api": ["web"],
        "requires_skills": ["base"],
        "requires_llm": True,
        "implements": [{"type": "tool", "class": "A", "name": "archive", "description": "d"}],
        "settings": {"timeout": {"type": "float", "default": 30, "secret": False}},
        "workflows": ["digest.toml"],
        "commands": [{"name": "archive-all", "entry": "cli:main", "help": "Archive all."}],
        "effort": "high",
    }
    assert set(fields) - {"effort"} == KNOWN_KEYS
    plain = plain_manifest(fields)
    assert plain is not None
    assert plain == by_pydantic(fields)
    assert plain["extra_keys"] == ["effort"]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("metadata", {"n": 1}),  # read as text with a warning: pydantic's coercion
        ("version", "not a version"),
        ("requires_python", "three"),
        ("requires", ["not valid!"]),
        ("tags", "web"),
        ("implements", [{"type": "tool", "class_": "A", "name": "a"}]),
        ("settings", {"t": {"type": "float", "default": math.inf}}),
        ("settings", {"t": {"type": "bool", "required": 1}}),
    ],
)
def test_anything_off_shape_is_left_to_pydantic(key: str, value: Any) -> None:
    assert plain_manifest({"name": "a", "description": "d", key: value}) is None


def test_read_plain_explains_through_pydantic() -> None:
    text = "---\nname: a\ndescription: d\ntags: web\n---\n"
    front = read_front_matter(text, F)
    with pytest.raises(ManifestError, match="'tags': expected a list") as caught:
        read_plain(front, F)
    assert caught.value.line == 4
    coerced = read_plain(
        read_front_matter("---\nname: a\ndescription: d\nmetadata: {n: 1}\n---\n", F), F
    )
    assert coerced["metadata"] == {"n": "1"}
    assert coerced["metadata_coerced"] == ["n"]


def test_the_names_agree_with_the_model() -> None:
    assert typing.get_args(ImplementsType) == IMPLEMENTS_TYPES
    assert typing.get_args(SettingType) == SETTING_TYPE_NAMES
    aliases = [field.alias or name for name, field in Manifest.model_fields.items()]
    assert aliases == [*CORE_KEYS, *KURT_KEYS, "extra_keys", "metadata_coerced"]
    assert frozenset(CORE_KEYS + KURT_KEYS) == KNOWN_KEYS


def test_every_shipped_skill_takes_the_plain_path() -> None:
    manifests = sorted(REPO.glob("skills/*/SKILL.md")) + sorted(REPO.glob("examples/**/SKILL.md"))
    manifests = [m for m in manifests if "{{" not in m.read_text("utf-8")]  # templates
    assert manifests
    for path in manifests:
        front = read_front_matter(path.read_bytes(), path)
        assert plain_manifest(front.fields) is not None, path


def test_listing_healthy_skills_imports_no_pydantic(tmp_path: Path) -> None:
    """The point of the plain path: a cold listing of healthy skills never imports pydantic."""
    skills = tmp_path / "skills"
    for name in ("alpha", "beta"):
        (skills / name).mkdir(parents=True)
        (skills / name / "SKILL.md").write_text(
            f"---\nname: {name}\ndescription: A skill.\nversion: '1.0'\n"
            "implements:\n  - {type: tool, class: T, name: " + name + "}\n"
            "settings:\n  timeout: {type: float, default: 30}\n---\n",
            "utf-8",
        )
    (tmp_path / "kurt.toml").write_text("", "utf-8")
    code = (
        "import sys\n"
        "from kurt.cli.app import run\n"
        f"code = run(['--project', {str(tmp_path)!r}, 'skill', 'list', '--json'])\n"
        "sys.stderr.write('PYDANTIC' if 'pydantic' in sys.modules else 'CLEAN')\n"
        "sys.exit(code)\n"
    )
    env = {"KURT_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    assert [row["name"] for row in json.loads(done.stdout)] == ["alpha", "beta"]
    assert done.stderr.endswith("CLEAN")
