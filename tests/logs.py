"""The process's log lines as a test sees them: loguru's JSON lines, captured and parsed.

A pytest plugin of tests/conftest.py, so `log_lines` is a fixture of every test."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from loguru import logger

from app.core.logging import configure_logging


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """Every log line of the test, at DEBUG and above."""
    stream = io.StringIO()
    configure_logging("DEBUG", stream=stream)
    yield stream
    logger.remove()


def parsed(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]
