"""Where the OpenAPI document comes from: operation ids, error classes, examples, webhooks,
and the scopes `Security(api_key, scopes=...)` declares and checks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any

import pytest
from fastapi import APIRouter, FastAPI, Security

from app.api.deps import api_key
from app.api.openapi_examples import REQUESTS
from app.api.v1 import include_v1
from app.core.config import Settings
from app.core.errors import AppError
from app.http.paths import TENANT_PREFIX
from app.openapi_export import openapi_document
from app.outbox.events import EVENT_TYPES
from app.tenants.auth import Principal
from db.session import Database
from tests.asgi import serve
from tests.factories import bearer, make_key, make_tenant

DOCUMENT = openapi_document()
CAMEL_CASE = re.compile(r"^[a-z]+(?:[A-Z][a-z]*)*$")


def _operations() -> Iterator[tuple[str, dict[str, Any]]]:
    for section in ("paths", "webhooks"):
        for path, item in DOCUMENT[section].items():
            for method, operation in item.items():
                yield f"{method.upper()} {path}", operation


def _error_classes(base: type[AppError] = AppError) -> Iterator[type[AppError]]:
    yield base
    for subclass in base.__subclasses__():
        yield from _error_classes(subclass)


def test_operation_ids_are_unique_camel_case_names() -> None:
    ids = {name: operation["operationId"] for name, operation in _operations()}
    assert all(CAMEL_CASE.match(operation_id) for operation_id in ids.values()), ids
    assert len(set(ids.values())) == len(ids)
    assert ids["GET /v1/tenants/{tenantId}/reports"] == "listReports"
    assert ids["POST /v1/tenants/{tenantId}/automation-runs"] == "createAutomationRun"
    assert ids["POST report.published"] == "reportPublished"


def test_servers_name_production_and_local_development() -> None:
    urls = [server["url"] for server in DOCUMENT["servers"]]
    assert urls == ["https://api.aetherflow.digital", "http://127.0.0.1:8000"]


def test_every_error_response_lists_error_classes_of_its_status() -> None:
    status_of = {error.code: error.status for error in _error_classes()}
    for name, operation in _operations():
        for status, response in operation["responses"].items():
            media = response.get("content", {}).get("application/json", {})
            if media.get("schema", {}).get("$ref", "").endswith("/ErrorEnvelope"):
                for code, example in media["examples"].items():
                    assert status_of[code] == int(status), (name, status, code)
                    assert example["value"]["error"]["code"] == code
                    assert f"`{code}`" in response["description"]


def test_request_examples_are_valid_bodies() -> None:
    for model, example in REQUESTS.items():
        model.model_validate(example)


def test_every_outbound_event_is_a_signed_webhook_with_an_example() -> None:
    assert set(DOCUMENT["webhooks"]) == set(EVENT_TYPES)
    for event_type, item in DOCUMENT["webhooks"].items():
        operation = item["post"]
        headers = {p["name"] for p in operation["parameters"] if p["required"]}
        assert {"webhook-id", "webhook-timestamp", "webhook-signature"} <= headers
        media = operation["requestBody"]["content"]["application/json"]
        assert media["examples"][event_type]["value"]["type"] == event_type
        schema = DOCUMENT["components"]["schemas"][media["schema"]["$ref"].rsplit("/", 1)[1]]
        assert schema["properties"]["type"]["const"] == event_type
        assert set(operation["responses"]) == {"2XX", "default"}


Both = Annotated[Principal, Security(api_key, scopes=["reports:read", "webhooks:read"])]


def _two_scope_route(app: FastAPI) -> None:
    router = APIRouter(prefix=f"{TENANT_PREFIX}/two-scopes")

    @router.get("")
    async def read_both(who: Both) -> dict[str, str]:
        return {"tenantId": str(who.tenant_id)}

    include_v1(app, router)


async def test_api_key_requires_every_scope_it_is_given(settings: Settings, db: Database) -> None:
    tenant = await make_tenant(db, slug="scoped")
    reader = await make_key(db, settings, tenant, scopes=["reports:read"])
    both = await make_key(db, settings, tenant, scopes=["reports:read", "webhooks:read"])
    async with serve(settings, customize=_two_scope_route) as client:
        url = f"/v1/tenants/{tenant.id}/two-scopes"
        refused = await client.get(url, headers=bearer(reader))
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "insufficient_scope"
        assert refused.json()["error"]["details"] == {"requiredScope": "webhooks:read"}
        assert (await client.get(url, headers=bearer(both))).status_code == 200
        document = (await client.get("/openapi.json")).json()
    operation = document["paths"][f"{TENANT_PREFIX}/two-scopes"]["get"]
    assert operation["security"] == [{"apiKey": ["reports:read", "webhooks:read"]}]
    assert {"401", "403", "429", "503"} <= set(operation["responses"])


@pytest.mark.parametrize("path", ["/health", "/ready", "/serving"])
def test_health_answers_have_examples(path: str) -> None:
    media = DOCUMENT["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    assert "example" in media
