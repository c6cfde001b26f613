"""Parsing untrusted JSON: only what PostgreSQL's jsonb and any other JSON reader can hold
(CONTRACT.md §1). Depth is checked here only past what the recursive parser can go; below
that, input validation checks it (`app.http.validation.validate`)."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

import orjson

from app.core import json_codec

# The top-level object or array is level 1.
MAX_JSON_DEPTH = 64
TOO_DEEP_MESSAGE = f"JSON must not be nested deeper than {MAX_JSON_DEPTH} levels"
# A `\uD800`-`\uDFFF` escape: the only way a decoded text can carry a surrogate.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
# orjson writes at most this many levels; the standard module reads a few hundred more.
_ORJSON_WRITE_DEPTH = 254
# Linear-time pieces of the bracket count: escapes, then strings (which then hold no escapes).
_ESCAPE = re.compile(r"\\.", re.DOTALL)
_STRING = re.compile(r'"[^"]*"')


# Pydantic's validation context for a document `parse_json` returned: every number in it is
# finite, so validators need not look (`numbers_are_finite`).
PARSED_JSON_CONTEXT: dict[str, Any] = {"parsed_json": True}


def numbers_are_finite(context: Any) -> bool:
    """Whether a validation context vouches that the input's numbers are finite."""
    return isinstance(context, dict) and context.get("parsed_json") is True


class JsonTooDeep(ValueError):
    """JSON nested deeper than the parser goes: a validation failure (422), which the contract
    checks after the other 400s, so it is told apart from malformed JSON."""


@dataclass(frozen=True, slots=True)
class ParsedJson:
    """A parsed document, and whether it is known to be no deeper than MAX_JSON_DEPTH (False:
    not known, to be checked)."""

    value: Any
    within_depth: bool


def parse_json(data: str | bytes) -> Any:
    """The parsed document (`read_json`'s value)."""
    return read_json(data).value


def read_json(data: str | bytes) -> ParsedJson:
    """The parsed document; ValueError for anything that is not strict JSON in valid Unicode,
    JsonTooDeep for JSON nested deeper than the recursive parser goes.

    Bytes must be UTF-8 (a leading byte order mark is ignored). Python's parser also takes NaN
    and Infinity, turns a number too large for a float (`1e400`) into infinity, and decodes a
    lone surrogate escape (`"\\ud800"`) into a string no UTF-8 encoder accepts; none of these
    is JSON.
    """
    if isinstance(data, bytes) and (plain := _parse_plain(data)) is not None:
        return plain
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    text = text.removeprefix("\ufeff")
    try:
        value = json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)
    except RecursionError:
        # Hundreds of levels deep where the parser stopped; a full syntax check without
        # recursion costs about a CPU-second per MiB, so only the brackets are counted.
        if _brackets_balance(text):
            raise JsonTooDeep from None
        raise ValueError("not JSON: unbalanced brackets") from None
    if _SURROGATE_ESCAPE.search(text) and _holds_lone_surrogate(value):
        raise ValueError("JSON text holds a lone surrogate: it is not valid Unicode")
    return ParsedJson(value, within_depth=False)


def _parse_plain(data: bytes) -> ParsedJson | None:
    """The document parsed by orjson, when that gives what the standard module's path gives,
    else None.

    orjson refuses all the standard path refuses (NaN, `1e400`, lone surrogates, invalid
    UTF-8), and more: a byte order mark, nesting past 1024 levels. What it refuses goes the
    standard way, to be read or refused as before. It also reads up to 1024 levels where the
    standard module stops sooner (JsonTooDeep): a document it could not write back (deeper
    than 254 levels) goes the standard way too. Writing back costs less than counting the
    brackets (a byte at a time); a document too short to hold 255 pairs is not written back.

    Where they differ otherwise: orjson reads an integer beyond 64 bits as a float, which the
    standard module reads exactly. Such a float is at least 2**63 in size, and orjson writes
    every float from 1e16 up with an exponent, `e+`: a written-back document without a `+`
    (one memchr) holds none, and only one with a `+` is searched for a run of 19 digits (a
    byte-by-byte pass over the body, ~0.5 ms for 600 KB), which goes the standard way.

    The document is written back indented (as fast as compact): that also tells whether it
    is within MAX_JSON_DEPTH (`indented_within_depth`), which validation need not find again.
    """
    written_back = len(data) > 2 * _ORJSON_WRITE_DEPTH
    if not written_back and json_codec.has_long_digit_run(data):
        return None
    try:
        value = orjson.loads(data)
        written = orjson.dumps(value, option=orjson.OPT_INDENT_2) if written_back else b""
    except (orjson.JSONDecodeError, orjson.JSONEncodeError):
        return None
    if b"+" in written and json_codec.has_long_digit_run(data):
        return None
    return ParsedJson(value, within_depth=written_back and indented_within_depth(written))


# In orjson's indented text each element of a container nested n levels deep is on a line of
# its own, indented 2n spaces; no JSON text holds a raw line break.
_INDENT_PAST_MAX_DEPTH = b"\n" + b" " * (2 * MAX_JSON_DEPTH)


def indented_within_depth(indented: bytes) -> bool:
    """Whether the document orjson wrote as `indented` (OPT_INDENT_2) is certainly within
    MAX_JSON_DEPTH: a container nested deeper begins a line indented 2 * MAX_JSON_DEPTH
    spaces, so a text without one is (False: perhaps not, a line that deep may hold a
    scalar)."""
    return _INDENT_PAST_MAX_DEPTH not in indented


def _holds_lone_surrogate(value: Any) -> bool:
    """Whether a key or string of the document holds an unpaired surrogate."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if not is_valid_unicode(node):
                return True
        elif isinstance(node, dict):
            if not all(is_valid_unicode(key) for key in node):
                return True
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def _brackets_balance(text: str) -> bool:
    """Whether each kind of bracket outside strings opens as often as it closes: what tells a
    truncated deep document (not JSON) from a complete one (too deep)."""
    bare = _STRING.sub("", _ESCAPE.sub("", text))
    return bare.count("[") == bare.count("]") and bare.count("{") == bare.count("}")


def is_valid_unicode(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is out of range")
    return value
