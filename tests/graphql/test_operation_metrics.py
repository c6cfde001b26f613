"""Operation metrics by name: only persisted and trusted documents' names, capped; `anonymous`
for everything else."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from redis.asyncio import Redis

from app.core import metrics
from schema.operation_metrics import ANONYMOUS, MAX_LABELS, OperationLabels
from tests.asgi import serve
from tests.conftest import make_settings
from tests.factories import Keys
from tests.graphql.helpers import GRAPHQL

STORED = "query StoredLatest { latestReport { slug } }"
TRUSTED = "query TrustedEndpoints { webhookEndpoints { id } }"
TEXT = "query TextOnly { latestReport { title } }"


def sha(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def hashed(document: str) -> dict[str, Any]:
    return {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha(document)}}}


def sample(name: str, operation: str) -> float:
    return metrics.registry.get_sample_value(name, {"operation": operation}) or 0.0


def counts(operation: str) -> tuple[float, float, float]:
    return (
        sample("aetherflow_graphql_operations_total", operation),
        sample("aetherflow_graphql_operation_errors_total", operation),
        sample("aetherflow_graphql_operation_duration_seconds_count", operation),
    )


async def test_operations_are_labelled_by_stored_and_trusted_names_only(
    database_url: str, redis_url: str, tenant_keys: Keys, redis: Redis, tmp_path: Path
) -> None:
    path = tmp_path / "trusted.json"
    path.write_text(json.dumps({sha(TRUSTED): TRUSTED}), encoding="utf-8")
    settings = make_settings(database_url, redis_url, graphql_trusted_documents=str(path))
    before = {name: counts(name) for name in ("StoredLatest", "TrustedEndpoints", ANONYMOUS)}
    async with serve(settings) as client:

        async def post(body: dict[str, Any]) -> None:
            response = await client.post(
                GRAPHQL.format("acme"), json=body, headers=tenant_keys.headers
            )
            assert response.status_code == 200

        await post({"query": TEXT})  # anonymous
        await post(hashed(STORED))  # not found: anonymous, an error
        await post({"query": STORED, **hashed(STORED)})  # stored: its name from now on
        await post(hashed(STORED))
        await post(hashed(TRUSTED))
        await post({"query": "{ noSuchField }"})  # anonymous, an error
    after = {name: counts(name) for name in before}

    def delta(name: str) -> tuple[float, ...]:
        return tuple(a - b for a, b in zip(after[name], before[name], strict=True))

    assert delta("StoredLatest") == (2, 0, 2)
    assert delta("TrustedEndpoints") == (1, 0, 1)
    assert delta(ANONYMOUS) == (3, 2, 3)
    assert sample("aetherflow_graphql_operations_total", "TextOnly") == 0


def test_labels_are_capped_and_anonymous_otherwise() -> None:
    labels = OperationLabels([f"Trusted{i}" for i in range(MAX_LABELS - 1)])
    labels.admit(["Stored", "OneTooMany", "x" * 200])
    assert labels.label("Trusted0", persisted=True) == "Trusted0"
    assert labels.label("Stored", persisted=True) == "Stored"
    assert labels.label("OneTooMany", persisted=True) == ANONYMOUS
    # A name sent as plain text never labels, even if it is a known one.
    assert labels.label("Stored", persisted=False) == ANONYMOUS
    assert labels.label(None, persisted=True) == ANONYMOUS


async def test_a_document_stored_by_another_process_labels_by_its_name(
    database_url: str, redis_url: str, tenant_keys: Keys, redis: Redis
) -> None:
    settings = make_settings(database_url, redis_url)
    async with serve(settings) as first:
        stored = await first.post(
            GRAPHQL.format("acme"),
            json={"query": STORED, **hashed(STORED)},
            headers=tenant_keys.headers,
        )
    assert stored.status_code == 200
    before = counts("StoredLatest")
    async with serve(settings) as second:  # nothing in its memory: found in Redis
        hit = await second.post(
            GRAPHQL.format("acme"), json=hashed(STORED), headers=tenant_keys.headers
        )
    assert hit.json()["data"] == {"latestReport": None}
    assert counts("StoredLatest")[0] - before[0] == 1
