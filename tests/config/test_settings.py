"""Skill settings: schema -> model, precedence (one test per pair, by name),
errors that name file, key, expected type and value, secrets never shown."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, get_origin

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, Secret, SecretStr

from kurt.config.locations import Locations
from kurt.config.settings import check_value, env_name, inspect_settings, resolve_settings
from kurt.config.settings_model import field_name, settings_model
from kurt.config.skills import SettingsTable, SkillsConfig, read_skills_config
from kurt.config.tomlvalue import one_line
from kurt.config.trust import set_trusted
from kurt.errors import ConfigError, ManifestError

SCHEMA: dict[str, Any] = {
    "timeout": {"type": "float", "default": 30, "description": "Seconds per request"},
    "token": {"type": "str", "secret": True, "env": "WAYBACK_TOKEN", "required": False},
    "max-depth": {"type": "int", "default": 2},
    "tags": {"type": "list", "default": []},
    "verbose": {"type": "bool", "default": False},
}
SECRET = "hunter2-very-secret"


@pytest.fixture
def configure(tmp_path: Path) -> Callable[..., SkillsConfig]:
    """Write the project's and the user's kurt.toml, return the merged [skills]."""

    def write(project: str = "", user: str = "") -> SkillsConfig:
        root = tmp_path / "project"
        home = tmp_path / "home"
        root.mkdir(exist_ok=True)
        home.mkdir(exist_ok=True)
        (root / "kurt.toml").write_text(project, encoding="utf-8")
        (home / "kurt.toml").write_text(user, encoding="utf-8")
        set_trusted(Locations(root, home).trust_file, root)  # its file applies in full
        return read_skills_config(Locations(root, home))

    return write


def resolve(config: SkillsConfig, environ: dict[str, str] | None = None) -> Any:
    return resolve_settings("web-archiver", SCHEMA, config, environ or {})


# -- precedence, one pair per test ---------------------------------------------------------


def test_precedence_env_over_project(configure: Callable[..., SkillsConfig]) -> None:
    config = configure(project="[skills.web-archiver]\ntimeout = 45\n")
    resolved = resolve(config, {"KURT_SKILLS__WEB_ARCHIVER__TIMEOUT": "5"})
    assert resolved.model.timeout == 5.0
    assert resolved.sources()["timeout"] == "env"


def test_precedence_env_over_own_env(configure: Callable[..., SkillsConfig]) -> None:
    resolved = resolve(
        configure(), {"KURT_SKILLS__WEB_ARCHIVER__TOKEN": "kurt", "WAYBACK_TOKEN": "own"}
    )
    assert resolved.model.token.get_secret_value() == "kurt"
    assert resolved.sources()["token"] == "env"


def test_precedence_own_env_over_project(configure: Callable[..., SkillsConfig]) -> None:
    config = configure(project='[skills.web-archiver]\ntoken = "from-file"\n')
    resolved = resolve(config, {"WAYBACK_TOKEN": "from-env"})
    assert resolved.model.token.get_secret_value() == "from-env"
    assert resolved.sources()["token"] == "env:WAYBACK_TOKEN"


def test_precedence_project_over_user(configure: Callable[..., SkillsConfig]) -> None:
    config = configure(
        project="[skills.web-archiver]\ntimeout = 45\n",
        user="[skills.web-archiver]\ntimeout = 10\nmax-depth = 7\n",
    )
    resolved = resolve(config)
    assert resolved.model.timeout == 45.0
    assert resolved.sources()["timeout"] == "project"
    # Merged key by key: what the project does not set still comes from the user.
    assert resolved.model.max_depth == 7
    assert resolved.sources()["max-depth"] == "user"


def test_precedence_user_over_default(configure: Callable[..., SkillsConfig]) -> None:
    resolved = resolve(configure(user="[skills.web-archiver]\ntimeout = 10\n"))
    assert resolved.model.timeout == 10.0
    assert resolved.sources()["timeout"] == "user"


def test_precedence_default_when_nothing_set(configure: Callable[..., SkillsConfig]) -> None:
    resolved = resolve(configure())
    assert resolved.model.timeout == 30.0
    assert resolved.model.token is None
    assert resolved.sources() == {
        "timeout": "default",
        "token": "default",
        "max-depth": "default",
        "tags": "default",
        "verbose": "default",
    }


def test_env_name_upper_cases_and_replaces_dashes() -> None:
    assert env_name("web-archiver", "max-depth") == "KURT_SKILLS__WEB_ARCHIVER__MAX_DEPTH"


def test_env_text_is_converted_to_the_declared_type(configure: Callable[..., SkillsConfig]) -> None:
    resolved = resolve(
        configure(),
        {
            "KURT_SKILLS__WEB_ARCHIVER__MAX_DEPTH": "4",
            "KURT_SKILLS__WEB_ARCHIVER__VERBOSE": "true",
            "KURT_SKILLS__WEB_ARCHIVER__TAGS": '["a", "b"]',
        },
    )
    assert (resolved.model.max_depth, resolved.model.verbose) == (4, True)
    assert resolved.model.tags == ["a", "b"]


# -- the model -----------------------------------------------------------------------------


def test_model_types_defaults_descriptions_and_attribute_access() -> None:
    model = settings_model("web-archiver", SCHEMA)
    fields = model.model_fields
    assert fields["timeout"].description == "Seconds per request"
    assert fields["max_depth"].alias == "max-depth"
    instance = model.model_validate({"max-depth": 3, "token": "x"})
    assert instance.max_depth == 3  # type: ignore[attr-defined]
    assert isinstance(instance.token, SecretStr)  # type: ignore[attr-defined]
    assert SECRET not in repr(model.model_validate({"token": SECRET}))


def test_model_forbids_extra_keys() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        settings_model("web-archiver", SCHEMA).model_validate({"nope": 1})


def test_unknown_setting_type_is_a_manifest_error() -> None:
    with pytest.raises(ManifestError, match="unknown type 'complex'"):
        settings_model("x", {"a": {"type": "complex"}})


def test_key_named_like_a_model_method_still_works() -> None:
    model = settings_model("x", {"json": {"type": "str", "default": "yes"}})
    assert model.model_validate({}).json_ == "yes"  # type: ignore[attr-defined]


def test_settings_model_is_a_pydantic_model() -> None:
    assert issubclass(settings_model("x", {}), BaseModel)


# -- errors --------------------------------------------------------------------------------


def test_wrong_type_names_file_line_key_expected_type_and_value(
    configure: Callable[..., SkillsConfig],
) -> None:
    config = configure(project='# comment\n[skills.web-archiver]\ntimeout = "fast"\n')
    with pytest.raises(ConfigError) as caught:
        resolve(config)
    text = str(caught.value)
    assert text.startswith(f"{config.project_file}:3: ")
    assert "'skills.web-archiver.timeout'" in text
    assert 'expected float, found "fast" (str)' in text


def test_file_values_are_strict_a_string_is_not_a_number(
    configure: Callable[..., SkillsConfig],
) -> None:
    with pytest.raises(ConfigError, match="expected int"):
        resolve(configure(user='[skills.web-archiver]\nmax-depth = "3"\n'))


def test_bool_is_not_an_int(configure: Callable[..., SkillsConfig]) -> None:
    with pytest.raises(ConfigError, match=r"expected int, found true \(bool\)"):
        resolve(configure(project="[skills.web-archiver]\nmax-depth = true\n"))


def test_unknown_key_names_the_file_and_suggests(configure: Callable[..., SkillsConfig]) -> None:
    config = configure(user="[skills.web-archiver]\ntimout = 4\n")
    with pytest.raises(ConfigError) as caught:
        resolve(config)
    text = str(caught.value)
    assert text.startswith(f"{config.user_file}:2: unknown setting 'skills.web-archiver.timout'")
    assert "did you mean 'timeout'?" in text


def test_missing_required_value_names_key_type_and_how_to_set_it(
    configure: Callable[..., SkillsConfig],
) -> None:
    schema = {"api-key": {"type": "str", "required": True}}
    config = configure()
    with pytest.raises(ConfigError) as caught:
        resolve_settings("web-archiver", schema, config, {})
    text = str(caught.value)
    assert f"{config.project_file}: missing required setting" in text
    assert "'skills.web-archiver.api-key' (expected str)" in text
    assert "KURT_SKILLS__WEB_ARCHIVER__API_KEY" in text


def test_bad_environment_value_names_the_variable(configure: Callable[..., SkillsConfig]) -> None:
    with pytest.raises(ConfigError) as caught:
        resolve(configure(), {"KURT_SKILLS__WEB_ARCHIVER__MAX_DEPTH": "deep"})
    text = str(caught.value)
    assert "from environment variable KURT_SKILLS__WEB_ARCHIVER__MAX_DEPTH" in text
    # The value is not repeated: nothing read from the environment is printed.
    assert (
        "expected int, found text that is not one (not shown: it comes from the environment)"
        in text
    )
    assert "deep" not in text


def test_unknown_environment_variable_for_the_skill_is_an_error(
    configure: Callable[..., SkillsConfig],
) -> None:
    with pytest.raises(ConfigError, match="KURT_SKILLS__WEB_ARCHIVER__NOPE names no setting"):
        resolve(configure(), {"KURT_SKILLS__WEB_ARCHIVER__NOPE": "1"})


def test_misspelt_environment_variable_suggests_the_right_one(
    configure: Callable[..., SkillsConfig],
) -> None:
    with pytest.raises(ConfigError) as caught:
        resolve(configure(), {"KURT_SKILLS__WEB_ARCHIVER__TIMOUT": "5"})
    assert str(caught.value) == (
        "environment variable KURT_SKILLS__WEB_ARCHIVER__TIMOUT names no setting of skill "
        "'web-archiver'; did you mean KURT_SKILLS__WEB_ARCHIVER__TIMEOUT? "
        "(key 'skills.web-archiver.timout')\n"
        "  hint: unset KURT_SKILLS__WEB_ARCHIVER__TIMOUT; settings of 'web-archiver': "
        "max-depth, tags, timeout, token, verbose"
    )


def test_secret_of_wrong_type_is_never_echoed(configure: Callable[..., SkillsConfig]) -> None:
    schema = {"pin": {"type": "int", "secret": True}}
    config = configure(project='[skills.web-archiver]\npin = "hunter2-very-secret"\n')
    with pytest.raises(ConfigError) as caught:
        resolve_settings("web-archiver", schema, config, {})
    text = str(caught.value)
    assert SECRET not in text
    assert "hidden: the setting is secret" in text
    assert "input" not in text.lower()  # nothing of pydantic's input_value


def test_a_bare_number_for_a_text_secret_gets_the_quoting_without_the_value(
    configure: Callable[..., SkillsConfig],
) -> None:
    schema = {"token": {"type": "str", "secret": True}}
    config = configure(project="[skills.web-archiver]\ntoken = 98765\n")
    with pytest.raises(ConfigError) as caught:
        resolve_settings("web-archiver", schema, config, {})
    assert caught.value.hint == (
        'a number is not text: quote it, in kurt.toml as "12345", or: '
        "kurt config skills set web-archiver token '\"12345\"'"
    )
    assert "98765" not in str(caught.value)


def test_secret_from_environment_of_wrong_type_is_never_echoed(
    configure: Callable[..., SkillsConfig],
) -> None:
    schema = {"pin": {"type": "int", "secret": True, "env": "PIN"}}
    report = inspect_settings("web-archiver", schema, configure(), {"PIN": SECRET})
    assert report.problems
    assert all(SECRET not in problem for problem in report.problems)
    assert report.shown() == {"pin": "***"}
    assert SECRET not in repr(report)


# -- isolation and listings ----------------------------------------------------------------


def test_a_skill_never_sees_another_skills_section(configure: Callable[..., SkillsConfig]) -> None:
    config = configure(
        project="[skills.alpha]\nshared = 1\n\n[skills.beta]\nshared = 2\nonly-beta = true\n"
    )
    alpha = resolve_settings("alpha", {"shared": {"type": "int"}}, config, {})
    beta = resolve_settings(
        "beta", {"shared": {"type": "int"}, "only-beta": {"type": "bool"}}, config, {}
    )
    assert alpha.model.model_dump() == {"shared": 1}
    assert beta.model.model_dump() == {"shared": 2, "only_beta": True}
    # Another skill's environment variables are not this skill's either.
    env = {"KURT_SKILLS__BETA__SHARED": "9"}
    assert resolve_settings("alpha", {"shared": {"type": "int"}}, config, env).model.shared == 1


def test_listing_masks_secrets_and_keeps_invalid_values_visible(
    configure: Callable[..., SkillsConfig],
) -> None:
    config = configure(project=f'[skills.web-archiver]\ntoken = "{SECRET}"\ntimeout = "x"\n')
    report = inspect_settings("web-archiver", SCHEMA, config, {})
    assert report.shown()["token"] == "***"
    assert report.shown()["timeout"] == "x"
    assert len(report.problems) == 1
    assert SECRET not in repr(report)
    resolved = resolve(configure(project=f'[skills.web-archiver]\ntoken = "{SECRET}"\n'))
    assert resolved.shown()["token"] == "***"
    assert SECRET not in repr(resolved.model)


def test_listing_shows_every_declared_setting_an_unset_one_as_none(
    configure: Callable[..., SkillsConfig],
) -> None:
    schema = {
        **SCHEMA,
        "api-key": {"type": "str", "secret": True, "required": True},
        "count": {"type": "int", "required": True},
    }
    report = inspect_settings("web-archiver", schema, configure(), {})
    assert list(report.shown()) == list(schema)
    assert (report.shown()["api-key"], report.shown()["count"]) == (None, None)
    assert (report.shown()["token"], report.sources()["token"]) == (None, "default")
    assert (report.sources()["api-key"], report.sources()["count"]) == ("missing", "missing")
    assert len(report.problems) == 2
    set_secret = inspect_settings(
        "web-archiver", schema, configure(), {"KURT_SKILLS__WEB_ARCHIVER__API_KEY": SECRET}
    )
    assert set_secret.shown()["api-key"] == "***"


@pytest.mark.parametrize(
    ("type_name", "value", "wrapper"),
    [
        ("str", "s3cr3t", SecretStr),
        ("int", 7, Secret[int]),
        ("float", 2.5, Secret[float]),
        ("bool", True, Secret[bool]),
        ("list", ["a", 1], Secret[list[Any]]),
        ("dict", {"a": 1}, Secret[dict[str, Any]]),
    ],
)
def test_a_secret_is_what_docs_skills_md_says_for_its_type(
    configure: Callable[..., SkillsConfig], type_name: str, value: Any, wrapper: Any
) -> None:
    schema = {
        "key": {"type": type_name, "secret": True},
        "unset": {"type": type_name, "secret": True},
    }
    config = configure(project=f"[skills.vault]\nkey = {one_line(value)}\n")
    model = resolve_settings("vault", schema, config, {}).model
    secret = model.key  # type: ignore[attr-defined]
    assert type(secret) is (get_origin(wrapper) or wrapper)  # Secret[int] -> Secret
    assert secret.get_secret_value() == value
    assert type(secret.get_secret_value()) is type(value)
    assert str(value) not in str(secret)
    assert model.unset is None  # type: ignore[attr-defined]


def test_settings_types_are_exactly_those_the_manifest_accepts() -> None:
    from typing import get_args

    from kurt.config.settings_model import TYPES
    from kurt.skills.manifest.model import SettingType

    assert set(TYPES) == set(get_args(SettingType))


def test_listing_defaults_needs_neither_pydantic_nor_attrs(tmp_path: Path) -> None:
    # `kurt config skills` and `kurt skill info` among a thousand skills mostly
    # show manifest defaults: pydantic is imported only to check a given value.
    script = (
        "import sys\n"
        "from kurt.config.settings import inspect_settings\n"
        "from kurt.config.skills import SkillsConfig\n"
        "schema = {'timeout': {'type': 'float', 'default': 30}, "
        "'token': {'type': 'str', 'secret': True, 'required': False}}\n"
        "report = inspect_settings('web', schema, SkillsConfig(), {})\n"
        "print(report.shown(), sorted({'pydantic', 'attrs'} & set(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "{'timeout': 30, 'token': None} []"


# -- many skills at once (kurt config skills) ---------------------------------------------


def test_the_inspector_answers_what_inspect_settings_does(
    configure: Callable[..., SkillsConfig],
) -> None:
    """SettingsInspector reuses one report for skills that share a schema and
    have no table and no variable: every answer must still be inspect_settings'."""
    from kurt.config.settings import SettingsInspector

    config = configure(
        project="[skills.tabled]\ntimeout = 45\n", user="[skills.user-tabled]\nverbose = true\n"
    )
    required = {"key": {"type": "str", "required": True}}
    environ = {
        "KURT_SKILLS__VARIABLE__MAX_DEPTH": "7",
        "KURT_SKILLS__TYPO__NOPE": "1",
        "WAYBACK_TOKEN": SECRET,
        "OTHER": "x",
    }
    cases: list[tuple[str, dict[str, Any]]] = [
        ("plain-a", SCHEMA),
        ("plain-b", dict(SCHEMA)),  # the same schema, another skill
        ("tabled", SCHEMA),
        ("user-tabled", SCHEMA),
        ("variable", SCHEMA),
        ("typo", SCHEMA),
        ("needs-a", required),  # a problem names its skill: never shared
        ("needs-b", required),
        ("none", {}),
        ("int-default", {"timeout": {"type": "float", "default": 30}}),
        ("float-default", {"timeout": {"type": "float", "default": 30.0}}),
        ("bad", {"x": {"type": "no-such-type"}}),
    ]
    for environment in (environ, {}):
        inspector = SettingsInspector(config, environment)
        for name, schema in cases * 2:  # twice: the second answers come from the memo
            assert inspector.inspect(name, schema) == inspect_settings(
                name, schema, config, environment
            ), name


# -- nan and inf (issue 11, item 21) -------------------------------------------------------

not_finite = st.sampled_from([math.nan, math.inf, -math.inf])
finite_leaf = st.one_of(st.integers(-5, 5), st.floats(allow_nan=False, allow_infinity=False))


def _with_one_not_finite(leaf: Any) -> st.SearchStrategy[Any]:
    """Values of any shape a setting may hold, with ``leaf`` somewhere inside."""
    return st.recursive(
        st.just(leaf),
        lambda inner: st.one_of(
            st.builds(
                lambda xs, x, i: [*xs[:i], x, *xs[i:]],
                st.lists(finite_leaf),
                inner,
                st.integers(0, 3),
            ),
            st.builds(
                lambda d, x: {**d, "k": x}, st.dictionaries(st.text(max_size=2), finite_leaf), inner
            ),
        ),
        max_leaves=4,
    )


@given(data=st.data(), secret=st.booleans())
def test_nan_or_inf_anywhere_in_a_value_is_refused_and_listed_as_json(
    data: st.DataObject, secret: bool
) -> None:
    value = data.draw(not_finite.flatmap(_with_one_not_finite))
    type_name = (
        "float" if isinstance(value, float) else "list" if isinstance(value, list) else "dict"
    )
    schema = {"v": {"type": type_name, "secret": secret}}
    file = Path("kurt.toml")  # never read: the value is given
    with pytest.raises(ConfigError, match="nan and inf are not allowed in settings"):
        check_value("s", schema, "v", value, file)
    config = SkillsConfig(tables={"s": (SettingsTable("project", file, {"v": value}),)})
    report = inspect_settings("s", schema, config, {})
    assert len(report.problems) == 1
    assert "nan and inf are not allowed" in report.problems[0]
    json.dumps(report.shown(), allow_nan=False)  # raises on NaN / Infinity


# -- setting names the model can hold (issue 11, item 18) ---------------------------------


def test_model_attributes_are_those_of_the_installed_pydantic() -> None:
    """The manifest rules know the field names without importing pydantic."""
    from kurt.config.settings_model import MODEL_ATTRIBUTES

    assert {name for name in dir(BaseModel) if not name.startswith("_")} == MODEL_ATTRIBUTES


setting_keys = st.one_of(
    st.from_regex(r"[A-Za-z_][A-Za-z0-9_-]{0,6}", fullmatch=True),
    st.sampled_from(["json", "json_", "json-", "class", "class_", "dict", "dict-", "_x", "copy_"]),
)


@given(keys=st.lists(setting_keys, min_size=1, max_size=5, unique=True))
def test_every_setting_name_the_rules_accept_is_a_field_of_the_model(keys: list[str]) -> None:
    """The manifest rules refuse exactly what the settings model cannot hold:
    whatever they let through builds, and every key reaches its own field."""
    from kurt.skills.manifest.rules import check_settings

    schema = {key: {"type": "int"} for key in keys}
    errors = [p for p in check_settings(schema, None, lambda _: None) if p.severity == "error"]
    if errors:
        return  # the skill is invalid: no model is built for it
    model = settings_model("s", schema).model_validate({key: n for n, key in enumerate(keys)})
    assert [getattr(model, field_name(key)) for key in keys] == list(range(len(keys)))


@pytest.mark.parametrize("keys", [["_token"], ["json", "json_"], ["class", "class-"]])
def test_a_model_that_cannot_hold_its_keys_is_a_manifest_error_naming_the_key(
    keys: list[str],
) -> None:
    """The manifest rules stop these first; the API refuses them all the same."""
    schema = {key: {"type": "str"} for key in keys}
    with pytest.raises(ManifestError, match=f"setting '{keys[-1]}' of skill 's' cannot be"):
        settings_model("s", schema)
