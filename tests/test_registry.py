"""Registry[T]: one generic class, three instances (SPEC sections 1 and 7)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kurt.core.context import ToolContext
from kurt.core.engines import BaseFetcher, BaseMapper, FetchResult, MapResult
from kurt.core.result import ToolResult
from kurt.core.tool import Tool
from kurt.errors import DuplicateNameError, UnknownNameError
from kurt.registry import (
    FETCHERS,
    MAPPERS,
    TOOLS,
    Entry,
    Registry,
    attributed_to,
    register_fetcher,
    register_mapper,
    register_tool,
)
from kurt.routing import Candidate
from samples import Echo, EchoFetcher, ListMapper, Registries, Text


class Widget:
    """Base class of the test registry."""

    name = ""


def widget(name: str, serial: int = 0) -> type[Widget]:
    """A new Widget subclass called ``name`` (``serial`` tells twins apart)."""
    return type(f"Widget_{name.replace('-', '_')}_{serial}", (Widget,), {"name": name})


# -- properties ---------------------------------------------------------------

NAMES = st.sampled_from(["search", "fetch", "map", "archive", "a-b"])
OPERATIONS = st.lists(
    st.tuples(st.sampled_from(["register", "get"]), NAMES, st.integers(0, 2)), max_size=40
)


@settings(deadline=None)  # no timing assertions in tests: a busy machine is not a bug
@given(OPERATIONS)
def test_any_sequence_keeps_names_unique_and_get_returns_what_was_registered(
    operations: list[tuple[str, str, int]],
) -> None:
    registry: Registry[Widget] = Registry("widget", Widget)
    classes: dict[tuple[str, int], type[Widget]] = {}
    expected: dict[str, type[Widget]] = {}
    for operation, name, serial in operations:
        cls = classes.setdefault((name, serial), widget(name, serial))
        if operation == "register":
            owner = expected.get(name)
            if owner is None or owner is cls:
                assert registry.register(cls) is cls
                expected[name] = cls
            else:
                with pytest.raises(DuplicateNameError) as caught:
                    registry.register(cls)
                # The error names both owners, the one holding the name first.
                message = str(caught.value)
                assert owner.__qualname__ in message
                assert cls.__qualname__ in message
                assert message.index(owner.__qualname__) < message.index(cls.__qualname__)
        elif name in expected:
            assert registry.get(name) is expected[name]
        else:
            with pytest.raises(UnknownNameError):
                registry.get(name)
        names = registry.names()
        assert names == sorted(set(names)) == sorted(expected)
        assert [entry.name for entry in registry] == list(expected)
        assert len(registry) == len(expected)


@settings(deadline=None)
@given(st.lists(NAMES, unique=True))
def test_every_registered_name_is_in_the_registry(names: list[str]) -> None:
    registry: Registry[Widget] = Registry("widget", Widget)
    for name in names:
        registry.add(widget(name))
    for name in names:
        assert name in registry
        assert registry.registered(name) == registry.entry(name)
    assert "missing" not in registry


# -- registration ---------------------------------------------------------------


def test_a_class_not_deriving_from_the_base_is_a_type_error(registries: Registries) -> None:
    class Stranger:
        name = "stranger"

    with pytest.raises(TypeError) as caught:
        registries.tools.register(Stranger)
    assert str(caught.value) == (
        f"Cannot register {Stranger!r} as a tool: it must be a class deriving "
        "from kurt.core.tool.Tool."
    )
    assert "stranger" not in registries.tools


def test_a_function_is_a_type_error(registries: Registries) -> None:
    def not_a_class() -> None: ...

    with pytest.raises(TypeError, match="must be a class deriving from"):
        registries.fetchers.register(not_a_class)  # type: ignore[type-var]


def test_an_engine_is_not_a_tool(registries: Registries) -> None:
    with pytest.raises(TypeError, match=r"as a mapper: .*kurt\.core\.engines\.BaseMapper"):
        registries.mappers.register(EchoFetcher)  # type: ignore[type-var]


def test_a_class_without_a_name_is_a_type_error() -> None:
    class Nameless(Widget):
        pass

    with pytest.raises(TypeError, match="give it a `name` class attribute or pass name="):
        Registry("widget", Widget).register(Nameless)


def test_registering_the_same_class_twice_is_harmless() -> None:
    registry: Registry[Widget] = Registry("widget", Widget)
    cls = widget("twice")
    first = registry.add(cls)
    assert registry.add(cls) is first
    assert registry.names() == ["twice"]


def test_duplicate_error_names_both_owners() -> None:
    registry: Registry[Widget] = Registry("widget", Widget)
    first, second = widget("search", 1), widget("search", 2)
    with attributed_to("finder"):
        registry.register(first)
    with pytest.raises(DuplicateNameError) as caught, attributed_to("seeker"):
        registry.register(second)
    assert caught.value.exit_code == 1
    assert str(caught.value) == (
        f"The widget name 'search' is already registered by skill 'finder' "
        f"({__name__}.{first.__qualname__}); skill 'seeker' ({__name__}.{second.__qualname__}) "
        "cannot register it too.\n"
        "  hint: rename one of them (name=... in the decorator) or disable one skill"
    )
    assert registry.get("search") is first


def test_duplicate_error_names_kurt_for_its_own_code_and_a_script_by_its_module(
    registries: Registries,
) -> None:
    with pytest.raises(DuplicateNameError) as caught:
        registries.fetchers.register(name="httpx")(EchoFetcher)
    assert "already registered by kurt (kurt.tools.fetch.engines.httpx." in str(caught.value)
    assert "; samples.EchoFetcher cannot register it too" in str(caught.value)

    registry: Registry[Widget] = Registry("widget", Widget)
    registry.add(widget("map", 1))
    with pytest.raises(DuplicateNameError) as caught:
        registry.add(widget("map", 2))
    assert "kurt (" not in str(caught.value)  # a script's class is not Kurt's


# The public decorators are the global registries' `register`; these tests use
# them as a skill does (the conftest undoes what they register).


def test_bare_decorator_returns_the_class_unchanged() -> None:
    decorated = register_tool(Echo)
    assert decorated is Echo
    assert TOOLS.get("echo") is Echo


def test_decorator_with_name_returns_the_class_unchanged() -> None:
    @register_tool(name="shout", description="Shout the text.")
    class Shout(Echo):
        pass

    assert Shout.__name__ == "Shout"
    assert issubclass(Shout, Echo)
    assert TOOLS.get("shout") is Shout
    assert TOOLS.entry("shout").description == "Shout the text."
    assert "echo" not in TOOLS  # the class attribute `name` was overridden


def test_decorator_with_empty_parentheses() -> None:
    assert register_fetcher()(EchoFetcher) is EchoFetcher
    assert FETCHERS.get("echo") is EchoFetcher


def test_three_registries_for_three_kinds() -> None:
    register_mapper(ListMapper)
    assert (TOOLS.kind, FETCHERS.kind, MAPPERS.kind) == ("tool", "fetcher", "mapper")
    assert (TOOLS.base, FETCHERS.base, MAPPERS.base) == (Tool, BaseFetcher, BaseMapper)
    entry = MAPPERS.entry("commas")
    assert entry.description == "Map a comma-separated source to its parts."  # the first line
    assert "commas" not in TOOLS
    assert "commas" not in FETCHERS


def test_entries_remember_where_they_came_from(registries: Registries) -> None:
    registries.tools.register(Echo)
    with attributed_to("echo-skill"):
        registries.tools.register(name="echo2")(Echo)
    entries = {entry.name: entry for entry in registries.tools}
    assert entries["echo"] == Entry(
        kind="tool",
        name="echo",
        obj=Echo,
        module="samples",
        skill=None,
        description="Echo the text back.",
    )
    assert entries["echo2"].skill == "echo-skill"
    assert entries["echo2"].owner == "skill 'echo-skill' (samples.Echo)"
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        entries["echo"].name = "changed"  # type: ignore[misc]


def test_attribution_ends_with_the_block() -> None:
    registry: Registry[Widget] = Registry("widget", Widget)
    with attributed_to("outer"):
        with attributed_to("inner"):
            registry.add(widget("a"))
        registry.add(widget("b"))
    registry.add(widget("c"))
    assert [e.skill for e in registry] == ["inner", "outer", None]


def test_unregister_forgets_a_name() -> None:
    registry: Registry[Widget] = Registry("widget", Widget)
    registry.add(widget("gone"))
    registry.unregister("gone")
    registry.unregister("never-there")
    assert registry.names() == []


# -- lookup ---------------------------------------------------------------------


def test_unknown_name_suggests_the_closest(registries: Registries) -> None:
    registries.tools.register(name="search")(Echo)
    with pytest.raises(UnknownNameError) as caught:
        registries.tools.get("serch")
    assert str(caught.value) == "Unknown tool 'serch'. Did you mean 'search'?"
    assert caught.value.exit_code == 2
    assert isinstance(caught.value, LookupError)


def test_unknown_name_without_a_close_one(registries: Registries) -> None:
    with pytest.raises(UnknownNameError) as caught:
        registries.fetchers.get("zzz")
    assert str(caught.value) == (
        "Unknown fetcher 'zzz'.\n  hint: see every fetcher with: kurt tool list"
    )


def test_membership_is_false_for_other_types(registries: Registries) -> None:
    assert 3 not in registries.tools
    assert None not in registries.tools


class FakeResolver:
    """Provides ``lazy`` (a skill's tool) on demand and counts the calls."""

    def __init__(self, registry: Registry[Widget]) -> None:
        self.registry = registry
        self.calls: list[tuple[str, str]] = []

    def resolve(self, kind: str, name: str) -> None:
        self.calls.append((kind, name))
        if name == "lazy":
            with attributed_to("lazy-skill"):
                self.registry.add(widget("lazy"))

    def names(self, kind: str) -> list[str]:
        return ["lazy"]

    def routes(self, kind: str) -> list[Candidate]:
        return [Candidate("lazy", "lazy-skill", "lazy.test/*", "user", 2)]


def test_routes_are_kurts_own_then_the_resolvers_and_load_nothing() -> None:
    mappers = MAPPERS.fresh()
    assert Candidate("rss", None, "*.atom", "kurt") in mappers.routes()
    registry: Registry[Widget] = Registry("widget", Widget)
    resolver = FakeResolver(registry)
    registry.set_resolver(resolver)
    assert registry.routes() == [Candidate("lazy", "lazy-skill", "lazy.test/*", "user", 2)]
    assert resolver.calls == []  # nothing was resolved to know them


def test_the_resolver_registers_on_demand_once() -> None:
    registry: Registry[Widget] = Registry("widget", Widget)
    resolver = FakeResolver(registry)
    registry.set_resolver(resolver)

    assert "lazy" in registry  # known from the resolver, nothing loaded
    assert registry.names() == ["lazy"]
    assert registry.registered("lazy") is None
    assert resolver.calls == []

    cls = registry.get("lazy")
    assert cls.name == "lazy"
    assert registry.get("lazy") is cls
    assert registry.entry("lazy").skill == "lazy-skill"
    assert resolver.calls == [("widget", "lazy")]


def test_resolver_names_feed_did_you_mean() -> None:
    registry: Registry[Widget] = Registry("widget", Widget)
    resolver = FakeResolver(registry)
    registry.set_resolver(resolver)
    with pytest.raises(UnknownNameError) as caught:
        registry.get("lazzy")
    assert str(caught.value) == "Unknown widget 'lazzy'. Did you mean 'lazy'?"
    assert resolver.calls == [("widget", "lazzy")]


def test_removing_the_resolver() -> None:
    registry: Registry[Widget] = Registry("widget", Widget)
    registry.set_resolver(FakeResolver(registry))
    registry.set_resolver(None)
    assert "lazy" not in registry
    with pytest.raises(UnknownNameError):
        registry.get("lazy")


# -- fresh registries ----------------------------------------------------------------


def test_a_new_registry_knows_kurts_own_names_and_nothing_else(registries: Registries) -> None:
    assert registries.tools.names() == ["fetch", "map"]
    assert registries.fetchers.names() == ["file", "httpx", "trafilatura"]
    assert "crawl" in registries.mappers.names()
    assert registries.tools.entry("fetch").kurts_own
    assert registries.tools.resolver is None


def test_what_a_test_registers_in_its_registries_stays_there(registries: Registries) -> None:
    registries.tools.register(Echo)
    assert registries.tools.get("echo") is Echo
    assert "echo" not in TOOLS
    assert "echo" not in Registries().tools


def test_fresh_gives_an_independent_registry_that_knows_only_kurts_own(
    registries: Registries,
) -> None:
    registries.tools.register(Echo)
    registries.tools.set_resolver(FakeResolver(Registry("widget", Widget)))
    other = registries.tools.fresh()
    assert (other.kind, other.base, other.names()) == ("tool", Tool, ["fetch", "map"])
    other.register(name="only-here")(Echo)
    assert "only-here" not in registries.tools
    assert registries.tools.get("echo") is Echo


# -- static typing -------------------------------------------------------------

TYPED_USE = """
    from typing import Any, assert_type

    from pydantic import BaseModel

    from kurt import FETCHERS, TOOLS, BaseFetcher, Tool, ToolResult, register_tool
    from kurt.registry import Entry


    class In(BaseModel):
        x: int


    class Bare(Tool[In, In]):
        name = "bare"
        InputModel = In
        OutputModel = In

        async def run(self, params: In, context: Any, on_progress: Any = None) -> ToolResult:
            return ToolResult(success=True)


    assert_type(register_tool(Bare), type[Bare])


    @register_tool(name="named")
    class Named(Bare):
        pass


    assert_type(Named, type[Named])
    assert_type(TOOLS.get("x"), type[Tool[Any, Any]])
    assert_type(TOOLS.entry("x"), Entry[Tool[Any, Any]])
    assert_type(FETCHERS.get("x"), type[BaseFetcher])
"""


@pytest.mark.slow  # runs mypy in a subprocess
def test_mypy_sees_precise_types(tmp_path: Path) -> None:
    pytest.importorskip("mypy", reason="mypy comes with the dev extra")
    snippet = tmp_path / "typed_use.py"
    snippet.write_text(textwrap.dedent(TYPED_USE), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(snippet)],
        cwd=tmp_path,  # away from the project's mypy configuration
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


# -- the awaited method must be async --------------------------------------------


def test_a_tool_with_a_plain_def_run_is_a_type_error(registries: Registries) -> None:
    class Sync(Tool[Text, Text]):
        name = "sync"
        InputModel = Text
        OutputModel = Text

        def run(  # type: ignore[override]
            self, params: Text, context: ToolContext, on_progress: Any = None
        ) -> ToolResult:
            return ToolResult.ok([params])

    with pytest.raises(TypeError) as caught:
        registries.tools.register(Sync)
    assert str(caught.value) == (
        "Sync.run must be `async def` (Kurt awaits it); write: async def run(self, ...)"
    )
    assert registries.tools.registered("sync") is None


def test_a_fetcher_with_a_plain_def_fetch_is_a_type_error(registries: Registries) -> None:
    class SyncFetcher(BaseFetcher):
        name = "sync-fetcher"

        def fetch(self, url: str, context: ToolContext) -> FetchResult:  # type: ignore[override]
            return FetchResult(url=url)

    with pytest.raises(TypeError, match=r"^SyncFetcher\.fetch must be `async def`"):
        registries.fetchers.register(SyncFetcher)
    assert registries.fetchers.registered("sync-fetcher") is None


def test_a_mapper_with_a_plain_def_map_is_a_type_error(registries: Registries) -> None:
    class SyncMapper(BaseMapper):
        name = "sync-mapper"

        def map(self, source: str, context: ToolContext) -> MapResult:  # type: ignore[override]
            return MapResult(source=source)

    with pytest.raises(TypeError, match=r"^SyncMapper\.map must be `async def`"):
        registries.mappers.register(SyncMapper)
    assert registries.mappers.registered("sync-mapper") is None


# -- a tool must set its models ---------------------------------------------------


def test_a_tool_without_models_is_a_type_error(registries: Registries) -> None:
    class Bare(Tool[Text, Text]):
        name = "bare"

        async def run(
            self, params: Text, context: ToolContext, on_progress: Any = None
        ) -> ToolResult:
            return ToolResult.ok([params])

    with pytest.raises(TypeError) as caught:
        registries.tools.register(Bare)
    assert str(caught.value) == (
        "Bare needs InputModel = <a pydantic model> and OutputModel = <a pydantic model> "
        "as class attributes (InputModel is not set; OutputModel is not set)"
    )
    assert registries.tools.registered("bare") is None


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        (
            {"OutputModel": Text},
            "Half needs InputModel = <a pydantic model> as a class attribute "
            "(InputModel is not set)",
        ),
        (
            {"InputModel": Text, "OutputModel": dict},
            "Half needs OutputModel = <a pydantic model> as a class attribute "
            "(OutputModel is dict, not a pydantic BaseModel subclass)",
        ),
        (
            {"InputModel": Text(), "OutputModel": Text},
            "Half needs InputModel = <a pydantic model> as a class attribute "
            "(InputModel is a Text, not a pydantic BaseModel subclass)",
        ),
    ],
    ids=["missing", "not-a-model", "an-instance"],
)
def test_each_wrong_model_is_named(
    attributes: dict[str, Any], message: str, registries: Registries
) -> None:
    half = type("Half", (Echo,), {"name": "half", "InputModel": None, "OutputModel": None})
    for attribute, value in attributes.items():
        setattr(half, attribute, value)
    with pytest.raises(TypeError) as caught:
        registries.tools.register(half)
    assert str(caught.value) == message
    assert registries.tools.registered("half") is None


def test_models_inherited_from_a_parent_tool_are_accepted(registries: Registries) -> None:
    class Child(Echo):
        name = "inheriting"

    assert registries.tools.register(Child) is Child


def test_fetchers_and_mappers_need_no_models(registries: Registries) -> None:
    assert registries.fetchers.register(EchoFetcher) is EchoFetcher
    assert registries.mappers.register(ListMapper) is ListMapper


def test_async_methods_inherited_or_overridden_are_accepted(registries: Registries) -> None:
    class Child(Echo):
        name = "child"

    assert registries.tools.register(Child) is Child
    # A registry of another kind checks no method.
    assert Registry("widget", Widget).register(widget("plain")).name == "plain"


def test_a_name_of_another_kind_says_what_it_is() -> None:
    """`kurt fetch --engine opml` when opml is a mapper: say so, not just 'unknown'."""
    with pytest.raises(UnknownNameError) as caught:
        FETCHERS.get("crawl")
    assert str(caught.value) == (
        "Unknown fetcher 'crawl'.\n  hint: 'crawl' is a mapper, not a fetcher "
        "(see: kurt tool info crawl)"
    )
    with pytest.raises(UnknownNameError) as caught:
        MAPPERS.get("zzz-nothing")
    assert caught.value.hint == "see every mapper with: kurt tool list"


ITERATE = """
from kurt import FETCHERS
print(len(FETCHERS), sorted(entry.name for entry in FETCHERS))
"""


def test_iteration_in_a_fresh_process_agrees_with_names(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", ITERATE], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert done.stdout == "3 ['file', 'httpx', 'trafilatura']\n"
