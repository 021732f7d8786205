"""Kurt's own configuration: project and user kurt.toml through the
pydantic-settings TOML source, the environment above both (SPEC section 3)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kurt.config.locations import Locations
from kurt.config.model import KurtConfig, load_config
from kurt.errors import ConfigError


@pytest.fixture
def where(make_project: Callable[..., Path], kurt_home: Path) -> Callable[..., Locations]:
    """Write the project's and the user's kurt.toml; return their Locations."""

    def write(project: str = "", user: str | None = None) -> Locations:
        root = make_project("configured", project)
        if user is not None:
            (kurt_home / "kurt.toml").write_text(user, encoding="utf-8")
        return Locations(project_root=root, home=kurt_home)

    return write


def test_defaults_without_any_file(kurt_home: Path) -> None:
    config = load_config(Locations(project_root=None, home=kurt_home))
    assert isinstance(config, KurtConfig)
    assert config.fetch.timeout == 30.0
    assert config.map.max_depth == 2
    assert config.database.url is None
    assert config.skills == {}


def test_the_project_file_is_read(where: Callable[..., Locations]) -> None:
    config = load_config(where(project="[fetch]\ntimeout = 12.5\n[map]\nmax_urls = 7\n"))
    assert config.fetch.timeout == 12.5
    assert config.map.max_urls == 7


def test_the_user_file_is_read(where: Callable[..., Locations]) -> None:
    config = load_config(where(user='[database]\nurl = "sqlite:///elsewhere.db"\n'))
    assert config.database.url == "sqlite:///elsewhere.db"


def test_the_user_file_is_read_outside_any_project(kurt_home: Path) -> None:
    (kurt_home / "kurt.toml").write_text("[fetch]\nretries = 5\n", encoding="utf-8")
    assert load_config(Locations(project_root=None, home=kurt_home)).fetch.retries == 5


def test_precedence_project_over_user_key_by_key(where: Callable[..., Locations]) -> None:
    config = load_config(
        where(
            project="[fetch]\ntimeout = 20\n",
            user="[fetch]\ntimeout = 10\nretries = 5\n",
        )
    )
    assert config.fetch.timeout == 20  # the project's value wins...
    assert config.fetch.retries == 5  # ...without hiding the user's other keys


def test_precedence_env_over_project_and_user(
    where: Callable[..., Locations], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KURT_FETCH__TIMEOUT", "5")
    config = load_config(where(project="[fetch]\ntimeout = 20\n", user="[fetch]\ntimeout = 10\n"))
    assert config.fetch.timeout == 5


def test_precedence_env_over_user(
    where: Callable[..., Locations], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KURT_MAP__MAX_DEPTH", "9")
    assert load_config(where(user="[map]\nmax_depth = 1\n")).map.max_depth == 9


def test_the_skills_section_is_kept_raw_for_the_skills_reader(
    where: Callable[..., Locations],
) -> None:
    config = load_config(where(project='[skills]\ndisabled = ["old"]\n[skills.web]\ntimeout = 4\n'))
    assert config.skills == {"disabled": ["old"], "web": {"timeout": 4}}
    assert "skills" not in config.model_dump()


def test_malformed_project_file_names_line_and_column(where: Callable[..., Locations]) -> None:
    locations = where(project="[fetch]\ntimeout = 1\nretries = = 2\n")
    with pytest.raises(ConfigError) as caught:
        load_config(locations)
    error = caught.value
    assert error.file == str(locations.project_file)
    assert (error.line, error.column) == (3, 11)
    assert str(error).startswith(f"{locations.project_file}:3:11: invalid TOML: ")


def test_malformed_user_file_names_it(where: Callable[..., Locations]) -> None:
    locations = where(user="[fetch\n")
    with pytest.raises(ConfigError) as caught:
        load_config(locations)
    assert caught.value.file == str(locations.user_file)
    assert caught.value.line == 1


def test_invalid_value_names_the_key_and_the_file(where: Callable[..., Locations]) -> None:
    locations = where(project="[fetch]\ntimeout = -1\n")
    with pytest.raises(ConfigError) as caught:
        load_config(locations)
    error = caught.value
    assert error.key == "fetch.timeout"
    assert error.file == str(locations.project_file)
    assert str(error).splitlines()[0] == (
        f"{locations.project_file}:2: invalid value for 'fetch.timeout': "
        "Input should be greater than 0 (got -1)"
    )


def test_invalid_value_in_the_user_file_blames_the_user_file(
    where: Callable[..., Locations],
) -> None:
    locations = where(project="[fetch]\ntimeout = 3\n", user='[map]\nmax_urls = "many"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(locations)
    assert caught.value.key == "map.max_urls"
    assert caught.value.file == str(locations.user_file)


def test_invalid_value_from_the_environment_names_the_variable(
    where: Callable[..., Locations], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KURT_FETCH__RETRIES", "often")
    with pytest.raises(ConfigError) as caught:
        load_config(where(project="[fetch]\nretries = 1\n"))
    assert caught.value.file is None
    assert "environment variable KURT_FETCH__RETRIES" in str(caught.value)
    assert "often" not in str(caught.value)  # a value read from the environment is never shown
    assert caught.value.key == "fetch.retries"


def test_unknown_key_in_a_section_is_an_error_naming_it(where: Callable[..., Locations]) -> None:
    locations = where(project="# Kurt\n[fetch]\nretries = 1\ntimeuot = 3\n")
    with pytest.raises(ConfigError) as caught:
        load_config(locations)
    assert caught.value.key == "fetch.timeuot"
    assert str(caught.value) == (
        f"{locations.project_file}:4: unknown key 'fetch.timeuot'; did you mean 'timeout'?\n"
        "  hint: keys of [fetch]: engine, timeout, retries, backoff, max_bytes, concurrency, "
        "user_agent, lease, routes"
    )


def test_misspelt_section_is_an_error_naming_it(
    where: Callable[..., Locations], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Kurt's own variables (KURT_HOME, KURT_DEBUG, ...) are not configuration keys.
    monkeypatch.setenv("KURT_DEBUG", "0")
    locations = where(project="[fetch]\nretries = 1\n\n[mapp]\nmax_depth = 1\n")
    with pytest.raises(ConfigError) as caught:
        load_config(locations)
    assert str(caught.value) == (
        f"{locations.project_file}:4: unknown key 'mapp'; did you mean 'map'?\n"
        "  hint: sections of kurt.toml: [fetch], [map], [database], [mcp], [llm], [skills]"
    )


def test_unknown_key_from_the_environment_names_the_variable(
    where: Callable[..., Locations], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KURT_MAP__MAX_URLZ", "5")
    with pytest.raises(ConfigError) as caught:
        load_config(where())
    assert str(caught.value) == (
        "unknown key 'map.max_urlz' (environment variable KURT_MAP__MAX_URLZ); "
        "did you mean 'max_urls'?\n"
        "  hint: fix or unset KURT_MAP__MAX_URLZ"
    )


def test_an_unknown_configured_engine_is_blamed_on_the_file_holding_it(
    where: Callable[..., Locations], kurt_home: Path
) -> None:
    from kurt.config.model import configured_name_error
    from kurt.errors import UnknownNameError

    locations = where(project="[map]\n\nengine = 'sitemp'\n", user="[fetch]\nengine = 'htpx'\n")
    config = load_config(locations)
    unknown = UnknownNameError("mapper", "sitemp", ["sitemap", "rss"])
    error = configured_name_error(unknown, config, ("map", "engine"))
    assert isinstance(error, ConfigError)
    assert (error.file, error.line) == (str(locations.project_file), 3)
    user = configured_name_error(
        UnknownNameError("fetcher", "htpx", ["httpx"]), config, ("fetch", "engine")
    )
    assert user.file == str(kurt_home / "kurt.toml")
    # A name no source holds did not come from configuration: left as it was.
    other = UnknownNameError("mapper", "crawl2", ["crawl"])
    assert configured_name_error(other, config, ("map", "engine")) is other
    assert configured_name_error(unknown, KurtConfig(), ("map", "engine")) is unknown


def test_routes_keep_their_file_order(where: Callable[..., Locations]) -> None:
    locations = where(
        project='[fetch.routes]\n"docs.test/*" = "httpx"\n"*.test/*" = "trafilatura"\n'
        '[map.routes]\n"*/news*" = "rss"\n'
    )
    config = load_config(locations)
    assert list(config.fetch.routes.items()) == [
        ("docs.test/*", "httpx"),
        ("*.test/*", "trafilatura"),
    ]
    assert config.map.routes == {"*/news*": "rss"}


def test_a_route_with_a_scheme_is_an_error_naming_its_line(
    where: Callable[..., Locations],
) -> None:
    locations = where(
        project='[fetch]\ntimeout = 5\n\n[fetch.routes]\n"https://a.test/*" = "httpx"\n'
    )
    with pytest.raises(ConfigError) as caught:
        load_config(locations)
    assert str(caught.value) == (
        f"{locations.project_file}:4: invalid value for 'fetch.routes': 'https://a.test/*' holds "
        "a scheme; patterns match host/path without it (write 'a.test/*')\n"
        "  hint: fix the value in that file; `kurt config schema` lists every section and key"
    )
