"""Examples for the OpenAPI document: request bodies, success responses and webhook events.

Responses are built as the models they illustrate, so they cannot drift from them; request
bodies are written as clients send them (a test validates each against its model).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from app.automation_runs.schemas import CallbackIn, CreateRunIn, RunEnvelope, RunOut, RunPageOut
from app.reports.schemas import (
    ReportBatchIn,
    ReportBatchOut,
    ReportEnvelope,
    ReportOut,
    ReportPageOut,
    ReportUpsertOut,
    UpsertResult,
    UpsertSummary,
)
from app.sessions.schemas import (
    PublicJwk,
    PublicKeySet,
    SessionCreatedEnvelope,
    SessionIn,
    SessionOut,
)
from app.webhooks.schemas import (
    DeliveryEnvelope,
    DeliveryOut,
    DeliveryPageOut,
    EndpointCreatedEnvelope,
    EndpointEnvelope,
    EndpointIn,
    EndpointOut,
    EndpointPageOut,
    EndpointPatchIn,
    EndpointWithSecretOut,
    NoInput,
    SecretRotationEnvelope,
    SecretRotationOut,
)
from db.models.automation_run import Provider, RunStatus
from db.models.webhook_delivery import DeliveryStatus
from db.models.webhook_endpoint import Ordering

REQUESTS: dict[type[BaseModel], dict[str, Any]] = {
    ReportBatchIn: {
        "reports": [
            {
                "slug": "q3-revenue",
                "title": "Q3 revenue",
                "summary": "Revenue grew 12 %.",
                "content": {"sections": [{"heading": "Overview", "body": "..."}]},
                "publishedAt": "2026-11-24T10:00:00.000Z",
            },
            {"slug": "q4-plan", "title": "Q4 plan"},
        ]
    },
    CreateRunIn: {
        "flowId": "sync_crm",
        "input": {"customerId": "c_42"},
        "correlationId": "order-1234",
        "provider": "activepieces",
    },
    CallbackIn: {
        "correlationId": "order-1234",
        "status": "succeeded",
        "output": {"invoiceId": "inv_9"},
        "providerRunId": "ap_run_8f3k",
    },
    EndpointIn: {
        "url": "https://example.com/hooks/aetherflow",
        "eventTypes": ["report.published", "automation_run.failed"],
        "description": "CRM sync",
    },
    EndpointPatchIn: {"enabled": False},
    NoInput: {},
    SessionIn: {
        "subject": "user-42",
        "scopes": ["reports:read", "automations:read"],
        "origins": ["https://app.example.com"],
        "ttlSeconds": 900,
    },
}

_CREATED = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
_UPDATED = datetime(2026, 11, 24, 10, 5, 12, 345000, tzinfo=UTC)
_NEXT_CURSOR = "eyJwIjpbIjIwMjYtMTEtMjRUMTA6MDA6MDAuMDAwWiJdfQ.k3Jd8w"

REPORT = ReportOut(
    id=uuid.UUID("0b7e3a52-6c1f-4d8e-9a3b-2f5c8d1e4a77"),
    slug="q3-revenue",
    title="Q3 revenue",
    summary="Revenue grew 12 %.",
    content={"sections": [{"heading": "Overview", "body": "..."}]},
    published_at=_CREATED,
    created_at=_CREATED,
    updated_at=_CREATED,
)
RUN = RunOut(
    id=uuid.UUID("5d1c9e0a-3b7f-4a62-8e4d-9c2b1a0f6e35"),
    flow_id="sync_crm",
    provider=Provider.ACTIVEPIECES,
    status=RunStatus.SUCCEEDED,
    correlation_id="order-1234",
    input={"customerId": "c_42"},
    output={"invoiceId": "inv_9"},
    error=None,
    provider_run_id="ap_run_8f3k",
    attempts=1,
    created_at=_CREATED,
    updated_at=_UPDATED,
    started_at=_CREATED,
    completed_at=_UPDATED,
)
ENDPOINT = EndpointOut(
    id=uuid.UUID("9a4f2c71-0e8b-4d35-b6a1-7c3e5f2d8b90"),
    url="https://example.com/hooks/aetherflow",
    event_types=["report.published", "automation_run.failed"],
    description="CRM sync",
    enabled=True,
    disabled_at=None,
    disabled_reason=None,
    ordering=Ordering.NONE,
    max_deliveries_per_second=None,
    created_at=_CREATED,
    updated_at=_CREATED,
)
_SECRET = "whsec_ZXhhbXBsZS1zZWNyZXQtZm9yLXRoZS1hcGktZG9jcyE="  # noqa: S105 (base64 of "example-secret-for-the-api-docs!")
# Shortened: a real token also carries iss, aud, scope, origins, jti, iat and exp.
_SESSION_JWS = (
    "eyJhbGciOiJFZERTQSIsImtpZCI6IjIwMjYtMTItYSIsInR5cCI6IkpXVCJ9"
    ".eyJzdWIiOiJ1c2VyLTQyIn0.c2lnbmF0dXJlLW9mLXRoZS1leGFtcGxl"
)
_DELIVERY = DeliveryOut(
    id=uuid.UUID("3e8d6b20-7a4c-4f19-9d52-1b0c7e6a4f83"),
    endpoint_id=ENDPOINT.id,
    event_id=uuid.UUID("c6a0e4f2-58b1-4d7e-a3c9-0f2e8d4b6a15"),
    event_type="report.published",
    status=DeliveryStatus.DELIVERED,
    attempts=1,
    last_status_code=204,
    last_error=None,
    next_attempt_at=None,
    delivered_at=_UPDATED,
    resource_id=uuid.UUID("5b7e2d90-3c1a-4f68-8e2b-9d4c6a1f0e37"),
    request_id="0f6c2b8e-41d7-4a95-b3e0-7c5d9a2e8f14",
    created_at=_CREATED,
)

_RESPONSES: tuple[BaseModel, ...] = (
    ReportBatchOut(
        data=[ReportUpsertOut(result=UpsertResult.CREATED, report=REPORT)],
        summary=UpsertSummary(created=1, updated=0, unchanged=0),
    ),
    ReportEnvelope(data=REPORT),
    ReportPageOut(data=[REPORT], next_cursor=_NEXT_CURSOR),
    RunEnvelope(data=RUN),
    RunPageOut(data=[RUN], next_cursor=None),
    EndpointCreatedEnvelope(
        data=EndpointWithSecretOut(**ENDPOINT.model_dump(by_alias=False), secret=_SECRET)
    ),
    EndpointEnvelope(data=ENDPOINT),
    EndpointPageOut(data=[ENDPOINT], next_cursor=None),
    SecretRotationEnvelope(
        data=SecretRotationOut(secret=_SECRET, previous_secret_expires_at=_UPDATED)
    ),
    DeliveryEnvelope(data=_DELIVERY),
    DeliveryPageOut(data=[_DELIVERY], next_cursor=_NEXT_CURSOR),
    SessionCreatedEnvelope(
        data=SessionOut(
            id=uuid.UUID("1f6e3a90-4c2b-4d87-9e51-8a0b7c3d2e64"),
            token=_SESSION_JWS,
            expires_at=datetime(2026, 11, 24, 10, 15, tzinfo=UTC),
            subject="user-42",
            scopes=["reports:read", "automations:read"],
            origins=["https://app.example.com"],
        )
    ),
    PublicKeySet(
        keys=[
            PublicJwk(
                kty="EC",
                crv="P-256",
                x="oapLi9s7yXy58FTb13G06YV6Wj_1ZsfwXr0bt3qASVA",
                y="GF7cUMjwLQGs0a6O4sZGBvzMTGQ1bT64plaJ9FAKFqw",
                kid="2026-12-a",
                alg="ES256",
                use="sig",
            )
        ]
    ),
)
# One example for each response model.
RESPONSES: dict[type[BaseModel], dict[str, Any]] = {
    type(example): example.model_dump(mode="json") for example in _RESPONSES
}
