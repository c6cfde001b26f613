"""`validate` with texts known storable checks only the depth, with the same bound and the same
422 as the full check; a body with a NUL escape gets the full check."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from app.core.errors import ValidationFailed
from app.core.json_input import MAX_JSON_DEPTH, TOO_DEEP_MESSAGE, parse_json
from app.http import validation
from app.http.validation import json_texts_storable, validate


class Document(BaseModel):
    value: Any = None


def nested(depth: int, kind: str) -> Any:
    """A document `depth` levels deep (the top level is 1), alternating lists and objects."""
    node: Any = "leaf"
    for level in range(depth - 1):
        node = [node, 1] if (level % 2 == 0) == (kind == "list") else {"k": node, "n": None}
    return {"value": node}


@pytest.mark.parametrize("kind", ["list", "object"])
def test_the_same_depth_bound_either_way(kind: str) -> None:
    for texts_storable in (True, False):
        assert validate(Document, nested(MAX_JSON_DEPTH, kind), texts_storable=texts_storable)
    answers = []
    for texts_storable in (True, False):
        with pytest.raises(ValidationFailed) as refused:
            validate(Document, nested(MAX_JSON_DEPTH + 1, kind), texts_storable=texts_storable)
        answers.append(refused.value.details)
    assert answers[0] == answers[1]
    assert TOO_DEEP_MESSAGE in str(answers[0])


def test_a_nul_escape_means_the_full_check() -> None:
    body = b'{"value": {"text": "a\\u0000b"}}'
    assert not json_texts_storable(body)
    with pytest.raises(ValidationFailed) as refused:
        validate(Document, parse_json(body), texts_storable=json_texts_storable(body))
    assert refused.value.details == [
        {"path": "value.text", "message": "text must not contain the NUL character"}
    ]


def test_plain_texts_are_storable() -> None:
    assert json_texts_storable(b'{"value": "a\\\\u0000 is six characters, \\u00e9"}') is False
    assert json_texts_storable(b'{"value": "caf\\u00e9 \xc3\xa9"}')


def deepest_empty(depth: int, empty: Any) -> Any:
    """A document whose deepest container, at level `depth`, is `empty` (`[]` or `{}`)."""
    node: Any = empty
    for level in range(depth - 1):
        node = {"k": node, "s": "x"} if level % 2 else ["text\n" + " " * 200, node]
    return node


EMPTY: list[Any] = [[], {}]
SHAPES: list[Any] = [
    *(nested(depth, kind) for depth in range(60, 70) for kind in ("list", "object")),
    *(deepest_empty(depth, empty) for depth in (63, 64, 65, 66) for empty in EMPTY),
    {"value": ["a" * 10, 10**30, nested(MAX_JSON_DEPTH, "list")]},
    {"value": ["a", 10**30, nested(MAX_JSON_DEPTH + 1, "list")]},
    [[["leaf"]]],
    "a text",
    None,
]


@pytest.mark.parametrize("document", SHAPES)
def test_the_indented_text_tells_the_depth_as_the_walk(document: Any) -> None:
    assert validation._within_depth(document) == validation._walked_within_depth(document)


def test_a_document_within_the_bound_is_not_walked(monkeypatch: pytest.MonkeyPatch) -> None:
    walked: list[Any] = []
    monkeypatch.setattr(validation, "_walked_within_depth", walked.append)
    assert validation._within_depth(deepest_empty(MAX_JSON_DEPTH, []))
    assert walked == []
    validation._within_depth(deepest_empty(MAX_JSON_DEPTH + 1, []))
    assert len(walked) == 1
