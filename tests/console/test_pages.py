"""Every page of the console, with real data behind it: an accessibility scan (axe-core) with
no serious or critical violation, and, with CONSOLE_SCREENSHOTS set (`make screenshots`), a
screenshot of each into that directory for docs/CONSOLE.md."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page, expect

from tests.console.helpers import WAIT_MS, open_in_app, sign_in
from tests.console.stack import WEB, ConsoleStack, TenantAccess
from tests.receiver import Answer

AXE = WEB / "node_modules" / "axe-core" / "axe.min.js"
# axe-core's impact levels; these two fail the scan.
BLOCKING = frozenset({"serious", "critical"})
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@dataclass(frozen=True)
class Seeded:
    report_slug: str
    run_id: str
    endpoint_id: str
    delivery_id: str


async def seed(stack: ConsoleStack, tenant: TenantAccess) -> Seeded:
    """A report, a sandbox run, an endpoint and its test delivery, all through the REST API."""
    base = f"/v1/tenants/{tenant.slug}"
    async with stack.client(tenant) as api:
        reports = await api.post(
            f"{base}/reports",
            json={
                "reports": [
                    {
                        "slug": "weekly-ops",
                        "title": "Weekly operations",
                        "summary": "Deliveries, runs and incidents of the week.",
                        "content": {"deliveries": 1520, "successRate": 0.998, "incidents": []},
                        "publishedAt": "2026-12-01T09:00:00Z",
                    },
                    {"slug": "q4-plan", "title": "Q4 plan (draft)", "content": {"owner": "ops"}},
                ]
            },
        )
        assert reports.status_code == 200, reports.text
        run = await api.post(
            f"{base}/automation-runs",
            json={"flowId": "nightly-sync", "input": {"region": "eu"}, "provider": "sandbox"},
        )
        assert run.status_code == 202, run.text
        hook = stack.receiver.script("/pages/hooks", Answer(status=200, body=b'{"received": true}'))
        endpoint = await api.post(
            f"{base}/webhook-endpoints",
            json={"url": hook, "description": "Billing receiver"},
        )
        assert endpoint.status_code == 201, endpoint.text
        endpoint_id = endpoint.json()["data"]["id"]
        test = await api.post(f"{base}/webhook-endpoints/{endpoint_id}/test")
        assert test.status_code == 202, test.text
    await stack.receiver.wait_for("/pages/hooks", 1)
    return Seeded("weekly-ops", run.json()["data"]["id"], endpoint_id, test.json()["data"]["id"])


def pages(seeded: Seeded) -> list[tuple[str, str, str]]:
    """(name, path under /console/t/<tenant>/, its heading) of every page."""
    return [
        ("reports", "reports?status=all", "Reports"),
        ("report", f"reports/{seeded.report_slug}", "Weekly operations"),
        ("runs", "runs", "Automation runs"),
        ("run", f"runs/{seeded.run_id}", "Run nightly-sync"),
        ("endpoints", "webhooks", "Webhook endpoints"),
        ("endpoint-new", "webhooks/new", "New webhook endpoint"),
        ("endpoint", f"webhooks/{seeded.endpoint_id}", "Endpoint http://127.0.0.1"),
        ("recover", f"webhooks/{seeded.endpoint_id}/recover", "Recover deliveries"),
        ("deliveries", "deliveries", "Deliveries"),
        ("delivery", f"deliveries/{seeded.delivery_id}", "Delivery"),
        ("events", "events", "Event catalog"),
    ]


async def settled(page: Page, heading: str) -> None:
    """The page's heading is shown and nothing is still loading."""
    await expect(page.locator("main h1")).to_have_count(1, timeout=WAIT_MS)
    await expect(page.locator("main h1")).to_contain_text(heading, timeout=WAIT_MS)
    await expect(page.get_by_text("Loading", exact=False)).to_have_count(0, timeout=WAIT_MS)


async def axe_violations(page: Page) -> list[dict[str, Any]]:
    # Evaluated through the DevTools protocol, which the page's CSP does not govern.
    await page.evaluate(AXE.read_text())
    result: dict[str, Any] = await page.evaluate(
        "tags => axe.run(document, { runOnly: { type: 'tag', values: tags } })", AXE_TAGS
    )
    assert len(result["passes"]) > 10, "axe checked next to nothing: is the page empty?"
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def summary(violations: list[dict[str, Any]]) -> list[str]:
    return [
        f"{item['impact']}: {item['id']} ({item['help']}) at "
        + ", ".join(str(node["target"]) for node in item["nodes"][:3])
        for item in violations
    ]


async def test_every_page_passes_an_accessibility_scan(
    page: Page, console_stack: ConsoleStack
) -> None:
    # A readable slug: the screenshots in docs/ show it.
    tenant = await console_stack.new_tenant(slug="acme-ops")
    if not AXE.is_file():
        pytest.fail("axe-core is not installed: run `make console` (npm ci in web/)")
    seeded = await seed(console_stack, tenant)
    shots = os.environ.get("CONSOLE_SCREENSHOTS")
    results: dict[str, list[str]] = {}

    await page.goto(console_stack.console_url)
    await expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=WAIT_MS)
    results["sign-in"] = summary(await axe_violations(page))
    if shots:
        await page.screenshot(path=str(Path(shots) / "sign-in.png"))

    await sign_in(page, console_stack, tenant)
    for name, path, heading in pages(seeded):
        await open_in_app(page, f"/console/t/{tenant.slug}/{path}")
        await settled(page, heading)
        results[name] = summary(await axe_violations(page))
        if shots:
            # The catalog is long: its first screen shows what it is.
            await page.screenshot(path=str(Path(shots) / f"{name}.png"), full_page=name != "events")

    if report := os.environ.get("CONSOLE_AXE_REPORT"):
        Path(report).write_text(json.dumps(results, indent=2) + "\n")
    blocking = {
        name: [line for line in lines if line.split(":")[0] in BLOCKING]
        for name, lines in results.items()
    }
    assert {name: lines for name, lines in blocking.items() if lines} == {}
    assert set(results) == {"sign-in", *(name for name, _, _ in pages(seeded))}
