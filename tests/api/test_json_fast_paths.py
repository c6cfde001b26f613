"""Request bodies take orjson and one pass over all text where that reads and judges them as
the standard module and the node-by-node walk do; these hold the two paths equal."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.core import json_codec
from app.core.errors import ValidationFailed
from app.core.json_input import JsonTooDeep, parse_json, read_json
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


def padded(text: str) -> str:
    """`text` in a document long enough to be written back by orjson (over 508 bytes)."""
    return f'{{"pad": "{"x" * 600}", "value": {text}}}'


@pytest.mark.parametrize(
    "text",
    [
        "18446744073709551616",
        "-9223372036854775809",
        "[123456789012345678901234567890, 1.5]",
        '{"n": 99999999999999999999, "text": "no plus sign here"}',
        '["C++ 18446744073709551615", 18446744073709551615, -9223372036854775808]',
        "[1e16, 9.3e18, 1.00000000000000000000001, 12345678901234567890.5]",
        '"a run of 1234567890123456789012 digits in a text"',
    ],
)
def test_long_documents_are_read_as_the_json_module_reads_them(text: str) -> None:
    document = padded(text)
    read = parse_json(document.encode())
    assert read == json.loads(document)
    assert [type(node) for node in _leaves(read)] == [
        type(node) for node in _leaves(json.loads(document))
    ]


def _leaves(node: Any) -> list[Any]:
    if isinstance(node, dict):
        return [leaf for child in node.values() for leaf in _leaves(child)]
    if isinstance(node, list):
        return [leaf for child in node for leaf in _leaves(child)]
    return [node]


def test_a_long_document_without_a_float_from_1e16_is_not_scanned(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scanned: list[bytes | str] = []

    def scan(data: bytes | str) -> bool:
        scanned.append(data)
        return True

    monkeypatch.setattr(json_codec, "has_long_digit_run", scan)
    document = padded('["1234567890123456789012", 12345678901234567, 1.5e15]')
    assert parse_json(document.encode()) == json.loads(document)
    assert scanned == []
    parse_json(padded("1e16").encode())
    assert len(scanned) == 1


@pytest.mark.parametrize(
    ("text", "within_depth"),
    [
        (padded(nested(63)), True),
        (padded(nested(64)), False),
        (padded('[[[["a"]]]]'), True),
        (nested(10), False),
        (padded('"\\n                                                                   "'), True),
    ],
)
def test_a_written_back_document_tells_its_depth(text: str, within_depth: bool) -> None:
    parsed = read_json(text.encode())
    assert parsed.value == json.loads(text)
    assert parsed.within_depth is within_depth
