"""Relay's node lookups in GraphQL: thin resolvers over app.nodes.service."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from app.automation_runs.schemas import RunOut
from app.nodes import service as nodes
from app.nodes.found import FoundNode, NodeType
from app.reports.schemas import ReportOut
from app.webhooks.schemas import DeliveryOut, EndpointOut
from schema import described
from schema.context import Context
from schema.types import AutomationRun, Node, Report, WebhookDelivery, WebhookEndpoint

# Each type of node, and the REST representation its fields are validated as.
_TYPES: dict[NodeType, tuple[type[Any], Any]] = {
    NodeType.REPORT: (ReportOut, Report),
    NodeType.AUTOMATION_RUN: (RunOut, AutomationRun),
    NodeType.WEBHOOK_ENDPOINT: (EndpointOut, WebhookEndpoint),
    NodeType.WEBHOOK_DELIVERY: (DeliveryOut, WebhookDelivery),
}


@strawberry.type
class NodeQueries:
    @described.field(
        "The report, automation run, webhook endpoint or webhook delivery with this id; null "
        "when the tenant has none, and for a type the caller has no read scope for "
        "(docs/GRAPHQL-RELAY.md)."
    )
    async def node(
        self,
        info: Info[Context, None],
        id: Annotated[strawberry.ID, strawberry.argument(description="A node's id (a UUID).")],
    ) -> Node | None:
        principal, loaders = info.context.principal, info.context.loaders
        assert principal is not None
        assert loaders is not None
        # Through a loader: the `node` fields of a document (aliases) are one statement.
        return _node(await loaders.node_by_id(principal.scopes).load(str(id)))

    @described.field(
        f"The node of each id, in the ids' order, as `node(id:)` gives it (null where it "
        f"gives null); at most {nodes.MAX_IDS} ids."
    )
    async def nodes(
        self,
        info: Info[Context, None],
        ids: Annotated[
            list[strawberry.ID],
            strawberry.argument(description=f"Node ids (UUIDs), at most {nodes.MAX_IDS}."),
        ],
    ) -> list[Node | None]:
        return await _find(info.context, [str(node_id) for node_id in ids])


async def _find(context: Context, ids: list[str]) -> list[Node | None]:
    principal = context.principal
    assert principal is not None, "authenticated before any resolver runs"
    async with context.runtime.db.reading() as database:
        found = await nodes.find_nodes(
            database, tenant_id=principal.tenant_id, ids=ids, scopes=principal.scopes
        )
    return [_node(each) for each in found]


def _node(found: FoundNode | None) -> Node | None:
    if found is None:
        return None
    model, node_type = _TYPES[found.type]
    built: Node = node_type.from_pydantic(model.model_validate(found.fields))
    return built
