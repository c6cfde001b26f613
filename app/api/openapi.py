"""The OpenAPI 3.1 document: FastAPI's own, completed from what the routes' dependencies say.

Bodies are read by dependencies (so the contract's order of checks holds), so their schemas,
the required scope, idempotency and the signed-callback headers are found by walking each
route's dependencies; the error responses follow from those, in one place, rather than being
repeated on every route.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from app.api.body import BODY_MODELS
from app.api.deps import REQUIRED_SCOPES
from app.api.idempotency import idempotent_request
from app.automation_runs.schemas import RunOut
from app.callbacks.routes import signed_callback
from app.core.errors import envelope
from app.core.request_context import ID_PATTERN
from app.idempotency.header import MAX_KEY_LENGTH
from app.outbox.events import EVENT_TYPES
from app.reports.schemas import ReportOut
from schema.app import GRAPHQL_PATH

SECURITY_SCHEME = "apiKey"
ERROR_SCHEMA = "ErrorEnvelope"
_ID = ID_PATTERN.pattern
# Sent: any value is taken; the server replaces one that does not match the pattern.
_ID_HEADERS_SENT = {
    "X-Request-Id": f"The request id, used when it matches `{_ID}`; any other value (empty "
    "included) is replaced by a generated id.",
    "X-Correlation-Id": "A tracing id, carried into every log line, event, job and outbound "
    f"call the request causes; used when it matches `{_ID}`, else replaced by the request id "
    "(its default).",
}
# Answered: always a value that matches the pattern.
_ID_HEADERS_ANSWERED = {
    "X-Request-Id": "The request id: the client's, or a generated one.",
    "X-Correlation-Id": "The correlation id: the client's, or the request id.",
}
# What app/idempotency/header.py accepts: 1 to 255 printable ASCII characters, bare (not
# starting with a quote; HTTP drops whitespace around a field value) or as an RFC 8941 string
# (quoted, `"` and `\` escaped by a backslash).
IDEMPOTENCY_KEY_PATTERN = (
    r"^(?:[\x21\x23-\x7e](?:[\x20-\x7e]{0,253}[\x21-\x7e])?"
    r'|"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\]){1,255}")$'
)
_RATE_LIMIT_HEADERS = {
    "RateLimit-Policy": 'The group\'s quota, e.g. "write";q=120;w=60.',
    "RateLimit": 'What is left, e.g. "write";r=57;t=23 (t: seconds until restored).',
}
_ERRORS: dict[int, tuple[str, str]] = {
    400: (
        "invalid_json / invalid_idempotency_key",
        "The body is not JSON, or the Idempotency-Key header is malformed.",
    ),
    401: ("unauthenticated", "Missing, malformed, unknown, revoked or expired API key."),
    403: (
        "tenant_forbidden / insufficient_scope",
        "The key belongs to another tenant, or lacks the scope (details.requiredScope).",
    ),
    404: ("not_found", "No such resource for this tenant."),
    409: (
        "conflict / idempotency_key_in_progress",
        "A uniqueness conflict or a state that "
        "does not allow it; or the same Idempotency-Key is still executing (Retry-After).",
    ),
    413: ("payload_too_large", "The body is larger than MAX_BODY_BYTES."),
    415: ("unsupported_media_type", "The body is not application/json."),
    422: (
        "validation_error / idempotency_key_reused",
        "Body, path or query fail validation "
        "(details lists each problem); or the Idempotency-Key was used with another request.",
    ),
    429: (
        "rate_limited",
        "The tenant's quota for this route group is used up, or this "
        "address has failed authentication too often.",
    ),
    500: ("internal_error", "An unexpected error; nothing is leaked."),
    503: (
        "service_unavailable / overloaded",
        "A dependency (the database; Redis for callbacks) is down, or the process is shedding "
        "load (no database connection came free within its short wait). Both have Retry-After.",
    ),
}
# What the schemas cannot say (CONTRACT.md §1).
_BODY_RULES = (
    "UTF-8 JSON, nested at most 64 levels deep. No text in it, keys included, may contain "
    "U+0000 (NUL); such a body is a 422."
)
# One example for each request body, by model name.
_BODY_EXAMPLES: dict[str, Any] = {
    "ReportBatchIn": {
        "reports": [
            {
                "slug": "q3-revenue",
                "title": "Q3 revenue",
                "summary": "Revenue grew 12 %.",
                "content": {"sections": [{"heading": "Overview", "body": "..."}]},
                "publishedAt": "2026-11-24T10:00:00.000Z",
            },
            {"slug": "q4-plan", "title": "Q4 plan"},
        ]
    },
    "CreateRunIn": {
        "flowId": "sync_crm",
        "input": {"customerId": "c_42"},
        "correlationId": "order-1234",
        "provider": "activepieces",
    },
    "CallbackIn": {
        "correlationId": "order-1234",
        "status": "succeeded",
        "output": {"invoiceId": "inv_9"},
        "providerRunId": "ap_run_8f3k",
    },
    "EndpointIn": {
        "url": "https://example.com/hooks/aetherflow",
        "eventTypes": ["report.published", "automation_run.failed"],
        "description": "CRM sync",
    },
    "EndpointPatchIn": {"enabled": False},
    "NoInput": {},
}
_CALLBACK_ERRORS = {
    401: (
        "invalid_signature",
        "Missing or invalid signature, or a timestamp more than 300 s from now.",
    ),
    409: (
        "webhook_replayed / run_already_completed",
        "This webhook-id was already processed, or the run is terminal.",
    ),
}


def _retry_after() -> dict[str, Any]:
    """Every 429 and 503 has it (CONTRACT.md §1); so does a 409 for a key still in progress."""
    return {
        "description": "Seconds to wait before retrying.",
        "schema": {"type": "integer", "minimum": 1},
    }


def install_openapi(app: FastAPI, routers: Sequence[APIRouter]) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = FastAPI.openapi(app)
            complete(spec, list(_routes(routers)))
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _routes(routers: Sequence[APIRouter]) -> Iterator[APIRoute]:
    for router in routers:
        yield from (route for route in router.routes if isinstance(route, APIRoute))


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for dependency in dependant.dependencies:
        if dependency.call is not None:
            yield dependency.call
        yield from _calls(dependency)


def complete(spec: dict[str, Any], routes: Sequence[APIRoute]) -> None:
    """Add security, request bodies, headers, error responses and webhooks to `spec`."""
    components = spec.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas[ERROR_SCHEMA] = _error_schema()
    components["securitySchemes"] = {
        SECURITY_SCHEME: {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key `afk_<prefix>_<secret>`; each operation names the scope "
            "it needs.",
        }
    }
    body_models: list[type[BaseModel]] = []
    for route in routes:
        calls = list(_calls(route.dependant))
        for method in route.methods or ():
            operation = spec["paths"][route.path][method.lower()]
            body_models += _document(operation, calls)
    _add_models(schemas, [*body_models, ReportOut, RunOut])
    if GRAPHQL_PATH in spec["paths"]:
        _graphql(spec["paths"][GRAPHQL_PATH])
    for path_item in spec["paths"].values():
        for operation in path_item.values():
            _common(operation)
            _describe_cursor(operation)
    spec["webhooks"] = _outbound_webhooks()


def _document(operation: dict[str, Any], calls: list[Callable[..., Any]]) -> list[type[BaseModel]]:
    statuses = {500}
    models: list[type[BaseModel]] = []
    scope = next((REQUIRED_SCOPES[c] for c in calls if c in REQUIRED_SCOPES), None)
    if scope is not None:
        operation["security"] = [{SECURITY_SCHEME: [scope]}]
        operation["description"] = (
            f"{operation.get('description', '')}\n\nRequires the scope `{scope}`."
        ).strip()
        statuses |= {401, 403, 422, 429, 503}
    body = next((BODY_MODELS[c] for c in calls if c in BODY_MODELS), None)
    if body is not None:
        model, optional = body
        models.append(model)
        media: dict[str, Any] = {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}
        if model.__name__ in _BODY_EXAMPLES:
            media["example"] = _BODY_EXAMPLES[model.__name__]
        operation["requestBody"] = {
            "required": not optional,
            "description": _BODY_RULES,
            "content": {"application/json": media},
        }
        statuses |= {400, 413, 415, 422}
    if idempotent_request in calls:
        operation.setdefault("parameters", []).append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "description": "1 to 255 printable ASCII characters, bare (`abc-123`) or as an "
                'RFC 8941 string (`"abc-123"`; the quotes are not part of the key, and `"` and '
                "`\\` inside are escaped with a backslash). A repeat returns the stored "
                "response with `Idempotent-Replayed: true`.",
                "schema": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 2 + 2 * MAX_KEY_LENGTH,
                    "pattern": IDEMPOTENCY_KEY_PATTERN,
                },
            }
        )
        statuses |= {400, 409, 422}
    errors = dict(_ERRORS)
    if signed_callback in calls:
        errors.update(_CALLBACK_ERRORS)
        for name in ("webhook-id", "webhook-timestamp", "webhook-signature"):
            operation.setdefault("parameters", []).append(
                {
                    "name": name,
                    "in": "header",
                    "required": True,
                    "schema": {"type": "string"},
                    "description": "Standard Webhooks signature header.",
                }
            )
        statuses |= {400, 401, 404, 409, 413, 415, 422, 429, 503}
    if any(
        p.get("in") == "path" and p["name"] != "tenantId" for p in operation.get("parameters", [])
    ):
        statuses.add(404)
    responses = operation.setdefault("responses", {})
    responses.pop("422", None)
    for status in sorted(statuses):
        code, text = errors[status]
        responses.setdefault(
            str(status),
            {
                "description": f"`{code}`: {text}",
                "content": {
                    "application/json": {
                        "schema": {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"},
                        "example": envelope(code.split(" / ")[0], text, None, "req-1"),
                    }
                },
            },
        )
    _response_headers(operation, scope=scope, idempotent=idempotent_request in calls)
    return models


def _graphql(path_item: dict[str, Any]) -> None:
    """The GraphQL endpoint: a GraphQL response, or GraphiQL's page outside production."""
    result = {
        "type": "object",
        "properties": {
            "data": {"type": ["object", "null"]},
            "errors": {"type": "array", "items": {"type": "object"}},
            "extensions": {"type": "object"},
        },
    }
    refusal = {"application/json": {"schema": result}}
    responses = {
        "200": {
            "description": "A GraphQL result (errors carry extensions.code and requestId); on a "
            "GET without a query outside production, the GraphiQL page.",
            "content": {"application/json": {"schema": result}, "text/html": {"schema": {}}},
        },
        "400": {"description": "`invalid_json`: the body is not JSON.", "content": refusal},
        "401": {"description": "`unauthenticated`", "content": refusal},
        "403": {"description": "`tenant_forbidden`", "content": refusal},
        "404": {
            "description": "`not_found`: a GET without a query where GraphiQL is off.",
            "content": refusal,
        },
        "405": {
            "description": "`method_not_allowed`: a mutation over GET, or another method "
            "(`Allow: GET, POST`).",
            "content": refusal,
        },
        "413": {"description": "`payload_too_large` (checked before the key)", "content": refusal},
        "415": {"description": "`unsupported_media_type`", "content": refusal},
        "422": {
            "description": "`validation_error`: JSON that is not one GraphQL operation (no "
            "query, a batch, `variables` not an object, an `operationName` that names no "
            "operation of the query, a subscription over HTTP).",
            "content": refusal,
        },
        "429": {"description": "`rate_limited`", "content": refusal},
        "500": {"description": "`internal_error`", "content": {"application/json": {"schema": {}}}},
        "503": {
            "description": f"`{_ERRORS[503][0]}`: {_ERRORS[503][1]} In `errors[].extensions."
            "code`; the whole response is a 503 when any error of it is one.",
            "content": refusal,
        },
    }
    for method, operation in path_item.items():
        operation["summary"] = "GraphQL" + (" (queries)" if method == "get" else "")
        operation["description"] = "See docs/GRAPHQL.md and docs/schema.graphql."
        operation["security"] = [{SECURITY_SCHEME: []}]
        operation["responses"] = responses
        if method == "post":
            operation["requestBody"] = {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["query"],
                            "properties": {
                                "query": {"type": "string", "minLength": 1},
                                "variables": {"type": ["object", "null"]},
                                "operationName": {
                                    "type": ["string", "null"],
                                    "description": "The operation of `query` to run; one "
                                    "that names none is a 422.",
                                },
                            },
                        },
                        "example": {"query": "{ latestReport { slug title publishedAt } }"},
                    }
                },
            }


def _response_headers(operation: dict[str, Any], *, scope: str | None, idempotent: bool) -> None:
    if scope is None:
        return
    for status, response in operation["responses"].items():
        headers = response.setdefault("headers", {})
        for name, text in _RATE_LIMIT_HEADERS.items():
            headers[name] = {"description": text, "schema": {"type": "string"}}
        if status == "409":
            headers["Retry-After"] = _retry_after()
        if idempotent and status.startswith("2"):
            headers["Idempotent-Replayed"] = {
                "description": "`true` when this is the stored response of an earlier "
                "request with the same Idempotency-Key.",
                "schema": {"type": "string", "enum": ["true"]},
            }
        if status in {"201", "202"} and operation["operationId"].startswith("create_"):
            headers["Location"] = {
                "description": "The created resource, under the tenant's UUID.",
                "schema": {"type": "string"},
            }


def _common(operation: dict[str, Any]) -> None:
    parameters = operation.setdefault("parameters", [])
    for name, text in _ID_HEADERS_SENT.items():
        parameters.append(
            {
                "name": name,
                "in": "header",
                "required": False,
                "description": text,
                "schema": {"type": "string"},
            }
        )
    for status, response in operation.get("responses", {}).items():
        headers = response.setdefault("headers", {})
        for name, text in _ID_HEADERS_ANSWERED.items():
            headers[name] = {"description": text, "schema": {"type": "string", "pattern": _ID}}
        if status in {"429", "503"}:
            headers["Retry-After"] = _retry_after()


def _describe_cursor(operation: dict[str, Any]) -> None:
    for parameter in operation["parameters"]:
        if parameter["in"] == "query" and parameter["name"] == "cursor":
            parameter["description"] = (
                "The previous page's `nextCursor`; absent or empty for the first page."
            )


def _add_models(schemas: dict[str, Any], models: list[type[BaseModel]]) -> None:
    unique = list(dict.fromkeys(models))
    _, definitions = models_json_schema(
        [(model, "validation") for model in unique], ref_template="#/components/schemas/{model}"
    )
    for name, schema in definitions.get("$defs", {}).items():
        schemas.setdefault(name, schema)


def _error_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message", "details", "requestId"],
                "properties": {
                    "code": {"type": "string", "description": "A code of CONTRACT §1."},
                    "message": {"type": "string"},
                    "details": {
                        "anyOf": [
                            {"type": "null"},
                            {"type": "object"},
                            {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "properties": {
                                        "path": {"type": "string"},
                                        "message": {"type": "string"},
                                    },
                                },
                            },
                        ]
                    },
                    "requestId": {"type": ["string", "null"]},
                },
            }
        },
    }


def _outbound_webhooks() -> dict[str, Any]:
    """The events AetherFlow POSTs to webhook endpoints (Standard Webhooks)."""
    signed_headers = [
        {
            "name": "webhook-id",
            "in": "header",
            "required": True,
            "schema": {"type": "string"},
            "description": "The event id: the same on every attempt and for every endpoint.",
        },
        {
            "name": "webhook-timestamp",
            "in": "header",
            "required": True,
            "schema": {"type": "string"},
            "description": "Unix seconds of this attempt.",
        },
        {
            "name": "webhook-signature",
            "in": "header",
            "required": True,
            "schema": {"type": "string"},
            "description": "Space-separated `v1,<base64 HMAC-SHA256>` over "
            "`{webhook-id}.{webhook-timestamp}.{body}`; two entries during a secret rotation.",
        },
        {
            "name": "x-correlation-id",
            "in": "header",
            "required": True,
            "schema": {"type": "string"},
        },
    ]
    hooks: dict[str, Any] = {}
    for event_type in EVENT_TYPES:
        resource = "ReportOut" if event_type.startswith("report.") else "RunOut"
        hooks[event_type] = {
            "post": {
                "summary": f"The `{event_type}` event",
                "parameters": signed_headers,
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["type", "timestamp", "data"],
                                "properties": {
                                    "type": {"type": "string", "const": event_type},
                                    "timestamp": {"type": "string", "format": "date-time"},
                                    "data": {"$ref": f"#/components/schemas/{resource}"},
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "2XX": {"description": "Delivered."},
                    "default": {"description": "Retried (408, 429, 5xx, timeouts) or dead."},
                },
            }
        }
    return hooks
