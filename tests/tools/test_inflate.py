"""kurt.tools.inflate: content codings decoded as they arrive, never past the limit."""

from __future__ import annotations

import gzip
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kurt.tools.inflate import PIECE, CorruptData, Inflater, TooLarge, UnknownCoding, inflate

_PACK = {
    "gzip": gzip.compress,
    "x-gzip": gzip.compress,
    "deflate": zlib.compress,  # zlib-wrapped, as the RFC says
    "identity": lambda data: data,
}


def pack(data: bytes, codings: list[str]) -> bytes:
    for coding in codings:  # in the order the server applied them
        data = _PACK[coding](data)
    return data


def feed_in(inflater: Inflater, packed: bytes, cuts: list[int]) -> bytes:
    """Feed ``packed`` in the chunks ``cuts`` makes, as a network would."""
    out, start = [], 0
    for cut in [*sorted({min(cut, len(packed)) for cut in cuts}), len(packed)]:
        out.append(inflater.feed(packed[start:cut]))
        start = cut
    return b"".join(out)


codings = st.lists(st.sampled_from(sorted(_PACK)), min_size=0, max_size=3)


@given(
    data=st.binary(max_size=3000) | st.integers(0, 300_000).map(bytes),
    applied=codings,
    cuts=st.lists(st.integers(0, 4000), max_size=6),
)
def test_any_stack_of_codings_comes_back_whole_within_the_limit(
    data: bytes, applied: list[str], cuts: list[int]
) -> None:
    inflater = Inflater(applied, limit=len(data))
    assert feed_in(inflater, pack(data, applied), cuts) == data


@given(
    data=st.integers(1, 300_000).map(bytes),
    applied=codings,
    cuts=st.lists(st.integers(0, 4000), max_size=6),
)
def test_one_byte_past_the_limit_is_refused_whatever_the_stack(
    data: bytes, applied: list[str], cuts: list[int]
) -> None:
    inflater = Inflater(applied, limit=len(data) - 1)
    with pytest.raises(TooLarge):
        feed_in(inflater, pack(data, applied), cuts)
    assert inflater.size <= len(data) - 1 + PIECE  # stopped within one piece


def test_a_bomb_is_refused_after_one_piece_past_the_limit() -> None:
    bomb = pack(bytes(50_000_000), ["gzip", "gzip"])
    inflater = Inflater(["gzip", "gzip"], limit=1_000_000)
    with pytest.raises(TooLarge):
        inflater.feed(bomb)
    assert inflater.size <= 1_000_000 + PIECE


def test_raw_deflate_is_read_too() -> None:
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    raw = packer.compress(b"raw deflate") + packer.flush()
    assert inflate(raw, ["deflate"], 100) == b"raw deflate"


@pytest.mark.parametrize("pack_deflate", [zlib.compress, lambda d: zlib.compress(d, wbits=-15)])
def test_deflate_arriving_one_byte_at_a_time_is_read(pack_deflate: object) -> None:
    # Whether deflate is zlib-wrapped shows only in its first two bytes.
    packed = pack_deflate(b"<p>hello</p>")  # type: ignore[operator]
    inflater = Inflater(["deflate"], limit=100)
    assert b"".join(inflater.feed(packed[i : i + 1]) for i in range(len(packed))) == b"<p>hello</p>"


def test_concatenated_gzip_members_are_all_read() -> None:
    assert inflate(gzip.compress(b"one ") + gzip.compress(b"two"), ["gzip"], 100) == b"one two"


def test_corrupt_data_and_unknown_codings_say_so() -> None:
    with pytest.raises(CorruptData, match="corrupt gzip data"):
        inflate(b"\x1f\x8bnot gzip at all", ["gzip"], 100)
    with pytest.raises(UnknownCoding) as caught:
        Inflater(["gzip", "br"], 100)
    assert caught.value.coding == "br"
