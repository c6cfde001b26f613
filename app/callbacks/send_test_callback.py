"""Send a correctly signed callback, as ActivePieces would: check a deployment from a shell.

    ACTIVEPIECES_WEBHOOK_SECRET=whsec_... python -m app.callbacks.send_test_callback \\
        --url https://api.example.com/v1/tenants/<tenant>/webhooks/activepieces \\
        --run-id <run id> --correlation-id <run correlationId> \\
        --status succeeded --output '{"ok": true}'

Prints the HTTP status and the response body; exits 0 on a 2xx, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any, get_args

import httpx

from app.automation_runs.schemas import CallbackStatus
from app.webhooks.signing import signed_headers


def _json_object(text: str) -> dict[str, Any]:
    value = json.loads(text)
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError("must be a JSON object")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--url", required=True, help="the deployment's callback URL")
    parser.add_argument("--run-id", help="the run id (binds the callback to that run)")
    parser.add_argument("--correlation-id", required=True)
    parser.add_argument("--status", required=True, choices=get_args(CallbackStatus))
    parser.add_argument("--output", type=_json_object)
    parser.add_argument("--error", type=_json_object)
    parser.add_argument("--provider-run-id")
    args = parser.parse_args(argv)
    secret = os.environ.get("ACTIVEPIECES_WEBHOOK_SECRET", "").split(",")[0].strip()
    if not secret.startswith("whsec_"):
        print("set ACTIVEPIECES_WEBHOOK_SECRET to the whsec_ secret", file=sys.stderr)  # noqa: T201
        return 2
    callback: dict[str, Any] = {"correlationId": args.correlation_id, "status": args.status}
    for field, value in (
        ("runId", args.run_id),
        ("output", args.output),
        ("error", args.error),
        ("providerRunId", args.provider_run_id),
    ):
        if value is not None:
            callback[field] = value
    body = json.dumps(callback)
    response = httpx.post(args.url, content=body, headers=signed_headers(secret, body), timeout=15)
    print(response.status_code, response.text)  # noqa: T201
    return 0 if response.is_success else 1


if __name__ == "__main__":
    sys.exit(main())
