"""JSON for trusted values (rows read back, responses built from them): orjson, except where it
would not give the standard module's result.

orjson reads an integer beyond 64 bits as a float and cannot write one. jsonb keeps such
integers exactly, and the API returns them exactly, so a document holding a run of 19 or more
digits goes through the standard module instead (a string of digits also does: harmless).
Untrusted input is parsed by app/core/json_input.py, never here.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

_LONG_DIGITS_BYTES = re.compile(rb"\d{19}")
_LONG_DIGITS_TEXT = re.compile(r"\d{19}")


def loads(data: bytes | str) -> Any:
    pattern = _LONG_DIGITS_BYTES if isinstance(data, bytes) else _LONG_DIGITS_TEXT
    if pattern.search(data):  # type: ignore[arg-type]
        return json.loads(data)
    return orjson.loads(data)


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON."""
    try:
        return orjson.dumps(value)
    except TypeError:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def dumps_text(value: Any) -> str:
    return dumps(value).decode()
