"""``kurt tool info``'s input table, from the JSON Schema of a tool's InputModel."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from kurt.cli.input_fields import input_fields


class Page(BaseModel):
    url: str


class Everything(BaseModel):
    url: str = Field(description="Where  to\\n look.")
    depth: int | None = None
    ratio: float = 0.5
    mode: Literal["fast", "slow"] = "fast"
    pages: list[Page] = Field(default_factory=list)
    headers: dict[str, str] = Field(default_factory=dict)
    first: Page | None = None
    loud: bool = False


def test_every_sort_of_field_reads_as_a_person_writes_a_type() -> None:
    rows = input_fields(Everything.model_json_schema())
    assert rows == [
        ["url", "str", "yes", "", "Where to\\n look."],
        ["depth", "int | null", "no", "null", ""],
        ["ratio", "float", "no", "0.5", ""],
        ["mode", '"fast" | "slow"', "no", '"fast"', ""],
        ["pages", "list[Page]", "no", "", ""],
        ["headers", "dict[str, str]", "no", "", ""],
        ["first", "Page | null", "no", "null", ""],
        ["loud", "bool", "no", "false", ""],
    ]


class Nothing(BaseModel):
    pass


def test_a_model_without_fields_has_no_rows() -> None:
    assert input_fields(Nothing.model_json_schema()) == []
