"""The GraphQL endpoint in the OpenAPI document: Strawberry serves it, so it is described here.

Its answers are GraphQL results, refusals included (their errors carry the code in
`extensions.code`), or GraphiQL's page outside production.
"""

from __future__ import annotations

from typing import Any

from app.api.operation_docs import describe
from app.core.errors import Overloaded, ServiceUnavailable

_RESULT = {
    "type": "object",
    "properties": {
        "data": {"type": ["object", "null"]},
        "errors": {"type": "array", "items": {"type": "object"}},
        "extensions": {"type": "object"},
    },
}
_REFUSALS = {
    400: "`invalid_json`: the body is not JSON.",
    401: "`unauthenticated`",
    403: "`tenant_forbidden`",
    404: "`not_found`: a GET without a query where GraphiQL is off.",
    405: "`method_not_allowed`: a mutation over GET, or another method (`Allow: GET, POST`).",
    413: "`payload_too_large` (checked before the key)",
    415: "`unsupported_media_type`",
    422: "`validation_error`: JSON that is not one GraphQL operation (no query, a batch, "
    "`variables` not an object, an `operationName` that names no operation of the query, a "
    "subscription over HTTP).",
    429: "`rate_limited`",
    503: f"{describe([ServiceUnavailable, Overloaded])} In `errors[].extensions.code`; the whole "
    "response is a 503 when any error of it is one.",
}
_REQUEST = {
    "type": "object",
    "required": ["query"],
    "properties": {
        "query": {"type": "string", "minLength": 1},
        "variables": {"type": ["object", "null"]},
        "operationName": {
            "type": ["string", "null"],
            "description": "The operation of `query` to run; one that names none is a 422.",
        },
    },
}


def describe_graphql(path_item: dict[str, Any], security_scheme: str) -> None:
    for method, operation in path_item.items():
        responses: dict[str, Any] = {
            str(status): {"description": text, "content": {"application/json": {"schema": _RESULT}}}
            for status, text in _REFUSALS.items()
        }
        responses["200"] = {
            "description": "A GraphQL result (errors carry extensions.code and requestId); on a "
            "GET without a query outside production, the GraphiQL page.",
            "content": {"application/json": {"schema": _RESULT}, "text/html": {"schema": {}}},
        }
        responses["500"] = {
            "description": "`internal_error`",
            "content": {"application/json": {"schema": {}}},
        }
        operation.update(
            operationId="queryGraphql" if method == "get" else "executeGraphql",
            summary="GraphQL" + (" (queries)" if method == "get" else ""),
            description="See docs/GRAPHQL.md and docs/schema.graphql.",
            security=[{security_scheme: []}],
            responses=dict(sorted(responses.items())),
        )
        if method == "post":
            example = {"query": "{ latestReport { slug title publishedAt } }"}
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": _REQUEST, "example": example}},
            }
