"""Request bodies in the contract's order: size first, then (after auth) type, JSON, schema."""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel, ValidationError
from starlette.requests import HTTPConnection

from app.api.errors import validation_details
from app.api.operation_docs import OperationDoc
from app.core.errors import InvalidJson, PayloadTooLarge, UnsupportedMediaType, ValidationFailed
from app.core.json_input import (
    MAX_JSON_DEPTH,
    TOO_DEEP_MESSAGE,
    JsonTooDeep,
    parse_json,
)

Model = TypeVar("Model", bound=BaseModel)
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


class _NoBody:
    """The request had no body at all (distinct from a JSON `null`)."""


NO_BODY = _NoBody()


class _TooDeep:
    """Well-formed JSON nested deeper than the parser goes: refused at the validation step,
    after the checks the contract puts before it (the Idempotency-Key format)."""


TOO_DEEP = _TooDeep()


def too_deep() -> ValidationFailed:
    return ValidationFailed(details=[{"path": "", "message": TOO_DEEP_MESSAGE}])


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


async def _json_payload(request: Request) -> Any:
    """The body parsed as JSON; `NO_BODY` when there is no body at all, `TOO_DEEP` for JSON
    nested deeper than the parser goes."""
    body = await request.body()
    if not body:
        return NO_BODY
    if not is_json_content_type(request.headers.get("content-type")):
        raise UnsupportedMediaType
    try:
        return parse_json(body)
    except JsonTooDeep:
        return TOO_DEEP
    except ValueError:
        raise InvalidJson from None


JsonPayload = Annotated[Any, Depends(_json_payload)]


def validate(model: type[Model], data: Any) -> Model:
    """Validate parsed JSON against an input model; a failure is a 422 listing each problem."""
    if data is TOO_DEEP:
        raise too_deep()
    if (problem := _unstorable(data)) is not None:
        path, message = problem
        raise ValidationFailed(details=[{"path": path, "message": message}])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(details=validation_details(exc.errors())) from None


def _unstorable(node: Any, depth: int = 1) -> tuple[str, str] | None:
    """Where input holds what PostgreSQL cannot store (NUL, unpaired surrogates) or is nested
    deeper than MAX_JSON_DEPTH, and why, if anywhere; the first problem in document order.

    A JSON body had its surrogates checked when it was parsed; a GraphQL document's literals
    had not. The recursion stops at MAX_JSON_DEPTH.
    """
    found = _first_problem(node, depth)
    if found is None:
        return None
    reversed_path, message = found
    # An unpaired surrogate in a key is echoed as "?" by the error renderer (api/errors.py).
    return ".".join(str(key) for key in reversed(reversed_path)), message


def _first_problem(node: Any, depth: int) -> tuple[list[Any], str] | None:
    """The first problem and its path, innermost key first (built only when found)."""
    if isinstance(node, str):
        message = _text_problem(node)
        return ([], message) if message is not None else None
    if isinstance(node, dict):
        pairs: Any = node.items()
    elif isinstance(node, list):
        pairs = enumerate(node)
    else:
        return None
    if depth > MAX_JSON_DEPTH:
        return [], TOO_DEEP_MESSAGE
    for key, child in pairs:
        if isinstance(key, str) and (message := _text_problem(key)) is not None:
            return [key], message
        if (found := _first_problem(child, depth + 1)) is not None:
            found[0].append(key)
            return found
    return None


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return "text must not contain the NUL character"
    try:
        text.encode()
    except UnicodeEncodeError:
        return "text must not contain unpaired surrogates (\\ud800-\\udfff)"
    return None


class JsonBody(Generic[Model]):
    """A dependency giving the body validated by `model`. A missing body is a 400, or `{}`
    when the body is optional (POSTs that take no input)."""

    def __init__(self, model: type[Model], *, optional: bool = False) -> None:
        self.model = model
        self.optional = optional
        self.openapi_doc = OperationDoc(
            # The size is checked first, by `read_body_within_limit`.
            raises=(PayloadTooLarge, UnsupportedMediaType, InvalidJson, ValidationFailed),
            request_body=model,
            body_required=not optional,
        )

    async def __call__(self, payload: JsonPayload) -> Model:
        if payload is NO_BODY:
            if not self.optional:
                raise InvalidJson("A JSON request body is required.")
            payload = {}
        return validate(self.model, payload)


def json_body(model: type[Model]) -> JsonBody[Model]:
    return JsonBody(model)


def optional_json_body(model: type[Model]) -> JsonBody[Model]:
    """Like `json_body`, for POSTs that take no input: an empty body means `{}`."""
    return JsonBody(model, optional=True)
