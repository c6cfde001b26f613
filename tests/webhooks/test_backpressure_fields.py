"""A receiver's `RateLimit` fields and `Retry-After`, read into the pace they ask for."""

from __future__ import annotations

import pytest

from app.webhooks.backpressure import Pacing, pacing_of, parse_dictionary, parse_list

CAP = 3600


def pacing(fields: dict[str, str], status: int = 200, cap: float = CAP) -> Pacing | None:
    return pacing_of(status, fields, cap_seconds=cap)


def test_the_current_drafts_policy_spaces_requests_by_window_over_quota() -> None:
    assert pacing({"ratelimit-policy": '"default";q=20;w=1'}) == Pacing(0.05, None)
    assert pacing({"ratelimit-policy": '"default";q=100;w=60;qu="requests"'}) == Pacing(0.6, None)


def test_several_policies_pace_by_the_strictest() -> None:
    fields = {"ratelimit-policy": '"burst";q=100;w=60, "daily";q=1000;w=86400'}
    assert pacing(fields) == Pacing(86.4, None)


def test_a_quota_of_other_units_does_not_pace() -> None:
    assert pacing({"ratelimit-policy": '"bytes";q=1000;w=1;qu="content-bytes"'}) is None


def test_no_remaining_quota_pauses_until_reset() -> None:
    assert pacing({"ratelimit": '"default";r=0;t=30'}) == Pacing(None, 30.0)
    assert pacing({"ratelimit": '"default";r=5;t=30'}) is None


def test_the_current_drafts_policy_and_quota_together() -> None:
    fields = {"ratelimit-policy": '"default";q=10;w=1', "ratelimit": '"default";r=0;t=2'}
    assert pacing(fields) == Pacing(0.1, 2.0)


def test_earlier_drafts_forms_are_read() -> None:
    # draft-07: one dictionary field, and the policy as integers with a window.
    assert pacing({"ratelimit": "limit=10, remaining=0, reset=5"}) == Pacing(None, 5.0)
    assert pacing({"ratelimit-policy": "10;w=1, 50;w=60"}) == Pacing(1.2, None)
    # draft-06 and before: three fields.
    fields = {
        "ratelimit-limit": "10, 10;w=1",
        "ratelimit-remaining": "0",
        "ratelimit-reset": "7",
    }
    assert pacing(fields) == Pacing(0.1, 7.0)
    assert pacing({"ratelimit-remaining": "3", "ratelimit-reset": "7"}) is None


def test_retry_after_pauses_on_429_and_503_only() -> None:
    assert pacing({"retry-after": "3"}, status=429) == Pacing(None, 3.0)
    assert pacing({"retry-after": "3"}, status=503) == Pacing(None, 3.0)
    assert pacing({"retry-after": "3"}, status=500) is None
    assert pacing({"retry-after": "3"}, status=200) is None


def test_the_longest_pause_wins() -> None:
    fields = {"retry-after": "3", "ratelimit": '"default";r=0;t=9'}
    assert pacing(fields, status=429) == Pacing(None, 9.0)


def test_every_figure_is_clamped_to_the_cap() -> None:
    assert pacing({"retry-after": "100000"}, status=429, cap=60) == Pacing(None, 60)
    assert pacing({"ratelimit-policy": '"d";q=1;w=86400'}, cap=60) == Pacing(60, None)


@pytest.mark.parametrize(
    "fields",
    [
        {"ratelimit-policy": "garbage;;q="},
        {"ratelimit-policy": '"default";q=0;w=1'},
        {"ratelimit-policy": '"default";q=-5;w=1'},
        {"ratelimit-policy": '"default";q=10;w=0'},
        {"ratelimit-policy": '"default";q="ten";w=1'},
        {"ratelimit-policy": '"default";q=10'},
        {"ratelimit-policy": '"unterminated;q=10;w=1'},
        {"ratelimit-policy": '"default";q=10;w=1,'},
        {"ratelimit": '"default";r=zero;t=3'},
        {"ratelimit": '"default";r=0'},
        {"ratelimit": '"default";r=0;t=-3'},
        {"ratelimit": "limit=10, remaining=0"},
        {"ratelimit": "remaining=0, reset=soon"},
        {"ratelimit-remaining": "0", "ratelimit-reset": "tomorrow"},
        {"ratelimit": "\u00e9\u00e9"},
        {"ratelimit-policy": ""},
    ],
)
def test_malformed_fields_are_ignored(fields: dict[str, str]) -> None:
    assert pacing(fields) is None


def test_malformed_retry_after_is_ignored() -> None:
    assert pacing({"retry-after": "soon"}, status=429) is None


def test_structured_field_parsing() -> None:
    assert parse_list('"a";q=1;w=2, b, 3;x, ?1, 1.5') == [
        ("a", {"q": 1, "w": 2}),
        ("b", {}),
        (3, {"x": True}),
        (True, {}),
        (1.5, {}),
    ]
    assert parse_list('"with \\" quote"') == [('with " quote', {})]
    assert parse_list("a b") is None
    assert parse_dictionary("limit=10, remaining=0, reset=5") == {
        "limit": 10,
        "remaining": 0,
        "reset": 5,
    }
    assert parse_dictionary('"default";r=0') is None
