"""The first body checks of both faces, in the contract's order: size before authentication,
then the media type."""

from __future__ import annotations

from starlette.requests import HTTPConnection, Request

from app.core.errors import PayloadTooLarge

_BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


async def read_body_within_limit(request: HTTPConnection) -> None:
    """Read the body before authentication, so an oversized one is a 413 first.

    A declared Content-Length is checked up front; a chunked body is counted while it is read
    (the request-context middleware raises once the limit is passed).
    """
    if not isinstance(request, Request) or request.method not in _BODY_METHODS:
        return
    limit: int = request.app.state.runtime.settings.max_body_bytes
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge
    await request.body()


def is_json_content_type(content_type: str | None) -> bool:
    """`application/json`, with no parameter but an optional `charset=utf-8` (JSON is UTF-8).

    Other JSON-based types (`application/merge-patch+json`, ...) have other semantics, and other
    charsets other bytes: both are refused with 415.
    """
    media_type, *parameters = (content_type or "").split(";")
    if media_type.strip().lower() != "application/json":
        return False
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() != "charset" or value.strip().strip('"').lower() != "utf-8":
            return False
    return True
