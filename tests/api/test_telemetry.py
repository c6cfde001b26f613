"""The API exports no OpenTelemetry, and does not look for a provider on each request."""

from __future__ import annotations

from typing import Any

import pytest
from opentelemetry import _logs, metrics, trace

from app.core.config import Settings
from tests.asgi import serve


async def test_a_request_looks_up_no_telemetry_provider(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    looked_up: list[str] = []

    def counting(module: Any, name: str) -> None:
        original = getattr(module, name)

        def lookup(*args: Any, **kwargs: Any) -> Any:
            looked_up.append(name)
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, lookup)

    counting(trace, "get_tracer_provider")
    counting(metrics, "get_meter_provider")
    counting(_logs, "get_logger_provider")
    async with serve(settings) as client:
        looked_up.clear()
        response = await client.get("/health")
    assert response.status_code == 200
    assert looked_up == []
