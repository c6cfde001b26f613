"""What the bench writes: tenants with full-scope keys, and reports of about 1 KB of content."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from tests.benchmarks.processes import SCOPES, Processes

WORDS = [
    "latency",
    "throughput",
    "tenant",
    "webhook",
    "outbox",
    "cursor",
    "keyset",
    "pool",
    "index",
    "replica",
    "commit",
    "batch",
    "stream",
    "worker",
    "signature",
]
BATCH = 500
READ_TENANTS = 10
REPORTS_PER_TENANT = 1000
EPOCH = 1767225600  # 2026-01-01T00:00:00Z


@dataclass(frozen=True)
class Tenant:
    id: str
    key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.key}", "content-type": "application/json"}


def content(index: int, rev: int = 0) -> dict[str, Any]:
    """A deterministic report body of about 1 KB when serialised."""
    body = " ".join(WORDS[(index * 7 + k + rev) % len(WORDS)] for k in range(80))
    return {
        "body": body,
        "sections": [
            {"heading": f"Section {k}", "text": body[k * 40 : k * 40 + 60]} for k in range(4)
        ],
        "tags": [WORDS[(index + k) % len(WORDS)] for k in range(5)],
        "metrics": {"views": index * 13 % 997, "score": (index % 100) / 10, "rev": rev},
    }


def report(
    index: int, rev: int = 0, *, prefix: str = "report", published: bool | None = None
) -> dict[str, Any]:
    """One report of the API's batch body: published (True), a draft (False), or by default
    published except one in ten."""
    draft = index % 10 == 9 if published is None else not published
    moment = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(EPOCH + 60 * index))
    return {
        "slug": f"{prefix}-{index}",
        "title": f"Report number {index} rev {rev}",
        "summary": f"Summary of report {index}",
        "content": content(index, rev),
        "publishedAt": None if draft else moment,
    }


def batch_body(items: list[dict[str, Any]]) -> bytes:
    return orjson.dumps({"reports": items})


def create_tenants(processes: Processes, database: str, slugs: list[str]) -> list[Tenant]:
    """Tenants and full-scope keys, made with `aetherflow tenants create` and `keys create`."""
    tenants = []
    for slug in slugs:
        tenant = processes.cli(database, "tenants", "create", "--slug", slug, "--name", slug)
        key = processes.cli(
            database,
            "keys",
            "create",
            "--tenant",
            tenant["id"],
            "--name",
            "bench",
            "--scopes",
            SCOPES,
        )
        tenants.append(Tenant(tenant["id"], key["key"]))
    return tenants


def post_reports(
    http: httpx.Client,
    tenant: Tenant,
    count: int,
    *,
    prefix: str = "report",
    published: bool = True,
) -> None:
    """`count` reports for `tenant`, POSTed in batches of BATCH."""
    for start in range(0, count, BATCH):
        items = [
            report(i, prefix=prefix, published=published)
            for i in range(start, min(count, start + BATCH))
        ]
        response = http.post(
            f"/v1/tenants/{tenant.id}/reports", content=batch_body(items), headers=tenant.headers
        )
        if response.status_code != 200:
            raise RuntimeError(
                f"writing reports answered {response.status_code}: {response.text[:300]}"
            )


def seed_reports(base_url: str, tenants: list[Tenant]) -> None:
    """REPORTS_PER_TENANT reports for each tenant."""
    with httpx.Client(base_url=base_url, timeout=120) as http:
        for tenant in tenants:
            post_reports(http, tenant, REPORTS_PER_TENANT)
