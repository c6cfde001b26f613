"""Request bodies take orjson and one pass over all text where that reads and judges them as
the standard module and the node-by-node walk do; these hold the two paths equal."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.core.errors import ValidationFailed
from app.core.json_input import JsonTooDeep, parse_json
from app.http.validation import _first_problem, _plainly_storable, validate
from app.idempotency.service import fingerprint
from app.reports.schemas import ReportBatchIn


def nested(levels: int) -> str:
    return "[" * levels + "]" * levels


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1, "a": 2, "b": [1.5, -0, 1E5, 1e-7, "\\u00e9\\ud83d\\ude00"]}',
        '{"n": 12345678901234567890123, "m": -9223372036854775809}',
        '"\\u0000"',
        nested(64),
        nested(255),
        nested(900),
    ],
)
def test_documents_are_read_as_the_json_module_reads_them(text: str) -> None:
    assert parse_json(text.encode()) == json.loads(text)


@pytest.mark.parametrize(
    "text",
    ["\ufeff{}".encode(), b'["\\ud800"]', b"[NaN]", b"[1e400]", b"[1,]", b"\xff", b"{"],
)
def test_what_orjson_refuses_is_judged_as_before(text: bytes) -> None:
    if text.startswith(b"\xef\xbb\xbf"):
        assert parse_json(text) == {}
    else:
        with pytest.raises(ValueError, match=r"\w"):
            parse_json(text)


def test_too_deep_for_the_json_module_is_still_too_deep() -> None:
    with pytest.raises(JsonTooDeep):
        parse_json(nested(1020).encode())


@pytest.mark.parametrize(
    "document",
    [
        {"reports": [{"slug": "a", "title": "t\x00"}]},
        {"reports": [{"slug": "a", "title": "t", "content": {"k\ud800": 1}}]},
        {"reports": [{"slug": "a", "title": "t", "content": json.loads(nested(70))}]},
        {"reports": [{"slug": "a", "title": "t", "content": {"x": ["\ud800"]}}]},
    ],
)
def test_each_problem_is_found_and_placed(document: Any) -> None:
    assert not _plainly_storable(document)
    assert _first_problem(document, 1) is not None
    with pytest.raises(ValidationFailed):
        validate(ReportBatchIn, document)


def test_plain_documents_pass_the_quick_check() -> None:
    document = {"reports": [{"slug": "a", "title": "é", "content": {"x": [1, 2.5, None, True]}}]}
    assert _plainly_storable(document)
    assert _first_problem(document, 1) is None


def test_fingerprint_ignores_key_order_and_takes_big_integers() -> None:
    one = fingerprint("POST", "/x", {"a": 1, "b": {"d": [1.5], "c": "é"}})
    two = fingerprint("POST", "/x", {"b": {"c": "é", "d": [1.5]}, "a": 1})
    assert one == two
    assert fingerprint("POST", "/x", {"n": 10**30}) != fingerprint("POST", "/x", {"n": 10**29})
