"""The delivery baseline: Standard-Webhooks-signed 1 KB POSTs from one `httpx.AsyncClient`
with 5 requests in flight (its pool of 5), to the bench's sink, for a fixed time."""

from __future__ import annotations

import asyncio
import base64
import hmac
import time
import uuid

import httpx
import orjson

from tests.benchmarks.workload import report

IN_FLIGHT = 5
SECRET = base64.b64decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")


def signed(url_path: str) -> tuple[dict[str, str], bytes]:
    message_id, timestamp = f"msg_{uuid.uuid4().hex}", int(time.time())
    data = {"id": str(uuid.uuid4()), **report(1, prefix=url_path.strip("/"))}
    body = orjson.dumps(
        {"type": "report.created", "timestamp": "2026-06-01T00:00:00Z", "data": data}
    )
    digest = hmac.digest(SECRET, f"{message_id}.{timestamp}.".encode() + body, "sha256")
    headers = {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": "v1," + base64.b64encode(digest).decode(),
    }
    return headers, body


async def deliveries_per_second(sink_port: int, seconds: float) -> tuple[float, int]:
    """Deliveries per second, and how many were made."""
    url = f"http://127.0.0.1:{sink_port}/floor"
    limits = httpx.Limits(max_connections=IN_FLIGHT, max_keepalive_connections=IN_FLIGHT)
    done = 0
    async with httpx.AsyncClient(limits=limits, timeout=10) as client:
        started = time.perf_counter()
        deadline = started + seconds

        async def sender() -> None:
            nonlocal done
            while time.perf_counter() < deadline:
                headers, body = signed("/floor")
                response = await client.post(url, content=body, headers=headers)
                if response.status_code != 200:
                    raise RuntimeError(f"the sink answered {response.status_code}")
                done += 1

        await asyncio.gather(*(sender() for _ in range(IN_FLIGHT)))
        return done / (time.perf_counter() - started), done
