"""SQL for webhook endpoints and their delivery log: index-backed keyset reads, guarded updates."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, Update, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.pagination import Position
from app.webhooks.delivery_filters import DeliveryFilters
from db.keyset import keyset_slice
from db.models.outbox_event import OutboxEvent
from db.models.webhook_delivery import DeliveryStatus, WebhookDelivery
from db.models.webhook_endpoint import DisabledReason, Ordering, WebhookEndpoint


@dataclass(frozen=True)
class DeliveryLogEntry:
    """A delivery as the log shows it, with its event's type."""

    id: uuid.UUID
    endpoint_id: uuid.UUID
    event_id: uuid.UUID
    event_type: str
    status: DeliveryStatus
    attempts: int
    last_status_code: int | None
    last_error: str | None
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    resource_id: uuid.UUID | None
    request_id: str | None
    created_at: datetime


# Only what the log shows: never the (possibly large) last response body.
LOG_COLUMNS = (
    WebhookDelivery.id,
    WebhookDelivery.endpoint_id,
    WebhookDelivery.event_id,
    OutboxEvent.event_type,
    WebhookDelivery.status,
    WebhookDelivery.attempts,
    WebhookDelivery.last_status_code,
    WebhookDelivery.last_error,
    WebhookDelivery.next_attempt_at,
    WebhookDelivery.delivered_at,
    WebhookDelivery.resource_id,
    WebhookDelivery.request_id,
    WebhookDelivery.created_at,
)


def _log_entry(row: dict[str, Any]) -> DeliveryLogEntry:
    return DeliveryLogEntry(**row)


async def insert_endpoint(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    url: str,
    event_types: list[str] | None,
    description: str | None,
    ordering: Ordering,
    max_deliveries_per_second: int | None,
    secret_encrypted: str,
) -> WebhookEndpoint:
    endpoint: WebhookEndpoint | None = await session.scalar(
        insert(WebhookEndpoint)
        .values(
            id=uuid.uuid4(),
            tenant_id=tenant_id,
            url=url,
            event_types=event_types,
            description=description,
            ordering=ordering,
            max_deliveries_per_second=max_deliveries_per_second,
            secret_encrypted=secret_encrypted,
        )
        .returning(WebhookEndpoint)
    )
    assert endpoint is not None
    return endpoint


async def find_endpoint(
    session: AsyncSession, tenant_id: uuid.UUID, endpoint_id: uuid.UUID, *, lock: bool = False
) -> WebhookEndpoint | None:
    query = select(WebhookEndpoint).where(
        WebhookEndpoint.tenant_id == tenant_id, WebhookEndpoint.id == endpoint_id
    )
    if lock:
        query = query.with_for_update()
    return await session.scalar(query)


async def list_endpoints(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    *,
    after: Position | None,
    limit: int | None,
    reverse: bool = False,
) -> Sequence[WebhookEndpoint]:
    """Up to `limit` (None: all) endpoints after a position, oldest first; with `reverse`,
    before it, newest first (ix_webhook_endpoints_order)."""
    query = keyset_slice(
        select(WebhookEndpoint).where(WebhookEndpoint.tenant_id == tenant_id),
        WebhookEndpoint.created_at,
        WebhookEndpoint.id,
        after=after,
        limit=limit,
        descending=False,
        reverse=reverse,
    )
    return (await session.scalars(query)).all()


async def update_endpoint(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    endpoint_id: uuid.UUID,
    values: dict[str, Any],
    *,
    enabled: bool | None,
) -> WebhookEndpoint | None:
    """Set `values` and updated_at. `enabled` true (enabled again) restarts enabled_since and
    clears the disabling and the run of failures; false disables it by hand, now."""
    changes: dict[str, Any] = {**values, "updated_at": func.now()}
    if enabled is True:
        changes |= {
            "enabled_since": func.now(),
            "disabled_at": None,
            "disabled_reason": None,
            "failing_since": None,
            "consecutive_failures": 0,
            "failing_notice_at": None,
        }
    elif enabled is False:
        changes |= {"disabled_at": func.now(), "disabled_reason": DisabledReason.MANUAL}
    return await session.scalar(
        update(WebhookEndpoint)
        .where(WebhookEndpoint.tenant_id == tenant_id, WebhookEndpoint.id == endpoint_id)
        .values(changes)
        .returning(WebhookEndpoint),
        execution_options={"populate_existing": True},
    )


async def disable_failing_endpoint(
    session: AsyncSession, endpoint_id: uuid.UUID, *, after_seconds: float, min_failures: int
) -> WebhookEndpoint | None:
    """Disable the endpoint for failing if it is enabled and every attempt to it has failed for
    `after_seconds`, at least `min_failures` in a row; None otherwise. The test is part of the
    UPDATE, so however many workers ask at once it is disabled once."""
    return await session.scalar(
        update(WebhookEndpoint)
        .where(
            WebhookEndpoint.id == endpoint_id,
            WebhookEndpoint.enabled,
            WebhookEndpoint.consecutive_failures >= min_failures,
            WebhookEndpoint.failing_since <= func.now() - timedelta(seconds=after_seconds),
        )
        .values(
            enabled=False,
            disabled_at=func.now(),
            disabled_reason=DisabledReason.FAILING,
            updated_at=func.now(),
        )
        .returning(WebhookEndpoint),
        execution_options={"populate_existing": True},
    )


async def mark_failing_noticed(
    session: AsyncSession, endpoint_id: uuid.UUID, *, after_seconds: float
) -> WebhookEndpoint | None:
    """Note that the tenant is told the endpoint is failing, if it is enabled, every attempt to
    it has failed for `after_seconds` and this run was not told yet; None otherwise (once per
    run, however many workers ask)."""
    return await session.scalar(
        update(WebhookEndpoint)
        .where(
            WebhookEndpoint.id == endpoint_id,
            WebhookEndpoint.enabled,
            WebhookEndpoint.failing_notice_at.is_(None),
            WebhookEndpoint.failing_since <= func.now() - timedelta(seconds=after_seconds),
        )
        .values(failing_notice_at=func.now())
        .returning(WebhookEndpoint),
        execution_options={"populate_existing": True},
    )


async def insert_relayed_delivery(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    endpoint_id: uuid.UUID,
    event_id: uuid.UUID,
    event_type: str,
) -> DeliveryLogEntry:
    """Mark the event relayed (the relay leaves it alone) and give it one delivery, to this
    endpoint only, due now, with the event's resource and request ids."""
    event = (
        await session.execute(
            update(OutboxEvent)
            .where(OutboxEvent.id == event_id)
            .values(relayed_at=func.now())
            .returning(OutboxEvent.resource_id, OutboxEvent.request_id)
        )
    ).one()
    row = (
        await session.execute(
            insert(WebhookDelivery)
            .values(
                id=uuid.uuid4(),
                tenant_id=tenant_id,
                endpoint_id=endpoint_id,
                event_id=event_id,
                next_attempt_at=func.now(),
                resource_id=event.resource_id,
                request_id=event.request_id,
            )
            .returning(*(column for column in LOG_COLUMNS if column is not OutboxEvent.event_type))
        )
    ).one()
    return _log_entry({**row._asdict(), "event_type": event_type})


async def rotate_secret(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    endpoint_id: uuid.UUID,
    *,
    secret_encrypted: str,
    overlap: timedelta,
) -> WebhookEndpoint | None:
    """Make the current secret the previous one (dropping an older one) and store the new one.

    One statement, so concurrent rotations queue on the row and each moves the secret that the
    one before it stored.
    """
    return await session.scalar(
        update(WebhookEndpoint)
        .where(WebhookEndpoint.tenant_id == tenant_id, WebhookEndpoint.id == endpoint_id)
        .values(
            previous_secret_encrypted=WebhookEndpoint.secret_encrypted,
            previous_secret_expires_at=func.now() + overlap,
            secret_encrypted=secret_encrypted,
            updated_at=func.now(),
        )
        .returning(WebhookEndpoint),
        execution_options={"populate_existing": True},
    )


async def delete_endpoint(
    session: AsyncSession, tenant_id: uuid.UUID, endpoint_id: uuid.UUID
) -> bool:
    """Delete the endpoint (its deliveries cascade); whether it existed."""
    deleted = await session.scalar(
        delete(WebhookEndpoint)
        .where(WebhookEndpoint.tenant_id == tenant_id, WebhookEndpoint.id == endpoint_id)
        .returning(WebhookEndpoint.id)
    )
    return deleted is not None


async def list_deliveries(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    endpoint_id: uuid.UUID,
    status: DeliveryStatus | None,
    *,
    after: Position | None,
    limit: int,
    reverse: bool = False,
) -> list[DeliveryLogEntry]:
    """Up to `limit` deliveries of an endpoint after a position, newest first; with `reverse`,
    before it, oldest first (ix_webhook_deliveries_log)."""
    query = (
        select(*LOG_COLUMNS)
        .join(OutboxEvent, OutboxEvent.id == WebhookDelivery.event_id)
        .where(WebhookDelivery.endpoint_id == endpoint_id, WebhookDelivery.tenant_id == tenant_id)
    )
    if status is not None:
        query = query.where(WebhookDelivery.status == status)
    query = keyset_slice(
        query,
        WebhookDelivery.created_at,
        WebhookDelivery.id,
        after=after,
        limit=limit,
        descending=True,
        reverse=reverse,
    )
    rows = await session.execute(query)
    return [_log_entry(row._asdict()) for row in rows]


async def list_tenant_deliveries(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    filters: DeliveryFilters,
    *,
    after: Position | None,
    limit: int,
    reverse: bool = False,
) -> list[DeliveryLogEntry]:
    """Up to `limit` of the tenant's deliveries that pass the filters, after a position, newest
    first; with `reverse`, before it, oldest first."""
    rows = await session.execute(
        tenant_deliveries_query(tenant_id, filters, after, limit, reverse=reverse)
    )
    return [_log_entry(row._asdict()) for row in rows]


def tenant_deliveries_query(
    tenant_id: uuid.UUID,
    filters: DeliveryFilters,
    after: Position | None,
    limit: int,
    *,
    reverse: bool = False,
) -> Select[*tuple[Any, ...]]:
    """The query of `list_tenant_deliveries`: ix_webhook_deliveries_tenant_log read in order,
    or the request's or resource's index (ix_webhook_deliveries_request, _resource) when
    filtered by one."""
    delivery = WebhookDelivery
    conditions: list[ColumnElement[bool]] = [delivery.tenant_id == tenant_id]
    if filters.endpoint_id is not None:
        conditions.append(delivery.endpoint_id == filters.endpoint_id)
    if filters.status is not None:
        conditions.append(delivery.status == filters.status)
    if filters.event_type is not None:
        conditions.append(OutboxEvent.event_type == filters.event_type)
    if filters.event_id is not None:
        conditions.append(delivery.event_id == filters.event_id)
    if filters.request_id is not None:
        conditions.append(delivery.request_id == filters.request_id)
    if filters.resource_id is not None:
        conditions.append(delivery.resource_id == filters.resource_id)
    if filters.since is not None:
        conditions.append(delivery.created_at >= filters.since)
    if filters.until is not None:
        conditions.append(delivery.created_at < filters.until)
    return keyset_slice(
        select(*LOG_COLUMNS)
        .join(OutboxEvent, OutboxEvent.id == delivery.event_id)
        .where(*conditions),
        delivery.created_at,
        delivery.id,
        after=after,
        limit=limit,
        descending=True,
        reverse=reverse,
    )


async def revive_dead_delivery(
    session: AsyncSession, tenant_id: uuid.UUID, delivery_id: uuid.UUID
) -> DeliveryLogEntry | None:
    """Put a dead delivery back to pending, due now, at the start of its schedule.

    The status test is part of the UPDATE, so two concurrent retries revive it once; None when
    there is no such dead delivery.
    """
    row = (
        await session.execute(
            _revive(tenant_id, [delivery_id])
            .where(OutboxEvent.id == WebhookDelivery.event_id)
            .returning(*LOG_COLUMNS),
            execution_options={"synchronize_session": False},
        )
    ).one_or_none()
    return None if row is None else _log_entry(row._asdict())


async def revive_dead_deliveries(
    session: AsyncSession, tenant_id: uuid.UUID, delivery_ids: Sequence[uuid.UUID]
) -> list[DeliveryLogEntry]:
    """Like `revive_dead_delivery`, for many: those that were dead, as they are now."""
    rows = await session.execute(
        _revive(tenant_id, delivery_ids)
        .where(OutboxEvent.id == WebhookDelivery.event_id)
        .returning(*LOG_COLUMNS),
        execution_options={"synchronize_session": False},
    )
    return [_log_entry(row._asdict()) for row in rows]


# A delivery sent again by hand (retry, recover): pending, due now, from the start of the
# schedule; `attempts` keeps counting.
BACK_TO_PENDING = {
    "status": DeliveryStatus.PENDING,
    "schedule_step": 0,
    "next_attempt_at": func.now(),
    "updated_at": func.now(),
}


def _revive(tenant_id: uuid.UUID, delivery_ids: Sequence[uuid.UUID]) -> Update:
    """Dead deliveries among `delivery_ids` back to pending, due now, at schedule step 0."""
    return (
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id.in_(delivery_ids),
            WebhookDelivery.tenant_id == tenant_id,
            WebhookDelivery.status == DeliveryStatus.DEAD,
        )
        .values(BACK_TO_PENDING)
    )


async def delivery_exists(
    session: AsyncSession, tenant_id: uuid.UUID, delivery_id: uuid.UUID
) -> bool:
    found = await session.scalar(
        select(WebhookDelivery.id).where(
            WebhookDelivery.id == delivery_id, WebhookDelivery.tenant_id == tenant_id
        )
    )
    return found is not None


async def last_response_body(
    session: AsyncSession, tenant_id: uuid.UUID, delivery_id: uuid.UUID
) -> str | None:
    """The excerpt of the last attempt's response body; None without one or such a delivery."""
    body: str | None = await session.scalar(
        select(WebhookDelivery.last_response_body).where(
            WebhookDelivery.id == delivery_id, WebhookDelivery.tenant_id == tenant_id
        )
    )
    return body


async def list_dead_deliveries(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID | None,
    endpoint_id: uuid.UUID | None,
    limit: int | None,
) -> list[tuple[WebhookDelivery, str]]:
    """Dead deliveries with their event's type, the most recently dead first: of one tenant or
    all, of one endpoint or all, at most `limit` (None: no bound)."""
    query = (
        select(WebhookDelivery, OutboxEvent.event_type)
        .join(OutboxEvent, OutboxEvent.id == WebhookDelivery.event_id)
        .where(WebhookDelivery.status == DeliveryStatus.DEAD)
        .order_by(WebhookDelivery.updated_at.desc())
        .limit(limit)
    )
    if tenant_id is not None:
        query = query.where(WebhookDelivery.tenant_id == tenant_id)
    if endpoint_id is not None:
        query = query.where(WebhookDelivery.endpoint_id == endpoint_id)
    return [(delivery, event_type) for delivery, event_type in await session.execute(query)]
