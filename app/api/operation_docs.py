"""What a route or dependency adds to its OpenAPI operation beyond what FastAPI reads.

Bodies, signatures and idempotency keys are read from the raw request (so the contract's
order of checks holds), and errors are raised, not returned: FastAPI sees none of them. Each
route or dependency that does such things carries an `OperationDoc` (`@documented(...)`, or an
`openapi_doc` attribute on a callable class); app/api/openapi.py writes it into the operation
of every route that uses it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel

from app.core.errors import AppError
from app.core.request_context import ID_PATTERN
from app.idempotency.header import MAX_KEY_LENGTH

DOC_ATTRIBUTE = "openapi_doc"
Call = TypeVar("Call", bound=Callable[..., Any])


@dataclass(frozen=True, eq=False)
class OperationDoc:
    raises: tuple[type[AppError], ...] = ()
    # Request headers read from the raw request, as OpenAPI parameters.
    parameters: tuple[dict[str, Any], ...] = ()
    request_body: type[BaseModel] | None = None
    body_required: bool = True
    # Names in RESPONSE_HEADERS: set on every response, or on the 2xx ones only.
    headers: tuple[str, ...] = ()
    success_headers: tuple[str, ...] = ()


def documented(
    *,
    raises: tuple[type[AppError], ...] = (),
    parameters: tuple[dict[str, Any], ...] = (),
    success_headers: tuple[str, ...] = (),
) -> Callable[[Call], Call]:
    """Attach an OperationDoc to a route function or a dependency function."""
    doc = OperationDoc(raises=raises, parameters=parameters, success_headers=success_headers)

    def attach(call: Call) -> Call:
        setattr(call, DOC_ATTRIBUTE, doc)
        return call

    return attach


def doc_of(call: object) -> OperationDoc | None:
    doc = getattr(call, DOC_ATTRIBUTE, None)
    return doc if isinstance(doc, OperationDoc) else None


def explain(error: type[AppError]) -> str:
    """When `error` is answered: its class's docstring."""
    if error is AppError:
        return "An unexpected error; nothing is leaked."
    return " ".join((error.__doc__ or error.message).split())


def describe(errors: list[type[AppError]]) -> str:
    return " ".join(f"`{error.code}`: {explain(error)}" for error in errors)


_ID = ID_PATTERN.pattern
RATE_LIMIT_HEADERS = ("RateLimit-Policy", "RateLimit")
RETRY_AFTER = "Retry-After"
REQUEST_ID_HEADERS = ("X-Request-Id", "X-Correlation-Id")
# Shared by the responses (components/headers). Answered ids always match the pattern.
RESPONSE_HEADERS: dict[str, dict[str, Any]] = {
    "X-Request-Id": {
        "description": "The request id: the client's, or a generated one.",
        "schema": {"type": "string", "pattern": _ID},
    },
    "X-Correlation-Id": {
        "description": "The correlation id: the client's, or the request id.",
        "schema": {"type": "string", "pattern": _ID},
    },
    "RateLimit-Policy": {
        "description": 'The group\'s quota, e.g. "write";q=120;w=60.',
        "schema": {"type": "string"},
    },
    "RateLimit": {
        "description": 'What is left, e.g. "write";r=57;t=23 (t: seconds until restored).',
        "schema": {"type": "string"},
    },
    RETRY_AFTER: {
        "description": "Seconds to wait before retrying.",
        "schema": {"type": "integer", "minimum": 1},
    },
    "Idempotent-Replayed": {
        "description": "`true` when this is the stored response of an earlier request with the "
        "same Idempotency-Key.",
        "schema": {"type": "string", "enum": ["true"]},
    },
    "Location": {
        "description": "The created resource, under the tenant's UUID.",
        "schema": {"type": "string"},
    },
    "Cache-Control": {
        "description": "How long a shared cache may keep a public document (it changes only "
        "with a deploy).",
        "schema": {"type": "string"},
    },
    "ETag": {
        "description": "The document's version: send it as `If-None-Match` to get a 304 "
        "while it is unchanged.",
        "schema": {"type": "string"},
    },
}


def _header(name: str, description: str, *, required: bool = False) -> dict[str, Any]:
    return {
        "name": name,
        "in": "header",
        "required": required,
        "description": description,
        "schema": {"type": "string"},
    }


# Sent: any value is taken; the server replaces one that does not match the pattern.
REQUEST_ID_PARAMETERS = (
    _header(
        "X-Request-Id",
        f"The request id, used when it matches `{_ID}`; any other value (empty included) is "
        "replaced by a generated id.",
    ),
    _header(
        "X-Correlation-Id",
        "A tracing id, carried into every log line, event, job and outbound call the request "
        f"causes; used when it matches `{_ID}`, else replaced by the request id (its default).",
    ),
)
# What app/idempotency/header.py accepts: 1 to 255 printable ASCII characters, bare (not
# starting with a quote; HTTP drops whitespace around a field value) or as an RFC 8941 string
# (quoted, `"` and `\` escaped by a backslash).
IDEMPOTENCY_KEY_PATTERN = (
    r"^(?:[\x21\x23-\x7e](?:[\x20-\x7e]{0,253}[\x21-\x7e])?"
    r'|"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\]){1,255}")$'
)
IDEMPOTENCY_KEY = _header(
    "Idempotency-Key",
    "1 to 255 printable ASCII characters, bare (`abc-123`) or as an RFC 8941 string "
    '(`"abc-123"`; the quotes are not part of the key, and `"` and `\\` inside are escaped '
    "with a backslash). A repeat returns the stored response with `Idempotent-Replayed: true`.",
) | {
    "schema": {
        "type": "string",
        "minLength": 1,
        "maxLength": 2 + 2 * MAX_KEY_LENGTH,
        "pattern": IDEMPOTENCY_KEY_PATTERN,
    }
}
SIGNATURE_HEADERS = tuple(
    _header(name, "Standard Webhooks signature header.", required=True)
    for name in ("webhook-id", "webhook-timestamp", "webhook-signature")
)
