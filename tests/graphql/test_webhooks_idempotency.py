"""CONTRACT.md §4 and §15: every webhook mutation is idempotent by `idempotencyKey`, through the
store REST uses. A replay answers the first answer and writes nothing; the key with other
arguments, another mutation, or a REST request is `idempotency_key_reused`."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from app.core.config import Settings
from db.models.idempotency_key import IdempotencyKey
from db.models.webhook_delivery import WebhookDelivery
from db.models.webhook_endpoint import WebhookEndpoint
from db.session import Database
from tests.factories import PUBLIC_WEBHOOK_URL, UNKNOWN_ID, Keys, make_delivery, make_endpoint
from tests.graphql.helpers import error_codes, gql
from tests.graphql.webhook_helpers import (
    CREATE,
    DELETE,
    RECOVER,
    RETRY,
    ROTATE,
    SEND_TEST,
    UPDATE,
    rows,
)

SINCE = "2000-01-01T00:00:00Z"
MUTATIONS = [
    pytest.param(
        CREATE,
        {"input": {"url": PUBLIC_WEBHOOK_URL, "description": "a"}},
        {"input": {"url": PUBLIC_WEBHOOK_URL, "description": "b"}},
        id="create",
    ),
    pytest.param(
        UPDATE,
        {"id": "{endpoint}", "input": {"description": "a"}},
        {"id": "{endpoint}", "input": {"description": "b"}},
        id="update",
    ),
    pytest.param(DELETE, {"id": "{endpoint}"}, {"id": UNKNOWN_ID}, id="delete"),
    pytest.param(ROTATE, {"id": "{endpoint}"}, {"id": UNKNOWN_ID}, id="rotate"),
    pytest.param(RETRY, {"id": "{delivery}"}, {"id": UNKNOWN_ID}, id="retry"),
    pytest.param(
        RECOVER,
        {"id": "{endpoint}", "input": {"since": SINCE}},
        {"id": "{endpoint}", "input": {"since": SINCE, "statuses": ["DEAD"]}},
        id="recover",
    ),
    pytest.param(SEND_TEST, {"id": "{endpoint}"}, {"id": UNKNOWN_ID}, id="send-test"),
]


async def snapshot(db: Database) -> dict[str, Any]:
    """Every row count, and the endpoints' and deliveries' changing columns."""
    async with db.unit_of_work() as session:
        endpoints = (
            await session.execute(
                select(
                    WebhookEndpoint.id,
                    WebhookEndpoint.description,
                    WebhookEndpoint.secret_encrypted,
                    WebhookEndpoint.updated_at,
                ).order_by(WebhookEndpoint.id)
            )
        ).all()
        deliveries = (
            await session.execute(
                select(
                    WebhookDelivery.id, WebhookDelivery.status, WebhookDelivery.next_attempt_at
                ).order_by(WebhookDelivery.id)
            )
        ).all()
    return {"rows": await rows(db), "endpoints": endpoints, "deliveries": deliveries}


def fill(variables: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    return {
        name: ids.get(value, value) if isinstance(value, str) else value
        for name, value in variables.items()
    }


async def setup_ids(db: Database, settings: Settings, keys: Keys) -> dict[str, str]:
    endpoint, _ = await make_endpoint(db, settings, keys.tenant, PUBLIC_WEBHOOK_URL)
    delivery = await make_delivery(db, endpoint, keys.tenant, status="dead", attempts=3)
    return {"{endpoint}": str(endpoint.id), "{delivery}": str(delivery)}


@pytest.mark.parametrize(("document", "variables", "other"), MUTATIONS)
async def test_a_replay_answers_the_first_answer_and_writes_nothing(
    client: httpx.AsyncClient,
    tenant_keys: Keys,
    db: Database,
    settings: Settings,
    document: str,
    variables: dict[str, Any],
    other: dict[str, Any],
) -> None:
    ids = await setup_ids(db, settings, tenant_keys)
    first = await gql(client, tenant_keys.headers, document, {**fill(variables, ids), "key": "k1"})
    assert "errors" not in first, first
    assert "extensions" not in first
    after_first = await snapshot(db)
    assert after_first["rows"]["keys"] == 1
    replay = await gql(client, tenant_keys.headers, document, {**fill(variables, ids), "key": "k1"})
    assert replay["data"] == first["data"]
    assert replay["extensions"] == {"idempotentReplayed": True}
    assert await snapshot(db) == after_first

    reused = await gql(client, tenant_keys.headers, document, {**fill(other, ids), "key": "k1"})
    assert error_codes(reused) == ["idempotency_key_reused"]
    assert await snapshot(db) == after_first

    # Without a key, or with a new one, the mutation runs again.
    if document in (CREATE, SEND_TEST):
        again = await gql(client, tenant_keys.headers, document, fill(variables, ids))
        assert "errors" not in again, again
        assert again["data"] != first["data"]


async def test_a_replay_does_not_repeat_the_effect_on_a_changed_state(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    """A retried delivery that died again is not revived by a replay of the retry."""
    ids = await setup_ids(db, settings, tenant_keys)
    retry = {"id": ids["{delivery}"], "key": "retry-1"}
    first = await gql(client, tenant_keys.headers, RETRY, retry)
    assert first["data"]["retryWebhookDelivery"]["status"] == "PENDING"
    async with db.unit_of_work() as session:
        await session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == uuid.UUID(ids["{delivery}"]))
            .values(status="dead")
        )
    replay = await gql(client, tenant_keys.headers, RETRY, retry)
    assert replay["data"] == first["data"]
    [(_, status, _)] = (await snapshot(db))["deliveries"]
    assert status == "dead"


async def test_create_replays_answer_the_same_secret(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    variables = {"input": {"url": PUBLIC_WEBHOOK_URL}, "key": "create-1"}
    first = await gql(client, tenant_keys.headers, CREATE, variables)
    replay = await gql(client, tenant_keys.headers, CREATE, variables)
    secret = first["data"]["createWebhookEndpoint"]["secret"]
    assert replay["data"]["createWebhookEndpoint"]["secret"] == secret
    # The stored answer holds the secret sealed, never in plain text.
    async with db.unit_of_work() as session:
        [body] = (await session.scalars(select(IdempotencyKey.response_body))).all()
    assert secret.encode() not in body
    assert (await rows(db))["endpoints"] == 1


async def test_a_key_names_one_mutation(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    ids = await setup_ids(db, settings, tenant_keys)
    endpoint = {"id": ids["{endpoint}"], "key": "one"}
    await gql(client, tenant_keys.headers, ROTATE, endpoint)
    before = await snapshot(db)
    for document in (DELETE, SEND_TEST):
        body = await gql(client, tenant_keys.headers, document, endpoint)
        assert error_codes(body) == ["idempotency_key_reused"]
    assert await snapshot(db) == before
    # The same id in another letter case is the same request.
    upper = await gql(
        client, tenant_keys.headers, ROTATE, {**endpoint, "id": endpoint["id"].upper()}
    )
    assert upper["extensions"] == {"idempotentReplayed": True}


async def test_a_malformed_key_is_answered_before_invalid_input(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database
) -> None:
    body = await gql(client, tenant_keys.headers, CREATE, {"input": {"url": ""}, "key": ""})
    assert error_codes(body) == ["invalid_idempotency_key"]
    assert (await rows(db))["endpoints"] == 0


async def test_a_rest_key_is_not_replayed_by_graphql_nor_the_other_way(
    client: httpx.AsyncClient, tenant_keys: Keys, db: Database, settings: Settings
) -> None:
    """One store: a key names one request of the tenant, whichever face sent it. The same
    operation over the other face is another request (its fingerprint names the face), so the
    key is `idempotency_key_reused` there, and nothing is done twice."""
    ids = await setup_ids(db, settings, tenant_keys)
    endpoint_id = ids["{endpoint}"]
    rest = await client.post(
        f"/v1/tenants/acme/webhook-endpoints/{endpoint_id}/test",
        headers={**tenant_keys.headers, "Idempotency-Key": "shared"},
    )
    assert rest.status_code == 202, rest.text
    before = await snapshot(db)
    body = await gql(client, tenant_keys.headers, SEND_TEST, {"id": endpoint_id, "key": "shared"})
    assert error_codes(body) == ["idempotency_key_reused"]
    assert await snapshot(db) == before

    created = await gql(
        client,
        tenant_keys.headers,
        CREATE,
        {"input": {"url": PUBLIC_WEBHOOK_URL}, "key": "from-graphql"},
    )
    assert "errors" not in created
    again = await client.post(
        "/v1/tenants/acme/webhook-endpoints",
        json={"url": PUBLIC_WEBHOOK_URL},
        headers={**tenant_keys.headers, "Idempotency-Key": "from-graphql"},
    )
    assert again.status_code == 422
    assert again.json()["error"]["code"] == "idempotency_key_reused"
    assert (await rows(db))["endpoints"] == 2
