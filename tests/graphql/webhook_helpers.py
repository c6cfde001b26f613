"""Webhook documents and database counts shared by the tests/graphql/test_webhooks_*.py files."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select

from db.models.idempotency_key import IdempotencyKey
from db.models.outbox_event import OutboxEvent
from db.models.webhook_delivery import WebhookDelivery
from db.models.webhook_endpoint import WebhookEndpoint
from db.models.webhook_recovery import WebhookRecovery
from db.session import Database

_ENUM_NAME = re.compile(r"[A-Z][A-Z_]+")
ENDPOINT_FIELDS = """
  id url eventTypes description enabled disabledAt disabledReason ordering
  maxDeliveriesPerSecond createdAt updatedAt
"""
DELIVERY_FIELDS = """
  id endpointId eventId eventType status attempts lastStatusCode lastError nextAttemptAt
  deliveredAt resourceId requestId createdAt
"""
RECOVERY_FIELDS = "id endpointId status total done failed createdAt completedAt"

CREATE = f"""
mutation Create($input: CreateWebhookEndpointInput!, $key: String) {{
  createWebhookEndpoint(input: $input, idempotencyKey: $key) {{
    secret endpoint {{ {ENDPOINT_FIELDS} }}
  }}
}}
"""
UPDATE = f"""
mutation Update($id: ID!, $input: UpdateWebhookEndpointInput!, $key: String) {{
  updateWebhookEndpoint(id: $id, input: $input, idempotencyKey: $key) {{ {ENDPOINT_FIELDS} }}
}}
"""
DELETE = """
mutation Delete($id: ID!, $key: String) {
  deleteWebhookEndpoint(id: $id, idempotencyKey: $key) { id }
}
"""
ROTATE = """
mutation Rotate($id: ID!, $key: String) {
  rotateWebhookEndpointSecret(id: $id, idempotencyKey: $key) { secret previousSecretExpiresAt }
}
"""
RETRY = f"""
mutation Retry($id: ID!, $key: String) {{
  retryWebhookDelivery(id: $id, idempotencyKey: $key) {{ {DELIVERY_FIELDS} }}
}}
"""
RECOVER = f"""
mutation Recover($id: ID!, $input: RecoverWebhookEndpointInput!, $key: String) {{
  recoverWebhookEndpoint(id: $id, input: $input, idempotencyKey: $key) {{ {RECOVERY_FIELDS} }}
}}
"""
SEND_TEST = f"""
mutation SendTest($id: ID!, $key: String) {{
  sendTestWebhook(id: $id, idempotencyKey: $key) {{ {DELIVERY_FIELDS} }}
}}
"""


def rest_spelling(node: Any) -> Any:
    """A GraphQL value in REST spelling: enum names become the REST values."""
    if isinstance(node, dict):
        return {name: rest_spelling(value) for name, value in node.items()}
    if isinstance(node, list):
        return [rest_spelling(item) for item in node]
    if isinstance(node, str) and _ENUM_NAME.fullmatch(node):
        return {"ONE_HOUR": "1h", "TWENTY_FOUR_HOURS": "24h"}.get(
            node, node.lower().replace("_", "-")
        )
    return node


def only_error(body: dict[str, Any]) -> dict[str, Any]:
    """The one error of a refused operation (its data null, or its one nullable field null),
    checked for a request id."""
    assert body["data"] is None or list(body["data"].values()) == [None], body
    [error] = body["errors"]
    assert error["extensions"]["requestId"]
    return dict(error)


async def rows(db: Database) -> dict[str, int]:
    """How many rows each table the webhook mutations write holds."""
    tables = {
        "endpoints": WebhookEndpoint,
        "events": OutboxEvent,
        "deliveries": WebhookDelivery,
        "recoveries": WebhookRecovery,
        "keys": IdempotencyKey,
    }
    async with db.unit_of_work() as session:
        return {
            name: int(await session.scalar(select(func.count()).select_from(model)) or 0)
            for name, model in tables.items()
        }
