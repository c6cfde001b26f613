"""Parsing untrusted JSON: only what PostgreSQL's jsonb and any other JSON reader can hold."""

from __future__ import annotations

import json
import math
from typing import Any


def parse_json(data: str | bytes) -> Any:
    """The parsed document; ValueError for anything that is not strict JSON.

    Python's parser also takes NaN and Infinity, and turns a number too large for a float
    (`1e400`) into infinity; none of these is JSON, and jsonb refuses them.
    """
    try:
        return json.loads(data, parse_constant=_reject_constant, parse_float=_finite_float)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is out of range")
    return value
