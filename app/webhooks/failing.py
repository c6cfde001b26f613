"""Auto-disable (CONTRACT.md §14): an endpoint whose attempts have all failed for
WEBHOOK_DISABLE_AFTER_SECONDS, at least WEBHOOK_DISABLE_MIN_FAILURES in a row, is disabled for
failing; the tenant's other endpoints hear of it at half that period and when it happens.

The statement that records attempts keeps each endpoint's run of failures and names the
endpoints past a threshold (app/webhooks/delivery_repository.py); this acts on those, each in a
transaction of its own that also records the event.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from enum import StrEnum

from loguru import logger
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.metrics import record_endpoint_auto_disabled
from app.core.time import rfc3339
from app.outbox import service as outbox
from app.outbox.events import ENDPOINT_DISABLED, ENDPOINT_FAILING, NewEvent
from app.webhooks import repository
from app.webhooks.delivery_repository import FailingRule
from app.webhooks.schemas import EndpointOut
from db.models.webhook_endpoint import WebhookEndpoint
from db.session import Database


class FailingAction(StrEnum):
    WARNED = "warned"
    DISABLED = "disabled"


_EVENT_TYPES = {FailingAction.WARNED: ENDPOINT_FAILING, FailingAction.DISABLED: ENDPOINT_DISABLED}


def failing_rule(settings: Settings) -> FailingRule:
    return FailingRule(
        after_seconds=settings.webhook_disable_after_seconds,
        min_failures=settings.webhook_disable_min_failures,
    )


async def act_on_failing_endpoint(
    session: AsyncSession, *, endpoint_id: uuid.UUID, rule: FailingRule
) -> tuple[FailingAction, WebhookEndpoint] | None:
    """Disable the endpoint if its run of failures is past `rule`, or else warn once per run
    at half the period, recording the event (`data`: the endpoint) for the tenant's other
    endpoints; None when neither applies (any longer: another worker acted, a success came).

    A run that reaches the disabling threshold unwarned (no attempt fell in the second half)
    sends only `webhook.endpoint.disabled`.
    """
    action = FailingAction.DISABLED
    endpoint = await repository.disable_failing_endpoint(
        session, endpoint_id, after_seconds=rule.after_seconds, min_failures=rule.min_failures
    )
    if endpoint is None:
        action = FailingAction.WARNED
        endpoint = await repository.mark_failing_noticed(
            session, endpoint_id, after_seconds=rule.after_seconds / 2
        )
    if endpoint is None:
        return None
    # resource_id names the endpoint: the relay never sends an event to the endpoint it is about.
    event = NewEvent(
        tenant_id=endpoint.tenant_id,
        event_type=_EVENT_TYPES[action],
        payload=EndpointOut.model_validate(endpoint).model_dump(mode="json"),
        correlation_id=None,
        resource_id=endpoint.id,
    )
    await outbox.record(session, [event])
    return action, endpoint


async def act_on_failing_endpoints(
    db: Database, settings: Settings, endpoint_ids: Iterable[uuid.UUID]
) -> None:
    """`act_on_failing_endpoint` for each, one transaction each; a disabling is logged (a
    WARNING) and counted once it has committed."""
    rule = failing_rule(settings)
    for endpoint_id in sorted(endpoint_ids):
        async with db.unit_of_work() as session:
            acted = await act_on_failing_endpoint(session, endpoint_id=endpoint_id, rule=rule)
        if acted is None:
            continue
        action, endpoint = acted
        log = logger.bind(
            tenant_id=str(endpoint.tenant_id),
            endpointId=str(endpoint.id),
            failingSince=endpoint.failing_since and rfc3339(endpoint.failing_since),
            consecutiveFailures=endpoint.consecutive_failures,
        )
        if action is FailingAction.DISABLED:
            record_endpoint_auto_disabled()
            log.warning("webhook endpoint disabled: every attempt to it failed")
        else:
            log.info("webhook endpoint failing: its tenant was warned")
