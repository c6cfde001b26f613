"""Nodes (CONTRACT.md §15): any report, automation run, webhook endpoint or delivery of the
tenant by its id alone, whatever its type."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence

from app.core.errors import ValidationFailed
from app.core.ids import parse_id
from app.nodes import repository
from app.nodes.found import FoundNode, NodeType
from db.session import ReadSource

MAX_IDS = 100

# The scope that reads each type of node: the same as its REST and GraphQL reads.
READ_SCOPES = {
    NodeType.REPORT: "reports:read",
    NodeType.AUTOMATION_RUN: "automations:read",
    NodeType.WEBHOOK_ENDPOINT: "webhooks:read",
    NodeType.WEBHOOK_DELIVERY: "webhooks:read",
}


async def find_nodes(
    source: ReadSource, *, tenant_id: uuid.UUID, ids: Sequence[str], scopes: Collection[str]
) -> list[FoundNode | None]:
    """The node each id names, in the ids' order, in one query; None for an id that is
    malformed, unknown, another tenant's, or of a type that `scopes` cannot read (so an
    answer never tells which ids exist beyond what the caller may read). More than MAX_IDS
    ids is a validation error."""
    if len(ids) > MAX_IDS:
        raise ValidationFailed(
            details=[{"path": "ids", "message": f"at most {MAX_IDS} ids, got {len(ids)}"}]
        )
    parsed = [parse_id(text) for text in ids]
    wanted = list({node_id for node_id in parsed if node_id is not None})
    readable = [node_type for node_type, scope in READ_SCOPES.items() if scope in scopes]
    if not wanted or not readable:
        return [None] * len(ids)
    found = await repository.find_nodes(source, tenant_id, wanted, readable)
    return [found.get(node_id) if node_id is not None else None for node_id in parsed]
