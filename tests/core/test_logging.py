"""Structured logs: one JSON object per line with request context, and no secrets ever."""

from __future__ import annotations

import io
import logging

from loguru import logger

from app.core.logging import configure_logging, log_request, redact
from tests.api.probe import mount_probe
from tests.asgi import serve
from tests.factories import Keys, bearer
from tests.logs import parsed


async def test_every_request_logs_one_json_line_with_context(
    log_lines: io.StringIO, settings: object, tenant_keys: Keys
) -> None:
    async with serve(settings, customize=mount_probe) as client:  # type: ignore[arg-type]
        await client.get(
            f"/v1/tenants/{tenant_keys.tenant.slug}/probe/database",
            headers={**tenant_keys.headers, "X-Request-Id": "r-42", "X-Correlation-Id": "c-9"},
        )
    access = [line for line in parsed(log_lines) if line["message"] == "request"]
    assert access == [
        {
            "time": access[0]["time"],
            "level": "INFO",
            "message": "request",
            "logger": "app.api.middleware",
            "method": "GET",
            "route": "/v1/tenants/{tenantId}/probe/database",
            "status": 200,
            "latencyMs": access[0]["latencyMs"],
            "requestId": "r-42",
            "correlationId": "c-9",
            "tenantId": str(tenant_keys.tenant.id),
        }
    ]
    assert str(access[0]["time"]).endswith("Z")


async def test_keys_and_secrets_never_reach_the_logs(
    log_lines: io.StringIO, settings: object, tenant_keys: Keys
) -> None:
    async with serve(settings, customize=mount_probe) as client:  # type: ignore[arg-type]
        await client.get("/v1/tenants/acme/probe/boom", headers=tenant_keys.headers)
        await client.get("/v1/tenants/acme/probe/database", headers=bearer(tenant_keys.other_key))
        await client.get("/v1/tenants/acme/probe/database", headers={"Authorization": "Bearer x"})
    logger.info("caller sent {}", f"Authorization: Bearer {tenant_keys.key}")
    logging.getLogger("some.library").warning("secret whsec_c2VjcmV0 in %s", tenant_keys.key)
    text = log_lines.getvalue()
    assert "unhandled error" in text
    for secret in (tenant_keys.key, tenant_keys.other_key, "whsec_c2VjcmV0", "Bearer x"):
        assert secret not in text
    secret_part = tenant_keys.key.split("_", 2)[2]
    assert secret_part not in text


def test_redact_removes_keys_secrets_and_bearer_tokens() -> None:
    text = "key afk_abcdefgh_S3cr3t-_x and whsec_AAAA/+= and Authorization: Bearer tok.en"
    assert redact(text) == (
        "key afk_abcdefgh_[redacted] and whsec_[redacted] and Authorization: Bearer [redacted]"
    )


async def test_stdlib_loggers_are_routed_through_json(log_lines: io.StringIO) -> None:
    logging.getLogger("uvicorn.error").info("Started server process")
    [line] = parsed(log_lines)
    assert line["message"] == "Started server process"
    assert line["logger"] == "uvicorn.error"


def test_request_lines_follow_the_configured_level() -> None:
    stream = io.StringIO()
    configure_logging("WARNING", stream=stream)
    try:
        log_request(__name__, method="GET", route=None, status=200, latencyMs=1.5)
    finally:
        logger.remove()
    assert stream.getvalue() == ""


def test_request_lines_reach_other_sinks_once_the_json_sink_is_removed() -> None:
    stream = io.StringIO()
    configure_logging("INFO", stream=stream)
    logger.remove()
    records: list[tuple[str, dict[str, object]]] = []
    sink = logger.add(
        lambda message: records.append((message.record["message"], message.record["extra"])),
        level="INFO",
    )
    try:
        log_request(__name__, method="GET", route=None, status=204, latencyMs=1.5)
    finally:
        logger.remove(sink)
    assert stream.getvalue() == ""
    assert records == [
        ("request", {"method": "GET", "route": None, "status": 204, "latencyMs": 1.5})
    ]
