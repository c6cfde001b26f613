"""Refusals as an operator sees them: a spent quota says how long to wait, never a blank page."""

from __future__ import annotations

import json
import re

from playwright.async_api import Page, expect

from tests.console.helpers import WAIT_MS, open_in_app, sign_in
from tests.console.stack import MANIFEST, ConsoleStack, TenantAccess


def trusted_hash(operation: str) -> str:
    documents: dict[str, str] = json.loads(MANIFEST.read_text())
    (digest,) = (
        digest for digest, document in documents.items() if f"query {operation}(" in document
    )
    return digest


async def test_a_spent_graphql_quota_shows_the_wait_and_recovers_nothing_blank(
    page: Page, console_stack: ConsoleStack, tenant: TenantAccess
) -> None:
    await sign_in(page, console_stack, tenant)
    await expect(page.get_by_text("No published reports yet.")).to_be_visible(timeout=WAIT_MS)

    # The tenant's points go on the console's own (trusted) document, asked for in big pages.
    body = {
        "variables": {"status": "ALL", "first": 85},
        "extensions": {
            "persistedQuery": {"version": 1, "sha256Hash": trusted_hash("ConsoleReports")}
        },
    }
    async with console_stack.client(tenant) as api:
        for _ in range(200):
            answer = await api.post(f"/v1/tenants/{tenant.slug}/graphql", json=body)
            if answer.status_code == 429:
                break
            assert answer.status_code == 200, answer.text
        assert answer.status_code == 429
        wait = int(answer.headers["Retry-After"])

    await page.get_by_role("button", name="Drafts").click()

    alert = page.get_by_role("alert")
    await expect(alert).to_contain_text(
        re.compile(r"Rate limited: try again in \d+ s\."), timeout=WAIT_MS
    )
    shown = int(re.search(r"in (\d+) s", await alert.inner_text()).group(1))  # type: ignore[union-attr]
    assert 0 < shown <= max(wait, 60)
    await expect(page.get_by_role("button", name="Try again")).to_be_visible()
    await expect(page.get_by_role("heading", name="Reports")).to_be_visible()


async def test_a_page_that_asks_for_too_much_says_so_and_what_to_do(
    page: Page, console_stack: ConsoleStack, tenant: TenantAccess
) -> None:
    await sign_in(page, console_stack, tenant)

    # A hundred runs with every field is over the API's cost limit (GRAPHQL_MAX_COST, 1000).
    await open_in_app(page, f"/console/t/{tenant.slug}/runs?first=100")

    alert = page.get_by_role("alert")
    await expect(alert).to_contain_text(
        re.compile(r"This view asks for too much at once \(cost \d+\); show fewer rows\."),
        timeout=WAIT_MS,
    )
    requested = int(re.search(r"cost (\d+)", await alert.inner_text()).group(1))  # type: ignore[union-attr]
    assert requested > 1000
    await expect(page.get_by_role("heading", name="Automation runs")).to_be_visible()
