"""The cheap checks on a JSON body's bytes give what the full ones give."""

from __future__ import annotations

import pytest

from app.core.json_input import PARSED_JSON_CONTEXT, numbers_are_finite, parse_json
from app.http.validation import json_texts_storable
from app.reports.schemas import ReportIn


@pytest.mark.parametrize(
    ("body", "storable"),
    [
        (b'{"a": "plain text"}', True),
        (b'{"a": "line\\nbreak \\"quoted\\" \\u00e9"}', True),
        (b'{"a": "\\\\u0000"}', False),  # no NUL (an escaped backslash), but not certain
        (b'{"a": "nul \\u0000"}', False),
        (b'{"a\\u0000": 1}', False),
    ],
)
def test_texts_are_storable_unless_a_nul_may_be_escaped(body: bytes, storable: bool) -> None:
    assert json_texts_storable(body) is storable
    if storable:
        assert "\x00" not in "".join(f"{k}{v}" for k, v in parse_json(body).items())


@pytest.mark.parametrize("levels", [253, 254, 255, 256])
def test_documents_about_orjsons_write_depth_read_as_the_json_module_reads_them(
    levels: int,
) -> None:
    text = "[" * levels + "]" * levels
    assert parse_json(text.encode()) == parse_json(text)


def test_only_a_parsed_documents_context_vouches_for_finite_numbers() -> None:
    assert numbers_are_finite(PARSED_JSON_CONTEXT)
    assert not numbers_are_finite(None)
    assert not numbers_are_finite({"other": True})


def test_a_parsed_documents_content_with_nulls_is_taken_as_it_is() -> None:
    item = {"slug": "a", "title": "T", "content": {"x": None, "y": [None, 1.5]}}
    report = ReportIn.model_validate(item, context=PARSED_JSON_CONTEXT)
    assert report.content_json == '{"x":null,"y":[null,1.5]}'
