"""JSON for trusted values (rows read back, responses built from them): orjson, except where it
would not give the standard module's result.

orjson reads an integer beyond 64 bits as a float and cannot write one. jsonb keeps such
integers exactly, and the API returns them exactly, so a document holding a run of 19 or more
digits goes through the standard module instead (a string of digits also does: harmless).
Untrusted input is parsed by app/core/json_input.py, never here.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

# Every digit to "0", every other byte to a space: a run of 19 digits is then a plain substring
# search, ten times faster than a regular expression's.
_DIGITS_ONLY = bytes(b if b in b"0123456789" else 0x20 for b in range(256)).replace(
    b"123456789", b"000000000"
)
_LONG_RUN = b"0" * 19


def has_long_digit_run(data: bytes) -> bool:
    """Whether `data` holds 19 digits in a row (an integer orjson might not read exactly)."""
    return _LONG_RUN in data.translate(_DIGITS_ONLY)


def loads(data: bytes | str) -> Any:
    raw = data.encode() if isinstance(data, str) else data
    if has_long_digit_run(raw):
        return json.loads(raw)
    return orjson.loads(raw)


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON."""
    try:
        return orjson.dumps(value)
    except TypeError:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def dumps_text(value: Any) -> str:
    return dumps(value).decode()
