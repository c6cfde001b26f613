"""Domain errors: services raise them, the HTTP and GraphQL faces render them once."""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    """An error with a contract code (CONTRACT.md §1) and an HTTP status.

    Each subclass's docstring says when it is answered: the OpenAPI document shows it.
    """

    code = "internal_error"
    status = 500
    message = "An internal error occurred."

    def __init__(
        self,
        message: str | None = None,
        *,
        details: list[dict[str, Any]] | dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message or self.message)
        self.message = message or self.message
        self.details = details
        self.headers = headers or {}


class InvalidJson(AppError):
    """The body is not JSON, or there is none where one is required."""

    code, status, message = "invalid_json", 400, "The request body is not valid JSON."


class InvalidIdempotencyKey(AppError):
    """The Idempotency-Key header is malformed."""

    code, status = "invalid_idempotency_key", 400
    message = "Idempotency-Key must be 1 to 255 printable ASCII characters."


class Unauthenticated(AppError):
    """Missing, malformed, unknown, revoked or expired API key."""

    code, status = "unauthenticated", 401
    message = "A valid API key is required."


class InvalidSignature(AppError):
    """Missing or invalid signature, or a timestamp more than 300 s from now."""

    code, status = "invalid_signature", 401
    message = "The webhook signature is missing, invalid or outside the time window."


class TenantForbidden(AppError):
    """The key belongs to another tenant."""

    code, status = "tenant_forbidden", 403
    message = "This API key does not belong to that tenant."


class OriginForbidden(AppError):
    """A session token used from an Origin the token does not allow."""

    code, status = "origin_forbidden", 403
    message = "This token may not be used from this origin."


class InsufficientScope(AppError):
    """The key lacks the scope the operation needs (details.requiredScope)."""

    code, status = "insufficient_scope", 403

    def __init__(self, required_scope: str) -> None:
        super().__init__(
            f"This API key lacks the scope {required_scope}.",
            details={"requiredScope": required_scope},
        )


class NotFound(AppError):
    """No such resource for this tenant."""

    code, status = "not_found", 404

    def __init__(self, what: str = "resource") -> None:
        super().__init__(f"No such {what}.")


class MethodNotAllowed(AppError):
    """The path does not serve this method (`Allow` lists those it does)."""

    code, status, message = "method_not_allowed", 405, "This method is not allowed here."


class IdempotencyKeyInProgress(AppError):
    """A request with the same Idempotency-Key is still executing (Retry-After)."""

    code, status = "idempotency_key_in_progress", 409
    message = "A request with this Idempotency-Key is still being processed."

    def __init__(self) -> None:
        super().__init__(headers={"Retry-After": "1"})


class Conflict(AppError):
    """A uniqueness conflict, or a state that does not allow the change."""

    code, status, message = "conflict", 409, "The request conflicts with the current state."


class WebhookReplayed(AppError):
    """This webhook-id was already processed."""

    code, status = "webhook_replayed", 409
    message = "This webhook-id was already processed."


class RunAlreadyCompleted(AppError):
    """The run is already in a terminal state."""

    code, status = "run_already_completed", 409
    message = "The automation run is already in a terminal state."


class PayloadTooLarge(AppError):
    """The body is larger than MAX_BODY_BYTES."""

    code, status, message = "payload_too_large", 413, "The request body is too large."


class UnsupportedMediaType(AppError):
    """The body is not application/json."""

    code, status = "unsupported_media_type", 415
    message = "The request body must be application/json."


class ValidationFailed(AppError):
    """Body, path or query fail validation (details lists each problem)."""

    code, status, message = "validation_error", 422, "The request is not valid."


class IdempotencyKeyReused(AppError):
    """The Idempotency-Key was used with another request."""

    code, status = "idempotency_key_reused", 422
    message = "This Idempotency-Key was used with a different request."


class RateLimited(AppError):
    """The tenant's quota for this route group is used up, or this address has failed
    authentication too often."""

    code, status, message = "rate_limited", 429, "Too many requests."


class ServiceUnavailable(AppError):
    """A dependency (the database; Redis where it is needed) is down (Retry-After)."""

    code, status = "service_unavailable", 503
    message = "A dependency is unavailable; retry shortly."

    def __init__(self, message: str | None = None, *, retry_after: int = 5) -> None:
        super().__init__(message, headers={"Retry-After": str(retry_after)})


class Overloaded(AppError):
    """The process sheds load: no database connection became free within its short wait
    (Retry-After)."""

    code, status = "overloaded", 503
    message = "The server is busy; retry shortly."

    def __init__(self) -> None:
        super().__init__(headers={"Retry-After": "1"})


class QueryTooExpensive(AppError):
    """A GraphQL document whose cost exceeds GRAPHQL_MAX_COST (extensions.cost.requested)."""

    code, status = "query_too_expensive", 200
    message = "The query costs more points than one request may spend."

    def __init__(self, requested: int, limit: int) -> None:
        super().__init__(
            f"The query costs {requested} points; at most {limit} are allowed.",
            details={"requested": requested, "limit": limit},
        )


class PersistedQueryNotFound(AppError):
    """An Automatic Persisted Queries hash this server does not know, sent without its query."""

    code, status = "PERSISTED_QUERY_NOT_FOUND", 200
    message = "PersistedQueryNotFound"


class PersistedQueryRequired(AppError):
    """With GRAPHQL_TRUSTED_ONLY, a document that is not in the trusted-documents manifest."""

    code, status = "persisted_query_required", 200
    message = "Only trusted documents are accepted; send a persisted query hash."


def envelope(
    code: str,
    message: str,
    details: list[dict[str, Any]] | dict[str, Any] | None,
    request_id: str | None,
) -> dict[str, Any]:
    """The error body of every non-2xx response (CONTRACT.md §1)."""
    return {
        "error": {"code": code, "message": message, "details": details, "requestId": request_id}
    }
