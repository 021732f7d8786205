"""--input JSON and -p KEY=VALUE, as `kurt tool run` and `kurt workflow run` read them."""

from __future__ import annotations

import pytest

from kurt.cli.params import parse_params
from kurt.errors import UsageError


def test_pairs_win_over_the_json_input_and_a_repeated_key_is_a_list() -> None:
    params = parse_params(("top=3", "tag=a", "tag=b", "tag=c"), '{"top": 1, "source": "docs/"}')
    assert params == {"top": "3", "source": "docs/", "tag": ["a", "b", "c"]}


def test_a_value_that_looks_like_json_is_read_as_json_else_kept_as_text() -> None:
    params = parse_params(('urls=["a", "b"]', "opts={bad", "n=2"), None)
    assert params == {"urls": ["a", "b"], "opts": "{bad", "n": "2"}


@pytest.mark.parametrize(
    ("pairs", "raw", "message"),
    [
        ((), "{nope", "--input is not valid JSON: Expecting property name enclosed in double"),
        ((), "[1, 2]", "--input must be a JSON object"),
        (("novalue",), None, "-p expects key=value, got 'novalue'"),
        (("=x",), None, "-p expects key=value, got '=x'"),
    ],
)
def test_malformed_input_is_a_usage_error_with_an_example(
    pairs: tuple[str, ...], raw: str | None, message: str
) -> None:
    with pytest.raises(UsageError, match="^" + message.replace("[", r"\[")) as caught:
        parse_params(pairs, raw)
    assert "for example" in (caught.value.hint or "")
