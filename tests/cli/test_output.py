"""Human output at 80 columns, piped (SPEC section 6, issue 15 item 4): the
demo project's listings, infos, map and fetch, from real ``kurt`` processes.

No line is longer than 80 but a path moved to its own line, no table header is
broken in two, and a long URL is shortened in its middle, never wrapped."""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
ELLIPSIS = "…"


@pytest.fixture
def demo(tmp_path: Path, kurt_home: Path) -> Path:
    """A trusted copy of the demo project (this repository's kurt.toml, skills
    and examples), deep in tmp_path as a user's clone may be: its paths and
    file URLs are long."""
    from kurt.config.trust import set_trusted

    root = tmp_path / "a-clone-of-the-kurt-repository" / "kept-in-a-deep-folder"
    root.mkdir(parents=True)
    shutil.copy(REPOSITORY / "kurt.toml", root)
    for folder in ("skills", "examples"):
        shutil.copytree(REPOSITORY / folder, root / folder)
    set_trusted(kurt_home / "trusted-projects.json", root)
    return root


def too_long(output: str) -> list[str]:
    """Lines over 80 columns, but a path or URL alone on its own line."""
    return [
        line for line in output.splitlines() if len(line) > 80 and not re.fullmatch(r"\s*\S+", line)
    ]


def rich_headers(output: str) -> list[list[str]]:
    """The header cells of each rich table: one line of them per table, or a header wrapped."""
    return [
        [cell.strip() for cell in line.strip("┃").split("┃")]
        for line in output.splitlines()
        if line.startswith("┃")
    ]


COMMANDS: list[tuple[list[str], list[list[str]] | list[str]]] = [
    # (arguments, the rich tables' header rows, or the plain table's header words)
    (
        ["config", "skills"],
        [
            ["path", "source", "exists"],
            ["skill", "enabled", "why", "settings (source)", "problems"],
        ],
    ),
    (
        ["skill", "info", "site-digest"],
        [
            ["name", "type", "class", "description"],
            ["key", "type", "value", "default", "description"],
        ],
    ),
    (["skill", "list"], ["name", "version", "source", "status", "provides"]),
    (["tool", "list"], ["kind", "name", "skill", "description"]),
    (["tool", "info", "fetch"], ["field", "type", "required", "default", "description"]),
    (["map", "examples/site"], ["url"]),
    (  # the rows are too wide with their URLs: each URL goes whole under its row
        ["fetch", "examples/site/index.html", "examples/site/guide/compost.md"],
        ["title", "length", "content_type"],
    ),
]


def test_the_demo_at_80_columns_breaks_no_header_and_no_word(
    demo: Path, run_kurt: Callable[..., tuple[int, str, str]]
) -> None:
    for args, headers in COMMANDS:
        code, out, err = run_kurt(*args, cwd=demo, env={"COLUMNS": "80"})
        assert code == 0, (args, err)
        assert too_long(out + err) == [], (args, out)
        if isinstance(headers[0], list):
            assert rich_headers(out) == headers, (args, out)
        else:
            header = next(line for line in out.splitlines() if line.startswith(headers[0]))
            assert header.split() == headers, (args, out)
        if args[0] == "map":
            urls = [line for line in out.splitlines() if line.startswith("file://")]
            assert len(urls) == 5
            for url in urls:  # whole: what a user copies
                assert ELLIPSIS not in url
                assert re.fullmatch(r"file:///\S+\.(html|txt|md)", url)
            # The column that repeats one value in every row is a caption.
            assert re.search(r"^engine: folder", out, re.M), out
            assert re.search(r"^source:", out, re.M), out
        if args[0] == "fetch":
            for path in args[1:]:
                assert f"  {(demo / path).as_uri()}\n" in out, out
        if args[:2] == ["skill", "info"]:
            assert "source: project  required: no  secret: no" in out


def test_a_long_problem_is_printed_under_the_skills_table_not_wrapped_in_a_cell(
    demo: Path, run_kurt: Callable[..., tuple[int, str, str]]
) -> None:
    with (demo / "kurt.toml").open("a", encoding="utf-8") as toml:
        toml.write("colour = 1\n")  # a setting site-digest does not declare

    code, out, _ = run_kurt("config", "skills", cwd=demo, env={"COLUMNS": "80"})

    assert code == 0
    assert too_long(out) == []
    assert rich_headers(out)[1] == ["skill", "enabled", "why", "settings (source)"]
    problem = out[out.index("\nsite-digest:") + 1 :]
    assert "unknown setting 'skills.site-digest.colour'" in " ".join(problem.split())
    assert "hint: settings of 'site-digest': label, max_words" in problem


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_in_a_terminal_urls_too_wide_for_a_table_stay_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kurt.cli.output import print_listing

    monkeypatch.setenv("COLUMNS", "80")
    long = [
        f"https://docs.example.test/guides/very/deep/section-{n}/chapter/page.html"
        for n in range(2)
    ]
    for urls, drawn in ((long, False), (["https://a.test/1", "https://a.test/2"], True)):
        screen = Terminal()
        monkeypatch.setattr("sys.stdout", screen)
        print_listing(["url", "title"], [[url, "A title"] for url in urls], own_line="url")
        shown = screen.getvalue()
        assert all(url in shown for url in urls)  # never shortened in the middle
        assert ("┃" in shown) is drawn  # a rich table only while the URLs fit in it


def test_a_url_column_with_one_value_in_every_row_becomes_the_caption(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from kurt.cli.output import print_listing

    monkeypatch.setenv("COLUMNS", "24")  # the rows are too wide: the URL would move
    url = "https://docs.example.test/guides/very/deep/section/chapter/page.html"
    print_listing(
        ["url", "part", "text"],
        [[url, "1", "First part of the page"], [url, "2", "Second part of the page"]],
        own_line="url",
        tidy=True,
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["part", "text"]
    assert url in lines[-1]
