"""docs/openapi.yaml: generated from the app, valid OpenAPI 3.1, and true (Schemathesis)."""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
import uvicorn
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    ensure_resource_availability,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
    use_after_free,
)

from app.core.config import Settings
from app.core.errors import InvalidIdempotencyKey
from app.idempotency.header import parse_idempotency_key
from app.main import create_app
from app.openapi_export import OPENAPI_FILE, openapi_document, openapi_yaml
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
    public = {
        "/health",
        "/ready",
        "/serving",
        "/metrics",
        "/v1/event-types",
        "/.well-known/jwks.json",
    }
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
                ("/reports", "/automation-runs", "/webhook-endpoints", "/sessions")
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
        "webhook.endpoint.failing",
        "webhook.endpoint.disabled",
        "webhook.test",
    }
    assert SPEC["components"]["securitySchemes"]["apiKey"]["scheme"] == "bearer"


def _operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in SPEC["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_request_ids_are_taken_as_any_string_and_answered_matching_the_pattern() -> None:
    """The server replaces an id it does not accept (CONTRACT.md §1), so any value may be sent;
    what it answers always matches."""
    for path, method, operation in _operations():
        sent = {p["name"]: p for p in operation["parameters"] if p["in"] == "header"}
        for name in ("X-Request-Id", "X-Correlation-Id"):
            assert sent[name]["schema"] == {"type": "string"}, (method, path, name)
            assert "^[A-Za-z0-9._:-]{1,128}$" in sent[name]["description"]
            for status, response in operation["responses"].items():
                answered = _shared(response["headers"][name])["schema"]
                assert answered["pattern"] == "^[A-Za-z0-9._:-]{1,128}$", (method, path, status)


def test_every_v1_operation_declares_both_503_codes_with_retry_after() -> None:
    """Every /v1 operation reads the database (the key, at least), except the event-type
    catalog, which is served from memory."""
    for path, method, operation in _operations():
        if not path.startswith("/v1/") or path == "/v1/event-types":
            continue
        response = operation["responses"].get("503")
        assert response is not None, (method, path)
        assert "`service_unavailable" in response["description"], (method, path)
        assert "overloaded`" in response["description"], (method, path)
        assert "Retry-After" in response["headers"], (method, path)


def _shared(header: dict[str, Any]) -> dict[str, Any]:
    """A response header, from components/headers when it refers there."""
    if "$ref" not in header:
        return header
    shared: dict[str, Any] = SPEC["components"]["headers"][header["$ref"].rsplit("/", 1)[1]]
    return shared


def _declared_idempotency_key() -> dict[str, Any]:
    operation = SPEC["paths"]["/v1/tenants/{tenantId}/reports"]["post"]
    [parameter] = [p for p in operation["parameters"] if p["name"] == "Idempotency-Key"]
    schema: dict[str, Any] = parameter["schema"]
    return schema


def _is_declared(value: str) -> bool:
    schema = _declared_idempotency_key()
    return (
        schema["minLength"] <= len(value) <= schema["maxLength"]
        and re.search(schema["pattern"], value) is not None
    )


def _is_accepted(value: str) -> bool:
    try:
        return parse_idempotency_key(value) is not None
    except InvalidIdempotencyKey:
        return False


@settings(max_examples=500, deadline=None)
@given(st.from_regex(_declared_idempotency_key().get("pattern", ""), fullmatch=True))
def test_every_idempotency_key_the_document_allows_is_accepted(value: str) -> None:
    assert _is_declared(value)
    assert _is_accepted(value)


# What an HTTP field value can carry: HTAB, visible ASCII and space, obs-text.
_FIELD_TEXT = st.text(
    st.characters(codec="latin-1", exclude_categories=["Cc"], include_characters="\t"),
    max_size=300,
)


@settings(max_examples=1000, deadline=None)
@given(st.one_of(_FIELD_TEXT, _FIELD_TEXT.map(lambda text: f'"{text}"')))
@example('"a\\"b\\\\c"')
@example('"a\\b"')
@example('a"b')
@example('""')
@example('"' + "x" * 255 + '"')
@example('"' + "x" * 256 + '"')
@example('"' + '\\"' * 255 + '"')
@example("x" * 255)
@example("x" * 256)
@example("é")
def test_the_document_allows_exactly_the_idempotency_keys_the_server_accepts(
    sent: str,
) -> None:
    value = sent.strip(" \t")  # HTTP drops the whitespace around a field value
    assert _is_declared(value) == _is_accepted(value)


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
        rate_limit_graphql_points_per_minute=100_000,
        # The checks send requests without the key too.
        rate_limit_auth_failures_per_minute=100_000,
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
            response_headers_conformance,
            negative_data_rejection,
            missing_required_header,
            unsupported_method,
            allow_header_conformance,
            ignored_auth,
            use_after_free,
            ensure_resource_availability,
        ],
    )
