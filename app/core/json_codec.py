"""JSON for trusted values (rows read back, responses built from them): orjson, except where it
would not give the standard module's result.

orjson reads an integer beyond 64 bits as a float and cannot write one. jsonb keeps such
integers exactly, and the API returns them exactly, so a document holding a run of 19 or more
digits is read by the standard module instead (a string of digits also is: harmless), and a
value orjson cannot write is written by Pydantic's encoder.
Untrusted input is parsed by app/core/json_input.py, never here.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
import pydantic_core

# Every digit becomes "0", so a run of 19 digits becomes a run of 19 zeros: a substring
# search, ten times cheaper than the regular expression \d{19} on a jsonb document.
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_LONG_RUN = b"0" * 19


def has_long_digit_run(data: bytes | str) -> bool:
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    return _LONG_RUN in raw.translate(_DIGITS_AS_ZERO)


def loads(data: bytes | str) -> Any:
    if has_long_digit_run(data):
        return json.loads(data)
    return orjson.loads(data)


def loads_jsonb(data: bytes) -> Any:
    """A jsonb value as PostgreSQL sends it in binary: a format version byte, then the text."""
    if has_long_digit_run(data):
        return json.loads(data[1:])
    return orjson.loads(memoryview(data)[1:])


def dumps_jsonb(text: str) -> bytes:
    """JSON text as a jsonb value in binary (the counterpart of `loads_jsonb`)."""
    return b"\x01" + text.encode()


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON; an `orjson.Fragment` (JSON serialised before) is written as it is."""
    try:
        return orjson.dumps(value)
    except TypeError:
        # An integer beyond 64 bits: Pydantic's encoder writes it exactly, and every other
        # value as orjson does (so a response is the same bytes as its output model's).
        return pydantic_core.to_json(value)


def dumps_text(value: Any) -> str:
    return dumps(value).decode()
