"""What a node lookup finds: a node's type and its representation's fields."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, NamedTuple


class NodeType(StrEnum):
    """The types of node, named as in GraphQL."""

    REPORT = "Report"
    AUTOMATION_RUN = "AutomationRun"
    WEBHOOK_ENDPOINT = "WebhookEndpoint"
    WEBHOOK_DELIVERY = "WebhookDelivery"


class FoundNode(NamedTuple):
    """A node's type and its representation's fields by their snake_case names, as JSON
    values (timestamps and ids as text)."""

    type: NodeType
    fields: dict[str, Any]
