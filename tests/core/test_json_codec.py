"""The JSON codec for trusted values keeps integers beyond 64 bits exact."""

from __future__ import annotations

import pytest

from app.core import json_codec


@pytest.mark.parametrize(
    ("text", "long_run"),
    [
        ('{"a": 1234567890123456789}', True),
        ('{"a": -99999999999999999999}', True),
        ('{"a": 123456789012345678, "b": "x1234567890123456789"}', True),
        ('{"a": 123456789012345678, "b": 1.5e300}', False),
        ('{"a": "é", "b": [1, 22, 333]}', False),
    ],
)
def test_long_digit_runs_are_found_in_text_and_bytes(text: str, long_run: bool) -> None:
    assert json_codec.has_long_digit_run(text) is long_run
    assert json_codec.has_long_digit_run(text.encode()) is long_run


def test_integers_beyond_64_bits_stay_exact() -> None:
    value = json_codec.loads('{"big": 123456789012345678901234567890, "small": 7}')
    assert value == {"big": 123456789012345678901234567890, "small": 7}
    assert json_codec.dumps(value) == b'{"big":123456789012345678901234567890,"small":7}'
