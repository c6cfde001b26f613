"""What a receiver's answer says about sending to it again (CONTRACT.md §14 "Backpressure").

Read from the response fields of draft-ietf-httpapi-ratelimit-headers, in its current form
(`RateLimit-Policy: "default";q=100;w=60`, `RateLimit: "default";r=0;t=30`) and its earlier
ones (`RateLimit-Limit`/`-Remaining`/`-Reset`, `RateLimit: limit=10, remaining=0, reset=5`,
`RateLimit-Policy: 10;w=1`), and from `Retry-After` on a 429 or 503. A field that does not
parse is ignored, never an error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from app.core.retry import parse_retry_after

# The response fields read here, lower-cased as the sender collects them.
PACING_FIELDS = frozenset(
    {
        "retry-after",
        "ratelimit",
        "ratelimit-policy",
        "ratelimit-limit",
        "ratelimit-remaining",
        "ratelimit-reset",
    }
)
PAUSING_STATUSES = frozenset({429, 503})

Item = tuple[object, dict[str, object]]


@dataclass(frozen=True)
class Pacing:
    """The spacing the receiver's quota asks for, and how long to send nothing; each None when
    the answer did not say."""

    interval_seconds: float | None
    pause_seconds: float | None


def pacing_of(
    status: int | None, fields: Mapping[str, str], *, cap_seconds: float
) -> Pacing | None:
    """What this answer asks of the endpoint, each figure clamped to `cap_seconds`; None when
    it asks nothing."""
    interval = _policy_interval(fields)
    pauses = [_exhausted_for(fields)]
    if status in PAUSING_STATUSES:
        pauses.append(parse_retry_after(fields.get("retry-after")))
    known = [p for p in pauses if p is not None and p > 0]
    pause = max(known) if known else None
    if interval is None and pause is None:
        return None
    return Pacing(
        None if interval is None else min(interval, cap_seconds),
        None if pause is None else min(pause, cap_seconds),
    )


def _policy_interval(fields: Mapping[str, str]) -> float | None:
    """Seconds between two requests that keep within every advertised quota (the strictest)."""
    items: list[Item] = []
    for name in ("ratelimit-policy", "ratelimit-limit"):
        items += parse_list(fields.get(name)) or []
    intervals = []
    for value, params in items:
        quota = _number(params.get("q", value))
        window = _number(params.get("w"))
        unit = params.get("qu", "requests")
        if (
            unit == "requests"
            and quota is not None
            and window is not None
            and min(quota, window) > 0
        ):
            intervals.append(window / quota)
    return max(intervals) if intervals else None


def _exhausted_for(fields: Mapping[str, str]) -> float | None:
    """Seconds until a quota the receiver says is used up is restored."""
    waits = []
    current = parse_list(fields.get("ratelimit"))
    if current is not None:
        for _, params in current:
            reset = _number(params.get("t"))
            if _number(params.get("r")) == 0 and reset is not None:
                waits.append(reset)
    dictionary = parse_dictionary(fields.get("ratelimit"))
    if dictionary is not None:
        reset = _number(dictionary.get("reset"))
        if _number(dictionary.get("remaining")) == 0 and reset is not None:
            waits.append(reset)
    remaining = _first_number(fields.get("ratelimit-remaining"))
    reset = _first_number(fields.get("ratelimit-reset"))
    if remaining == 0 and reset is not None:
        waits.append(reset)
    return max(waits) if waits else None


def _number(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _first_number(field: str | None) -> float | None:
    items = parse_list(field)
    return _number(items[0][0]) if items else None


# Structured fields (RFC 9651), as much as these fields use: a list of bare items (string,
# token, integer, decimal, boolean, byte sequence) with parameters, or a dictionary.
_KEY = r"[a-z*][a-z0-9_\-.*]*"
_BARE_ITEM = (
    r'"(?:[^"\\]|\\["\\])*"'  # string
    r"|-?[0-9]+(?:\.[0-9]{1,3})?"  # integer or decimal
    r"|[A-Za-z*][A-Za-z0-9:/!#$%&'*+\-.^_`|~]*"  # token
    r"|\?[01]"  # boolean
    r"|:[A-Za-z0-9+/=]*:"  # byte sequence
)
_PARAMETER = re.compile(rf"\s*;\s*({_KEY})(?:=({_BARE_ITEM}))?")
_ITEM = re.compile(_BARE_ITEM)
_DICTIONARY_KEY = re.compile(rf"({_KEY})(?:=({_BARE_ITEM}))?")
_MEMBER_END = re.compile(r"\s*(?:,\s*|$)")


def parse_list(field: str | None) -> list[Item] | None:
    """A structured-field list of items with parameters; None when absent or malformed."""
    if field is None:
        return None
    items: list[Item] = []
    position: int | None = _skip_spaces(field, 0)
    while position is not None and position < len(field):
        match = _ITEM.match(field, position)
        if match is None:
            return None
        value = _bare_item(match.group())
        params, position = _parameters(field, match.end())
        items.append((value, params))
        position = _member_end(field, position)
    return None if position is None else items


def parse_dictionary(field: str | None) -> dict[str, object] | None:
    """A structured-field dictionary's values (parameters left out); None when absent or
    malformed."""
    if field is None:
        return None
    members: dict[str, object] = {}
    position: int | None = _skip_spaces(field, 0)
    while position is not None and position < len(field):
        match = _DICTIONARY_KEY.match(field, position)
        if match is None:
            return None
        members[match.group(1)] = True if match.group(2) is None else _bare_item(match.group(2))
        _, position = _parameters(field, match.end())
        position = _member_end(field, position)
    return None if position is None else members


def _parameters(field: str, position: int) -> tuple[dict[str, object], int]:
    params: dict[str, object] = {}
    while match := _PARAMETER.match(field, position):
        params[match.group(1)] = True if match.group(2) is None else _bare_item(match.group(2))
        position = match.end()
    return params, position


def _member_end(field: str, position: int) -> int | None:
    """Past the comma after a member; None when something else follows it."""
    match = _MEMBER_END.match(field, position)
    if match is None:
        return None
    if match.end() == len(field) and match.group().strip() == ",":
        return None  # a trailing comma
    return match.end()


def _skip_spaces(field: str, position: int) -> int:
    while position < len(field) and field[position] == " ":
        position += 1
    return position


def _bare_item(text: str) -> object:
    if text.startswith('"'):
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    if text.startswith("?"):
        return text == "?1"
    if text.startswith(":"):
        return text
    if text[0].isdigit() or text[0] == "-":
        return float(text) if "." in text else int(text)
    return text
