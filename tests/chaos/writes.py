"""The write every scenario sends: one new report per POST, which emits one `report.created`."""

from __future__ import annotations

import json

from tests.chaos.load import Outcome, Request
from tests.chaos.stack import Tenant

JSON = "application/json"


def report_write(tenant: Tenant, slug: str, *, idempotency_key: str | None = None) -> Request:
    headers = {**tenant.headers, "Content-Type": JSON, "X-Request-Id": f"chaos-{slug}"}
    if idempotency_key is not None:
        headers["Idempotency-Key"] = idempotency_key
    body = json.dumps({"reports": [{"slug": slug, "title": f"Chaos {slug}"}]}).encode()
    return Request("POST", f"/v1/tenants/{tenant.id}/reports", headers, body)


def created_report_id(outcome: Outcome) -> str | None:
    """The id of the report a 200 answer says it created (so one `report.created` event)."""
    if outcome.status != 200:
        return None
    [item] = json.loads(outcome.body)["data"]
    return str(item["report"]["id"]) if item["result"] == "created" else None


def error_code(outcome: Outcome) -> str | None:
    """The envelope's `error.code` of a non-2xx answer, if it has one."""
    try:
        document = json.loads(outcome.body)
    except ValueError:
        return None
    if isinstance(document, dict) and isinstance(document.get("error"), dict):
        code = document["error"].get("code")
        return str(code) if code is not None else None
    return None


def delivered_report_id(body: bytes) -> str | None:
    """The report a webhook delivery is about (`data.id` of its body)."""
    try:
        document = json.loads(body)
    except ValueError:
        return None
    data = document.get("data") if isinstance(document, dict) else None
    return str(data["id"]) if isinstance(data, dict) and "id" in data else None
