"""kurt.tools.paths: telling a local path from a URL, naming a file by one URI, and
what a source may lead to."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kurt.tools.paths import (
    InvalidSourceError,
    canonical,
    check_source,
    is_local,
    leads_to,
    to_path,
)


def test_a_path_that_exists_becomes_its_absolute_file_uri(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = tmp_path / "a b.md"
    page.write_text("x", "utf-8")
    monkeypatch.chdir(tmp_path)
    assert canonical("a b.md") == page.resolve().as_uri()
    assert canonical(page.as_uri()) == page.resolve().as_uri()
    assert to_path(canonical("a b.md")) == page.resolve()


@pytest.mark.parametrize(
    "source", ["https://example.com/a", "urn:isbn:0451450523", "python/cpython", "missing.md"]
)
def test_anything_else_is_passed_on_as_typed(source: str) -> None:
    """A URL, or a word a skill's own engine understands: never rewritten."""
    assert canonical(source) == source


def test_local_means_a_file_url_or_no_scheme() -> None:
    assert is_local("docs/a.md")
    assert is_local("file:///tmp/a.md")
    assert not is_local("https://example.com/")


def test_a_missing_file_can_still_be_named_by_its_uri(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """fetch keeps one name per file, even for one that is not there (yet)."""
    monkeypatch.chdir(tmp_path)
    assert canonical("nosuch.html", keep_missing=False) == (tmp_path / "nosuch.html").as_uri()


# --- what a source may lead to, and sources typed wrongly (SPEC section 10) ----------

_hosts = st.from_regex(r"[a-z][a-z0-9-]{0,10}(\.[a-z]{2,5}){1,2}", fullmatch=True)
_web_sources = st.builds(
    lambda scheme, host, path: f"{scheme}://{host}/{path}",
    st.sampled_from(["http", "https", "HTTPS"]),
    _hosts,
    st.text(alphabet="abc/._-", max_size=12),
)
# What a hostile sitemap, feed or page may list: anything, and local files above all.
_listed = st.one_of(
    st.text(max_size=40),
    st.builds(lambda p: f"file://{p}", st.text(max_size=20)),
    st.builds(lambda p: f"FiLe:{p}", st.text(max_size=20)),
    st.builds(lambda p: f"/{p}", st.text(max_size=20)),
    st.builds(lambda p: f"~/{p}", st.text(max_size=20)),
    st.builds(
        lambda scheme, rest: f"{scheme}:{rest}",
        st.sampled_from(["http", "https", "ftp", "data", "javascript", "gopher", "smb"]),
        st.text(max_size=30),
    ),
)


@given(source=_web_sources, url=_listed)
def test_a_source_on_the_web_leads_only_to_http_urls_on_the_web(source: str, url: str) -> None:
    if leads_to(source, url):
        parts = urlsplit(url)
        assert parts.scheme.lower() in {"http", "https"}
        assert parts.hostname
        assert not is_local(url)


@given(url=_listed)
def test_only_a_local_source_leads_to_local_files(url: str) -> None:
    if is_local(url) and leads_to("urn:kurt:not-a-path-but-a-word://x", url):
        pytest.fail(f"{url!r} allowed from a source that is not local")


@pytest.mark.parametrize(
    "url", ["https://example.com/a", "file:///tmp/a.md", "docs/a.md", "python/cpython"]
)
def test_a_local_source_leads_to_web_urls_and_local_paths(url: str, tmp_path: Path) -> None:
    assert leads_to((tmp_path / "sitemap.xml").as_uri(), url)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://example.com:99999/", "Port out of range 0-65535"),
        ("http://example.com:80a/", "Port could not be cast to integer value as '80a'"),
        ("http://[::1/", "Invalid IPv6 URL"),
        ("https://:80/", "no host"),
        ("http://exa mple.com/", "'exa mple.com' is not a host name"),
        ("http://example.com:0/", "port 0"),
    ],
)
def test_a_malformed_url_is_a_usage_error_naming_it(url: str, problem: str) -> None:
    with pytest.raises(InvalidSourceError) as caught:
        check_source(url)
    assert caught.value.message == f"invalid URL '{url}': {problem}"
    assert caught.value.exit_code == 2


@pytest.mark.parametrize("typed", ["www.example.com", "example.com/blog", "localhost:8000/x"])
def test_a_host_typed_without_a_scheme_gets_a_did_you_mean(
    typed: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InvalidSourceError) as caught:
        check_source(typed)
    assert caught.value.message == (
        f"no such file or folder: '{typed}'. Did you mean 'https://{typed}'?"
    )
    check_source(typed, guess=False)  # a skill's engine may read such words: no guess then


@pytest.mark.parametrize("typed", ["notes.md", "missing/page.html", "python/cpython", "a.b"])
def test_file_names_and_words_are_not_taken_for_hosts(
    typed: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    check_source(typed)  # a missing file is the fetcher's to report


def test_an_existing_path_is_never_a_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "www.example.com").mkdir()
    check_source("www.example.com")
