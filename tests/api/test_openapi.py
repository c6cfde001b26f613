"""docs/openapi.yaml: generated from the app, valid OpenAPI 3.1, and true (Schemathesis)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
import uvicorn
import yaml
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.api.openapi_export import OPENAPI_FILE, openapi_document, openapi_yaml
from app.core.config import Settings
from app.main import create_app
from app.tenants.keys import SCOPES
from db.session import Database
from tests.conftest import make_settings
from tests.factories import bearer, make_key, make_tenant
from tests.live import free_port

SPEC = yaml.safe_load(OPENAPI_FILE.read_text())
SCHEMA = schemathesis.openapi.from_dict(SPEC)
TENANT = "schemathesis"


def test_committed_document_matches_the_app() -> None:
    assert OPENAPI_FILE.read_text() == openapi_yaml(), "docs/openapi.yaml is stale: make openapi"


def test_document_is_valid_openapi_3_1() -> None:
    document = openapi_document()
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_every_tenant_operation_names_its_scope_and_errors() -> None:
    public = {"/health", "/ready", "/metrics"}
    unauthenticated = {
        "/v1/tenants/{tenantId}/webhooks/activepieces",
        "/v1/tenants/{tenantId}/graphql",
    }
    for path, item in SPEC["paths"].items():
        for method, operation in item.items():
            if path in public | unauthenticated:
                continue
            [requirement] = operation["security"]
            assert requirement["apiKey"][0] in SCOPES, (method, path)
            for status in ("401", "403", "429", "500"):
                response = operation["responses"][status]
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ErrorEnvelope")
                assert {"X-Request-Id", "RateLimit", "RateLimit-Policy"} <= set(response["headers"])
            if method == "post" and path.endswith(
                ("/reports", "/automation-runs", "/webhook-endpoints")
            ):
                names = {p["name"] for p in operation["parameters"]}
                assert "Idempotency-Key" in names
                assert "example" in operation["requestBody"]["content"]["application/json"]
    callback = SPEC["paths"]["/v1/tenants/{tenantId}/webhooks/activepieces"]["post"]
    assert {"webhook-id", "webhook-timestamp", "webhook-signature"} <= {
        p["name"] for p in callback["parameters"]
    }
    assert set(SPEC["webhooks"]) == {
        "report.created",
        "report.updated",
        "report.published",
        "automation_run.succeeded",
        "automation_run.failed",
        "automation_run.timed_out",
    }
    assert SPEC["components"]["securitySchemes"]["apiKey"]["scheme"] == "bearer"


@pytest.fixture(scope="module")
def live_api(
    database_url: str, redis_url: str, migrated_database: Database
) -> Iterator[tuple[str, str, dict[str, str]]]:
    """The app on a real port, in a thread of its own; its URL, a tenant's id and the headers
    of a full-scope key."""
    app_settings = make_settings(
        database_url,
        redis_url,
        rate_limit_read_per_minute=100_000,
        rate_limit_write_per_minute=100_000,
        rate_limit_graphql_per_minute=100_000,
    )
    tenant_id, key = asyncio.run(_tenant_and_key(database_url, app_settings))
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(app_settings), host="127.0.0.1", port=port, log_config=None, access_log=False
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the API did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", tenant_id, bearer(key)
    server.should_exit = True
    thread.join(timeout=20)


async def _tenant_and_key(database_url: str, app_settings: Settings) -> tuple[str, str]:
    db = Database.connect(database_url, pool_size=1)
    try:
        tenant = await make_tenant(db, slug=f"{TENANT}-{time.time_ns()}")
        return str(tenant.id), await make_key(db, app_settings, tenant)
    finally:
        await db.dispose()


@SCHEMA.parametrize()
@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_document(
    case: schemathesis.Case[Any], live_api: tuple[str, str, dict[str, str]]
) -> None:
    base_url, tenant_id, headers = live_api
    if case.path_parameters and "tenantId" in case.path_parameters:
        case.path_parameters["tenantId"] = tenant_id
    case.call_and_validate(
        base_url=base_url,
        headers=headers,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
