"""What Kurt prints is made safe by one stream (issue 11, items 14 to 16).

Whatever a run writes to stdout and stderr, as text or as bytes, has every
remembered secret masked, then every character a terminal would obey
spelled out; rich, which draws with escape sequences, gets the masking only.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from unittest import mock

import click
import pytest
from hypothesis import given
from hypothesis import strategies as st

from controls import BIDI, OSC_0, obeyed
from kurt import redaction
from kurt.cli.escape import escape
from kurt.cli.streams import SafeStream, safe, safe_streams, unescaped
from kurt.redaction import MASK, remember


@pytest.fixture(autouse=True)
def clean_slate() -> Iterator[None]:
    redaction.forget_all()
    yield
    redaction.forget_all()


@contextlib.contextmanager
def stdio() -> Iterator[tuple[io.TextIOWrapper, io.TextIOWrapper]]:
    """``sys.stdout`` and ``sys.stderr`` as real text streams over bytes (as a
    process has them) inside the block (a fixture's would not last: pytest's
    capture sets its own again before the test runs)."""
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")
    with mock.patch.object(sys, "stdout", out), mock.patch.object(sys, "stderr", err):
        yield out, err


def written(stream: io.TextIOWrapper) -> str:
    stream.flush()
    return stream.buffer.getvalue().decode("utf-8")  # type: ignore[attr-defined]


# -- text ----------------------------------------------------------------------------------


def test_the_streams_are_safe_inside_the_block_only() -> None:
    remember("hunter22")
    with stdio() as (out, err):
        with safe_streams():
            with safe_streams():  # nested: one layer only
                print(f"title {OSC_0} password hunter22")
            assert isinstance(sys.stdout, SafeStream)
            assert sys.stdout.stream is out
            print("err \x1b[2J", file=sys.stderr)
            sys.stdout.writelines(["hunter22\n"])
        assert sys.stdout is out
        assert sys.stderr is err
        print("after hunter22")
    assert written(out) == f"title \\x1b]0;pwned\\x07 password {MASK}\n{MASK}\nafter hunter22\n"
    assert written(err) == "err \\x1b[2J\n"


def test_a_secret_holding_a_control_character_is_masked_whole() -> None:
    """Masked before it is escaped: escaping first would spell it out (``\\x1b``)
    where redaction no longer knows it."""
    secret = "tok\x1b[2Jen-\u202evalue"
    remember(secret)
    with stdio() as (out, _), safe_streams():
        print(f"using {secret}\x07 and {secret[:5]}")
    assert written(out) == "using ***\\x07 and tok\\x1b[\n"
    assert escape(secret) not in written(out)


def test_controls_around_a_secret_are_escaped_once_it_is_masked() -> None:
    """A secret inside an escape sequence (a window title, a clipboard write):
    masked, and the sequence around the mask spelled out like any other text."""
    remember("s3cret-value")
    assert safe("\x1b]0;s3cret-value\x07\x1bs3cret-value[2J") == "\\x1b]0;***\\x07\\x1b***[2J"


def test_a_json_document_through_the_stream_stays_valid_and_means_the_same() -> None:
    """json.dumps spells C0 controls itself; DEL, C1 and bidi characters are
    spelled as JSON escapes of themselves; secrets are masked in the value
    before it is serialized (kurt.cli.output.print_json), and the stream leaves
    the document as it is."""
    value = {"description": f"x\x7f\x9b{BIDI}\x1b[2J\r\udc80", "n": [1, 2]}
    remember("tok-\x9bsecret")
    raw = io.StringIO()
    stream = SafeStream(raw)
    document = json.dumps({**value, "token": "tok-\x9bsecret"}, ensure_ascii=False)
    stream.write(document + "\n")
    assert obeyed(raw.getvalue()) == []
    assert json.loads(raw.getvalue()) == {**value, "token": MASK}


# Secrets of letters escaping never writes (no backslash, x, u or hex digit) and
# of characters a terminal obeys: no spelling can then make up a secret again.
secrets = st.text(st.sampled_from("ghijkmnopqrstvwyzGHIJ-_.!\x1b\x07\r\x00\x9b\u202e"), min_size=4)


@given(secret=secrets, before=st.text(), after=st.text())
def test_what_the_stream_writes_holds_no_secret_and_nothing_a_terminal_obeys(
    secret: str, before: str, after: str
) -> None:
    redaction.forget_all()
    remember(secret)
    raw = io.StringIO()
    SafeStream(raw).write(before + secret + after)
    shown = raw.getvalue()
    assert obeyed(shown) == []
    assert secret not in shown
    assert MASK in shown


@given(text=st.text(st.characters(exclude_categories=["Cs"])), secret=secrets)
def test_bytes_are_written_as_the_same_text_would_be(text: str, secret: str) -> None:
    redaction.forget_all()
    remember(secret)
    raw = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")
    stream = SafeStream(raw)
    stream.buffer.write(f"{text}{secret}".encode())
    assert written(raw) == safe(f"{text}{secret}")


# -- bytes ---------------------------------------------------------------------------------


def test_bytes_are_masked_and_escaped_too() -> None:
    """click writes shell completions as bytes, through the stream's buffer; a
    skill may write there too."""
    remember("hunter22")
    with stdio() as (out, _), safe_streams():
        print("text first, ", end="")
        sys.stdout.buffer.write(b"token hunter22 ")
        click.echo(b"hunter22 again")
        sys.stdout.buffer.write("tool\u00e9 ".encode() + OSC_0.encode()[:3])
        sys.stdout.buffer.write(OSC_0.encode()[3:] + b"\xff\n")
    assert written(out) == (
        f"text first, token {MASK} {MASK} again\ntool\u00e9 \\x1b]0;pwned\\x07\\udcff\n"
    )


def test_a_character_split_between_two_byte_writes_is_written_whole() -> None:
    encoded = "café ✓".encode()
    with stdio() as (out, _), safe_streams():
        for cut in (4, 8):  # inside "é" (2 bytes), then inside "✓" (3 bytes)
            sys.stdout.buffer.write(encoded[:cut])
            sys.stdout.buffer.write(encoded[cut:])
    assert written(out) == "café ✓café ✓"


def test_a_stream_without_bytes_has_no_buffer() -> None:
    """click then writes bytes nowhere (it asks ``getattr(stream, "buffer", None)``)."""
    assert getattr(SafeStream(io.StringIO()), "buffer", None) is None


# -- rich ----------------------------------------------------------------------------------


def test_what_rich_writes_is_masked_and_keeps_its_own_styles() -> None:
    """Tables mask their cells before the layout (kurt.cli.plain.clean); what
    else a console is given is masked on its way out, and rich's own escape
    sequences are left to draw."""
    from rich.text import Text

    from kurt.cli.output import console, print_table

    remember("tok-hunter22")
    with stdio() as (out, _):
        with safe_streams():
            with mock.patch("rich.console.Console.is_terminal", True):  # rich styles its header
                print_table(["name", "token"], [["archive", "tok-hunter22"], ["other", "\x1b[2J"]])
                console().print(Text("given as is: tok-hunter22", style="bold"))
            assert unescaped(sys.stdout) is sys.stdout.unescaped  # type: ignore[attr-defined]
        assert unescaped(sys.stdout) is out  # outside the block: the stream itself
    shown = written(out)
    assert "tok-hunter22" not in shown
    assert shown.count(MASK) == 2
    assert "\\x1b[2J" in shown  # the cell's own control, spelled out
    assert "\x1b[1mgiven as is: ***" in shown  # rich's bold, drawn


# -- the rest is the stream's --------------------------------------------------------------


def test_isatty_fileno_and_encoding_are_the_streams() -> None:
    main, secondary = os.openpty()
    try:
        with open(secondary, "w", encoding="utf-8", closefd=False) as terminal:
            stream = SafeStream(terminal)
            assert stream.isatty()
            assert stream.unescaped.isatty()
            assert stream.fileno() == secondary
            assert stream.encoding == "utf-8"
    finally:
        os.close(main)
        os.close(secondary)
    with tempfile.TemporaryFile("w+", encoding="latin-1") as file:
        stream = SafeStream(file)
        assert not stream.isatty()
        assert stream.encoding == "latin-1"
        stream.write("done\n")
        stream.close()  # borrowed: closing the stream leaves the file open
        file.seek(0)
        assert file.read() == "done\n"
