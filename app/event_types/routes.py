"""`GET /v1/event-types` (CONTRACT.md §14): the event-type catalog; public, no tenant, no key."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.api.operation_docs import documented
from app.event_types.catalog import catalog_document
from app.event_types.schemas import EventTypeCatalogOut
from app.http.paths import EVENT_TYPES_PATH

router = APIRouter(tags=["webhooks"])

# The catalog changes only with a deploy: caches may keep it an hour, then revalidate it by
# its ETag (a hash of its content), so a deploy that changes it shows within the hour.
CATALOG_CACHE_CONTROL = "public, max-age=3600"


@router.get(
    EVENT_TYPES_PATH,
    response_model=EventTypeCatalogOut,
    responses={
        304: {
            "description": "Not modified: `If-None-Match` names the current ETag.",
            "headers": {
                name: {"$ref": f"#/components/headers/{name}"} for name in ("Cache-Control", "ETag")
            },
        }
    },
)
@documented(success_headers=("Cache-Control", "ETag"))
async def list_event_types(request: Request) -> Response:
    """Every event type AetherFlow sends, with what it means and the JSON Schema (2020-12) of
    its `data`. No API key needed; cacheable (`ETag`, `If-None-Match`)."""
    document = catalog_document()
    headers = {"Cache-Control": CATALOG_CACHE_CONTROL, "ETag": document.etag}
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None and _names_etag(if_none_match, document.etag):
        return Response(status_code=304, headers=headers)
    return Response(document.body, media_type="application/json", headers=headers)


def _names_etag(if_none_match: str, etag: str) -> bool:
    """RFC 9110 weak comparison of each tag in an If-None-Match field (or `*`)."""
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in tags or etag in tags
