"""Domain errors: services raise them, the HTTP and GraphQL faces render them once."""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    """An error with a contract code (CONTRACT.md §1) and an HTTP status."""

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
    code, status, message = "invalid_json", 400, "The request body is not valid JSON."


class InvalidIdempotencyKey(AppError):
    code, status = "invalid_idempotency_key", 400
    message = "Idempotency-Key must be 1 to 255 printable ASCII characters."


class Unauthenticated(AppError):
    code, status = "unauthenticated", 401
    message = "A valid API key is required."


class InvalidSignature(AppError):
    code, status = "invalid_signature", 401
    message = "The webhook signature is missing, invalid or outside the time window."


class TenantForbidden(AppError):
    code, status = "tenant_forbidden", 403
    message = "This API key does not belong to that tenant."


class InsufficientScope(AppError):
    code, status = "insufficient_scope", 403

    def __init__(self, required_scope: str) -> None:
        super().__init__(
            f"This API key lacks the scope {required_scope}.",
            details={"requiredScope": required_scope},
        )


class NotFound(AppError):
    code, status = "not_found", 404

    def __init__(self, what: str = "resource") -> None:
        super().__init__(f"No such {what}.")


class MethodNotAllowed(AppError):
    code, status, message = "method_not_allowed", 405, "This method is not allowed here."


class IdempotencyKeyInProgress(AppError):
    code, status = "idempotency_key_in_progress", 409
    message = "A request with this Idempotency-Key is still being processed."

    def __init__(self) -> None:
        super().__init__(headers={"Retry-After": "1"})


class Conflict(AppError):
    code, status, message = "conflict", 409, "The request conflicts with the current state."


class WebhookReplayed(AppError):
    code, status = "webhook_replayed", 409
    message = "This webhook-id was already processed."


class RunAlreadyCompleted(AppError):
    code, status = "run_already_completed", 409
    message = "The automation run is already in a terminal state."


class PayloadTooLarge(AppError):
    code, status, message = "payload_too_large", 413, "The request body is too large."


class UnsupportedMediaType(AppError):
    code, status = "unsupported_media_type", 415
    message = "The request body must be application/json."


class ValidationFailed(AppError):
    code, status, message = "validation_error", 422, "The request is not valid."


class IdempotencyKeyReused(AppError):
    code, status = "idempotency_key_reused", 422
    message = "This Idempotency-Key was used with a different request."


class RateLimited(AppError):
    code, status, message = "rate_limited", 429, "Too many requests."


class ServiceUnavailable(AppError):
    code, status = "service_unavailable", 503
    message = "A dependency is unavailable; retry shortly."

    def __init__(self, message: str | None = None, *, retry_after: int = 5) -> None:
        super().__init__(message, headers={"Retry-After": str(retry_after)})


class Overloaded(AppError):
    """The process sheds load: no database connection became free within its short wait."""

    code, status = "overloaded", 503
    message = "The server is busy; retry shortly."

    def __init__(self) -> None:
        super().__init__(headers={"Retry-After": "1"})


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
