"""Input validation of both faces: parsed JSON against an input model, each problem a
`{"path", "message"}` detail of a 422 (CONTRACT.md §1)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import orjson
from pydantic import BaseModel, ValidationError

from app.core.errors import ValidationFailed
from app.core.json_input import MAX_JSON_DEPTH, TOO_DEEP_MESSAGE, indented_within_depth

Model = TypeVar("Model", bound=BaseModel)


class _TooDeep:
    """Well-formed JSON nested deeper than the parser goes: refused at the validation step,
    after the checks the contract puts before it (the Idempotency-Key format)."""


TOO_DEEP = _TooDeep()


def too_deep() -> ValidationFailed:
    return ValidationFailed(details=[{"path": "", "message": TOO_DEEP_MESSAGE}])


def validate(
    model: type[Model],
    data: Any,
    *,
    texts_storable: bool = False,
    within_depth: bool = False,
    context: dict[str, Any] | None = None,
) -> Model:
    """Validate parsed JSON against an input model; a failure is a 422 listing each problem.

    `texts_storable`: the caller knows no key or text of `data` holds a NUL or an unpaired
    surrogate (`json_texts_storable`), so only the depth is checked, unless `within_depth`
    says it is known within MAX_JSON_DEPTH (`ParsedJson.within_depth`). `context` is Pydantic's
    validation context (`PARSED_JSON_CONTEXT` for a document `parse_json` returned).
    """
    if data is TOO_DEEP:
        raise too_deep()
    if texts_storable and (within_depth or _within_depth(data)):
        pass
    elif (problem := _unstorable(data)) is not None:
        path, message = problem
        raise ValidationFailed(details=[{"path": path, "message": message}])
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        raise ValidationFailed(details=validation_details(exc.errors())) from None


_SCALARS = (int, float, bool, type(None))
_NUL_ESCAPE = b"\\u0000"


def json_texts_storable(body: bytes) -> bool:
    """Whether the texts of the document parsed from `body` (by `parse_json`, which refuses
    unpaired surrogates) certainly hold no NUL: in JSON a NUL can only be written escaped.

    A body without any escape is told by one search for a single byte (memchr), many times
    faster than the search for the escape itself.
    """
    return b"\\" not in body or _NUL_ESCAPE not in body


def _within_depth(document: Any) -> bool:
    """Whether the document is no deeper than MAX_JSON_DEPTH.

    Told from orjson's indented text (`indented_within_depth`), by one substring search:
    writing it costs a third of walking the document (~0.3 against ~0.8 ms for a 500-report
    batch). A document it leaves in doubt, or one orjson cannot write, is walked.
    """
    try:
        indented = orjson.dumps(document, option=orjson.OPT_INDENT_2)
    except orjson.JSONEncodeError:
        return _walked_within_depth(document)
    return indented_within_depth(indented) or _walked_within_depth(document)


def _walked_within_depth(document: Any) -> bool:
    """`_within_depth` by a walk: containers only, level by level (a third cheaper than
    `_plainly_storable`, which also gathers every text)."""
    level = [document] if type(document) in (dict, list) else []
    depth = 1
    while level:
        if depth > MAX_JSON_DEPTH:
            return False
        below = []
        for node in level:
            for child in node.values() if type(node) is dict else node:
                kind = type(child)
                if kind is dict or kind is list:
                    below.append(child)
        level = below
        depth += 1
    return True


def _plainly_storable(document: Any) -> bool:
    """Whether the document certainly has no problem `_first_problem` would find: no deeper
    than MAX_JSON_DEPTH, and its keys and texts together hold no NUL and no surrogate.

    One pass level by level and one check of all the text at once: a fraction of the cost of
    the walk that finds where a problem is, which runs only when this says there may be one.
    """
    level = [document] if type(document) in (dict, list) else []
    texts: list[str] = [document] if type(document) is str else []
    depth = 1
    while level:
        if depth > MAX_JSON_DEPTH:
            return False
        below = []
        for node in level:
            if type(node) is dict:
                texts.extend(node)
                children = node.values()
            else:
                children = node
            for child in children:
                kind = type(child)
                if kind is str:
                    texts.append(child)
                elif kind is dict or kind is list:
                    below.append(child)
                elif kind not in _SCALARS:
                    return False
        level = below
        depth += 1
    try:
        joined = "".join(texts)
    except TypeError:  # a key that is not text
        return False
    return _text_problem(joined) is None


def _unstorable(node: Any, depth: int = 1) -> tuple[str, str] | None:
    """Where input holds what PostgreSQL cannot store (NUL, unpaired surrogates) or is nested
    deeper than MAX_JSON_DEPTH, and why, if anywhere; the first problem in document order.

    A JSON body had its surrogates checked when it was parsed; a GraphQL document's literals
    had not. The recursion stops at MAX_JSON_DEPTH.
    """
    if _plainly_storable(node):
        return None
    found = _first_problem(node, depth)
    if found is None:
        return None
    reversed_path, message = found
    # An unpaired surrogate in a key is echoed as "?" by the error renderer (api/errors.py).
    return ".".join(str(key) for key in reversed(reversed_path)), message


def _first_problem(node: Any, depth: int) -> tuple[list[Any], str] | None:
    """The first problem and its path, innermost key first (built only when found)."""
    if isinstance(node, str):
        message = _text_problem(node)
        return ([], message) if message is not None else None
    if isinstance(node, dict):
        pairs: Any = node.items()
    elif isinstance(node, list):
        pairs = enumerate(node)
    else:
        return None
    if depth > MAX_JSON_DEPTH:
        return [], TOO_DEEP_MESSAGE
    for key, child in pairs:
        if isinstance(key, str) and (message := _text_problem(key)) is not None:
            return [key], message
        if (found := _first_problem(child, depth + 1)) is not None:
            found[0].append(key)
            return found
    return None


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return "text must not contain the NUL character"
    try:
        text.encode()
    except UnicodeEncodeError:
        return "text must not contain unpaired surrogates (\\ud800-\\udfff)"
    return None


def validation_details(errors: Sequence[Any]) -> list[dict[str, str]]:
    """Pydantic/FastAPI errors as `{"path": "reports.0.slug", "message": ...}` entries."""
    details = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        if loc and loc[0] in {"body", "query", "path", "header"}:
            loc = loc[1:]
        details.append({"path": ".".join(loc), "message": str(error.get("msg", "invalid"))})
    return details
