"""An item's content is serialised once, by its validation: that text is what the upsert stores
and answers, and it is the content as JSON values."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from app.core import json_codec
from app.reports.schemas import MAX_CONTENT_BYTES, ReportIn

CONTENTS: list[dict[str, Any]] = [
    {},
    {"b": 1, "a": {"d": [1.5, None, True], "c": "é 😀"}},
    {"big": 123456789012345678901234567890, "f": 2.5e-8},
    {"nothing": None, "deep": [[[{"x": None}]]]},
]


def validated(**fields: Any) -> ReportIn:
    return ReportIn.model_validate({"slug": "a", "title": "T", **fields})


@pytest.mark.parametrize("content", CONTENTS)
def test_the_content_json_is_the_contents_compact_json(content: dict[str, Any]) -> None:
    report = validated(content=content)
    assert report.content == content
    assert report.content_json == json_codec.dumps_text(content)
    assert json.loads(report.content_json) == content


def test_an_omitted_content_is_an_empty_object() -> None:
    report = validated()
    assert report.content == {}
    assert report.content_json == "{}"


def test_a_content_built_without_validation_is_serialised_when_asked() -> None:
    report = ReportIn.model_construct(slug="a", title="T", content={"k": [1]})
    assert report.content_json == '{"k":[1]}'


@pytest.mark.parametrize("filler", [0, 1])
def test_the_size_bound_is_the_standard_modules_compact_text(filler: int) -> None:
    # With a null, the standard module measures: `{"n":null,"k":"..."}`.
    text = "x" * (MAX_CONTENT_BYTES - len('{"n":null,"k":""}') + filler)
    content = {"n": None, "k": text}
    if filler:
        with pytest.raises(ValidationError, match="at most 262144 bytes"):
            validated(content=content)
    else:
        assert validated(content=content).content_json == json_codec.dumps_text(content)


def test_non_finite_numbers_are_refused() -> None:
    with pytest.raises(ValidationError, match="numbers must be finite"):
        validated(content={"x": float("inf")})
