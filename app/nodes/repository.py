"""SQL for node lookups: which of the tenant's reports, runs, webhook endpoints and deliveries
hold these ids, with their representations' fields, in one statement."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from functools import cache

from app.core import json_codec
from app.nodes.found import FoundNode, NodeType
from db.session import ReadSource, fetch_rows

# Each type's table and the columns its representation shows (never an endpoint's secrets nor
# a delivery's response body), qualified where a join makes a name ambiguous.
_SOURCES: dict[NodeType, tuple[str, tuple[str, ...]]] = {
    NodeType.REPORT: (
        "reports AS n",
        ("id", "slug", "title", "summary", "content", "published_at", "created_at", "updated_at"),
    ),
    NodeType.AUTOMATION_RUN: (
        "automation_runs AS n",
        (
            "id",
            "flow_id",
            "provider",
            "status",
            "correlation_id",
            "input",
            "output",
            "error",
            "provider_run_id",
            "attempts",
            "created_at",
            "updated_at",
            "started_at",
            "completed_at",
        ),
    ),
    NodeType.WEBHOOK_ENDPOINT: (
        "webhook_endpoints AS n",
        (
            "id",
            "url",
            "event_types",
            "description",
            "enabled",
            "disabled_at",
            "disabled_reason",
            "ordering",
            "max_deliveries_per_second",
            "created_at",
            "updated_at",
        ),
    ),
    NodeType.WEBHOOK_DELIVERY: (
        "webhook_deliveries AS n JOIN outbox_events AS e ON e.id = n.event_id",
        (
            "id",
            "endpoint_id",
            "event_id",
            "e.event_type",
            "status",
            "attempts",
            "last_status_code",
            "last_error",
            "next_attempt_at",
            "delivered_at",
            "resource_id",
            "request_id",
            "created_at",
        ),
    ),
}


@cache
def _statement(types: tuple[NodeType, ...]) -> str:
    """One UNION ALL branch per type, each read through its table's primary key."""
    return " UNION ALL ".join(_branch(node_type) for node_type in types)


def _branch(node_type: NodeType) -> str:
    table, columns = _SOURCES[node_type]
    pairs = ", ".join(
        f"'{column.rpartition('.')[2]}', {column if '.' in column else f'n.{column}'}"
        for column in columns
    )
    return (
        f"SELECT '{node_type.value}', jsonb_build_object({pairs})::text "  # noqa: S608
        f"FROM {table} WHERE n.tenant_id = $1 AND n.id = ANY($2::uuid[])"
    )


async def find_nodes(
    source: ReadSource,
    tenant_id: uuid.UUID,
    ids: Sequence[uuid.UUID],
    types: Sequence[NodeType],
) -> dict[uuid.UUID, FoundNode]:
    """The tenant's nodes of these types among `ids`, by id."""
    rows = await fetch_rows(source, _statement(tuple(types)), tenant_id, list(ids))
    found = (FoundNode(NodeType(type_name), json_codec.loads(fields)) for type_name, fields in rows)
    return {uuid.UUID(node.fields["id"]): node for node in found}
