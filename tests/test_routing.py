"""kurt.routing: the engine of a URL (SPEC section 10), by example and by property."""

from __future__ import annotations

from fnmatch import fnmatchcase

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kurt.kinds import OWN_ROUTES
from kurt.routing import (
    SOURCE_ORDER,
    Candidate,
    choose,
    pattern_problem,
    specificity,
    target_of,
)


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("https://www.Notion.SO/team/page?x=1#top", "www.notion.so/team/page"),
        ("http://example.com", "example.com/"),
        ("https://127.0.0.1:8080/feed", "127.0.0.1:8080/feed"),
        ("file:///tmp/a.html", None),
        ("/tmp/a.html", None),
        ("urn:isbn:0451450523", None),
        ("https://[::1/", None),  # not a URL Python can read
    ],
)
def test_patterns_see_host_and_path_without_scheme(url: str, target: str | None) -> None:
    assert target_of(url) == target


@pytest.mark.parametrize(
    ("pattern", "score"),
    [("*", 0), ("*?*", 0), ("[ab]*", 0), ("*.notion.so/*", 11), ("notion.so/*", 10), ("a[!b]c", 2)],
)
def test_specificity_counts_what_is_not_a_wildcard(pattern: str, score: int) -> None:
    assert specificity(pattern) == score


def test_a_good_pattern_has_no_problem() -> None:
    for pattern in ("*.notion.so/*", "*/feed*", "docs.test/[a-z]*", "*"):
        assert pattern_problem(pattern) is None


NOTION = Candidate("notion", "notion", "*.notion.so/*", "project")
ANY_PAGE = Candidate("pages", "pages", "*/*", "user")


def test_the_most_specific_pattern_wins_over_the_default() -> None:
    choice = choose("www.notion.so/x", default="trafilatura", candidates=[ANY_PAGE, NOTION])
    assert (choice.engine, choice.by) == ("notion", "pattern")
    rules = {(row.engine, row.pattern): row.rule for row in choice.considered}
    assert rules == {
        ("notion", "*.notion.so/*"): "won: the most specific matching pattern (score 11)",
        ("pages", "*/*"): "lost: less specific than '*.notion.so/*' of notion (score 11)",
        ("trafilatura", None): "lost: used only when nothing else decides",
    }


def test_engine_then_routes_then_patterns_then_default() -> None:
    routes = [("docs.notion.so/*", "httpx"), ("*.notion.so/*", "trafilatura")]
    both = {"candidates": [NOTION], "default": "file"}
    assert choose("docs.notion.so/a", explicit="mine", routes=routes, **both).by == "engine"
    routed = choose("docs.notion.so/a", routes=routes, **both)
    assert (routed.engine, routed.by) == ("httpx", "route")  # the first match in file order
    assert [row.rule for row in routed.considered] == [
        "won: the first matching entry of routes",
        "lost: an earlier entry of routes matched",
        "lost: routes in kurt.toml decides first",
        "lost: used only when nothing else decides",
    ]
    assert choose("www.notion.so/a", routes=routes[:1], **both).engine == "notion"
    assert choose("example.com/a", routes=routes, **both).engine == "file"


def test_ties_go_by_source_then_priority_then_name() -> None:
    def tie(*candidates: Candidate) -> str:
        return choose("a.test/x", default="d", candidates=candidates).engine

    assert (
        tie(Candidate("b", "b", "a.test/*", "user"), Candidate("a", "a", "a.test/*", "package"))
        == "b"
    )
    assert (
        tie(Candidate("b", "b", "a.test/*", "user", 1), Candidate("a", "a", "a.test/*", "user"))
        == "b"
    )
    assert (
        tie(Candidate("b", "b", "a.test/*", "user"), Candidate("a", "a", "a.test/*", "user")) == "a"
    )
    lost = choose(
        "a.test/x",
        default="d",
        candidates=[
            Candidate("b", "b", "a.test/*", "user"),
            Candidate("a", "a", "a.test/*", "project"),
        ],
    ).considered
    assert lost[1].rule == "lost: tie with 'a.test/*' of a, whose source (project) comes first"


def test_a_local_path_is_decided_by_engine_or_default_only() -> None:
    choice = choose(None, default="file", routes=[("*", "httpx")], candidates=[NOTION])
    assert (choice.engine, choice.by) == ("file", "default")
    assert choice.considered[-1].rule == "won: not a web URL; the tool's default"


@pytest.mark.parametrize(
    ("url", "engine"),
    [
        ("https://blog.test/feed", "rss"),
        ("https://blog.test/rss.xml", "rss"),
        ("https://blog.test/feed.xml", "rss"),
        ("https://site.test/sitemap.xml", "sitemap"),
        ("https://site.test/rss-news/sitemap.xml", "sitemap"),
        ("https://site.test/robots.txt", "sitemap"),
        ("https://site.test/docs/", "crawl"),
    ],
)
def test_kurts_own_mappers_route_feeds_and_sitemaps(url: str, engine: str) -> None:
    own = [
        Candidate(name, None, pattern, "kurt")
        for name, patterns in OWN_ROUTES["mapper"].items()
        for pattern in patterns
    ]
    assert choose(target_of(url), default="crawl", candidates=own).engine == engine


def test_kurts_own_patterns_are_valid() -> None:
    for kind in OWN_ROUTES.values():
        for patterns in kind.values():
            assert [pattern_problem(p) for p in patterns] == [None] * len(patterns)


# --- properties ------------------------------------------------------------------------------

PIECES = st.sampled_from(["*", "?", "a", "b", ".", "/", "[ab]", "x"])
PATTERNS = st.lists(PIECES, min_size=1, max_size=6).map("".join)
CANDIDATES = st.lists(
    st.builds(
        Candidate,
        engine=st.sampled_from(["e1", "e2", "e3", "e4"]),
        skill=st.sampled_from(["s1", "s2", None]),
        pattern=PATTERNS,
        source=st.sampled_from(SOURCE_ORDER),
        priority=st.integers(-2, 2),
    ),
    max_size=8,
)
TARGETS = st.text(alphabet="ab./x", min_size=1, max_size=8)


@given(target=TARGETS, candidates=CANDIDATES)
def test_the_winner_is_always_the_most_specific_match(
    target: str, candidates: list[Candidate]
) -> None:
    choice = choose(target, default="the-default", candidates=candidates)
    matching = [c for c in candidates if fnmatchcase(target, c.pattern)]
    scored = [c for c in matching if specificity(c.pattern) > 0]
    if not scored:  # nothing, or only wildcards: the default, always
        assert (choice.engine, choice.by) == ("the-default", "default")
        return
    assert choice.by == "pattern"
    (won,) = [row for row in choice.considered if row.won]
    winner = next(
        c for c in scored if (c.engine, c.skill, c.pattern) == (won.engine, won.skill, won.pattern)
    )
    rank = SOURCE_ORDER.index
    for other in scored:
        assert specificity(other.pattern) <= specificity(winner.pattern)
        if specificity(other.pattern) == specificity(winner.pattern):
            assert rank(winner.source) <= rank(other.source)
            if other.source == winner.source:
                assert winner.priority >= other.priority
                if other.priority == winner.priority:
                    assert winner.engine <= other.engine


@given(
    target=TARGETS,
    candidates=CANDIDATES,
    routes=st.lists(st.tuples(PATTERNS, st.just("routed")), max_size=3),
)
def test_routes_beat_patterns_and_engine_beats_both(
    target: str, candidates: list[Candidate], routes: list[tuple[str, str]]
) -> None:
    routed = choose(target, default="d", routes=routes, candidates=candidates)
    if any(fnmatchcase(target, pattern) for pattern, _ in routes):
        assert (routed.engine, routed.by) == ("routed", "route")
    else:
        assert routed.by != "route"
    named = choose(target, default="d", routes=routes, candidates=candidates, explicit="named")
    assert (named.engine, named.by) == ("named", "engine")
    # Exactly one candidate, of every kind, is said to have won.
    assert sum(row.won for row in routed.considered) == 1
    assert len(routed.considered) == len(routes) + len(candidates) + 1


@given(
    target=TARGETS, patterns=st.lists(st.sampled_from(["*", "?*", "*?", "**", "[ab]*"]), max_size=5)
)
def test_wildcards_never_beat_the_default(target: str, patterns: list[str]) -> None:
    candidates = [Candidate(f"e{i}", "s", p, "path", 9) for i, p in enumerate(patterns)]
    assert choose(target, default="the-default", candidates=candidates).engine == "the-default"
