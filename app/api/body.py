"""Request bodies in the contract's order: size first, then (after auth) type, JSON, schema."""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel

from app.api.operation_docs import OperationDoc
from app.core.errors import InvalidJson, PayloadTooLarge, UnsupportedMediaType, ValidationFailed
from app.core.json_input import PARSED_JSON_CONTEXT, JsonTooDeep, read_json
from app.http.request_body import is_json_content_type
from app.http.validation import TOO_DEEP, json_texts_storable, validate

Model = TypeVar("Model", bound=BaseModel)


class _NoBody:
    """The request had no body at all (distinct from a JSON `null`)."""


NO_BODY = _NoBody()


async def json_payload(request: Request) -> Any:
    """The body parsed as JSON; `NO_BODY` when there is no body at all, `TOO_DEEP` for JSON
    nested deeper than the parser goes."""
    body = await request.body()
    if not body:
        return NO_BODY
    if not is_json_content_type(request.headers.get("content-type")):
        raise UnsupportedMediaType
    try:
        parsed = read_json(body)
    except JsonTooDeep:
        return TOO_DEEP
    except ValueError:
        raise InvalidJson from None
    # What the parser found of the depth, for validation (`JsonBody`): the same request.
    request.state.json_within_depth = parsed.within_depth
    return parsed.value


JsonPayload = Annotated[Any, Depends(json_payload)]


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

    async def __call__(self, request: Request, payload: JsonPayload) -> Model:
        if payload is NO_BODY:
            if not self.optional:
                raise InvalidJson("A JSON request body is required.")
            payload = {}
        return validate(
            self.model,
            payload,
            texts_storable=json_texts_storable(await request.body()),
            within_depth=getattr(request.state, "json_within_depth", False),
            context=PARSED_JSON_CONTEXT,
        )


def json_body(model: type[Model]) -> JsonBody[Model]:
    return JsonBody(model)


def optional_json_body(model: type[Model]) -> JsonBody[Model]:
    """Like `json_body`, for POSTs that take no input: an empty body means `{}`."""
    return JsonBody(model, optional=True)
