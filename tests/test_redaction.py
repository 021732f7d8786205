"""A resolved secret never shows in what Kurt prints or stores (issue 11, item 16).

The class is closed at the doors, not per message: every ToolResult error and
everything the CLI writes goes through :func:`kurt.redaction.redact`, which
masks every secret value a run resolved.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kurt import redaction
from kurt.core.result import ErrorInfo, ToolResult
from kurt.redaction import MASK, MIN_LENGTH, redact, redact_value, remember


@pytest.fixture(autouse=True)
def clean_slate() -> Iterator[None]:
    redaction.forget_all()
    yield
    redaction.forget_all()


secrets = st.text(min_size=MIN_LENGTH, max_size=30).filter(lambda s: s.strip() != "")
around = st.text(max_size=30)


@given(secret=secrets, before=around, after=around)
def test_a_remembered_secret_never_survives_redaction(secret: str, before: str, after: str) -> None:
    redaction.forget_all()
    remember(secret)
    assert secret not in redact(f"{before}{secret}{after}")
    # What `--json` writes: redacted before it is serialized, so no escape is cut.
    document = redact_value({"m": [before + secret + after], secret: 1})
    for ascii_only in (False, True):
        loaded = json.loads(json.dumps(document, ensure_ascii=ascii_only))
        assert secret not in loaded["m"][0]
        assert secret not in loaded


@given(secret=secrets, other=secrets, text=around)
def test_several_secrets_are_all_masked_and_nothing_else_changes(
    secret: str, other: str, text: str
) -> None:
    redaction.forget_all()
    remember({"token": secret, "keys": [other]})
    masked = redact(f"{secret}|{text}|{other}")
    assert secret not in masked
    assert other not in masked
    if secret not in text and other not in text and MASK not in text:
        assert text in masked


def test_text_without_secrets_is_untouched_and_short_values_are_never_masked() -> None:
    assert redact("nothing known yet") == "nothing known yet"
    remember("abc")  # shorter than MIN_LENGTH: masking it would garble output
    remember(True)
    assert redact("abc True") == "abc True"
    remember(123456)
    assert redact("pin 123456") == f"pin {MASK}"


def test_settings_secrets_are_remembered_from_a_settings_object() -> None:
    from pydantic import BaseModel, Secret, SecretStr

    class Settings(BaseModel):
        token: SecretStr
        pin: Secret[int]
        label: str

    redaction.remember_settings(
        Settings(token=SecretStr("tok-canary"), pin=Secret(98765), label="public")
    )
    assert redact("tok-canary 98765 public") == f"{MASK} {MASK} public"


def test_an_error_of_a_result_is_stored_and_printed_without_the_secret() -> None:
    remember("s3cr3t-value")
    error = ErrorInfo(message="auth failed with s3cr3t-value", hint="token s3cr3t-value")
    assert error.message == f"auth failed with {MASK}"
    assert error.model_extra == {"hint": f"token {MASK}"}
    result = ToolResult(success=False, errors=[{"message": "s3cr3t-value"}])  # type: ignore[list-item]
    assert "s3cr3t-value" not in result.model_dump_json()


# -- end to end: a fetcher whose error holds its secret setting ---------------------

LEAKY = """
from kurt import BaseFetcher, FetchError, register_fetcher


@register_fetcher
class Leaky(BaseFetcher):
    name = "leaky"

    async def fetch(self, url, context):
        token = context.settings.token.get_secret_value()
        print("debugging with", token)
        if url.endswith("/fail"):
            raise FetchError(url, f"401 for token {token}")
        raise RuntimeError(f"crashed holding {token!r}")
"""

CANARY = 'canary-Zq8"x7-secret'


def test_a_fetchers_secret_is_never_printed_or_stored(
    make_project: Callable[..., Path], run_kurt: Callable[..., Any]
) -> None:
    root = make_project(toml="[skills.leaky]\ntoken = " + json.dumps(CANARY) + "\n")
    folder = root / "skills" / "leaky"
    folder.mkdir(parents=True)
    (folder / "SKILL.md").write_text(
        "---\nname: leaky\ndescription: Leaks.\n"
        "implements:\n  - {type: fetcher, class: Leaky, name: leaky}\n"
        "settings:\n  token: {type: str, secret: true}\n---\n",
        encoding="utf-8",
    )
    (folder / "skill.py").write_text(LEAKY, encoding="utf-8")
    urls = ["https://example.invalid/fail", "https://example.invalid/crash"]
    outputs = [
        run_kurt(*debug, "fetch", "--engine", "leaky", *urls, *json_flag, cwd=root)
        for debug, json_flag in (((), ()), ((), ("--json",)), (("--debug",), ()))
    ]
    for outcome in outputs:
        assert outcome.exit_code == 1, outcome
        assert CANARY not in outcome.stdout + outcome.stderr
        assert json.dumps(CANARY)[1:-1] not in outcome.stdout + outcome.stderr
    errors = json.loads(outputs[1].stdout)["errors"]
    assert [e["message"] for e in errors] == [
        f"401 for token {MASK}",
        f"RuntimeError: crashed holding '{MASK}'",
    ]
    assert f"debugging with {MASK}" in outputs[0].stderr
    stored = b"".join(path.read_bytes() for path in (root / ".kurt").rglob("*") if path.is_file())
    assert b"canary-Zq8" not in stored
