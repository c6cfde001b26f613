"""Automation runs in the console: started from the form or through the API, followed live."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.console.helpers import WAIT_MS, problems, sign_in
from tests.console.stack import ConsoleStack, TenantAccess

MARK_PAGE = "() => { window.__marker = 1; }"
PAGE_IS_MARKED = "() => window.__marker === 1"


async def test_a_sandbox_run_started_from_the_console_reaches_succeeded_without_a_reload(
    page: Page, console_stack: ConsoleStack, tenant: TenantAccess
) -> None:
    await sign_in(page, console_stack, tenant, path=f"t/{tenant.slug}/runs")
    await expect(page.get_by_text("No runs yet.")).to_be_visible(timeout=WAIT_MS)
    await page.evaluate(MARK_PAGE)

    await page.get_by_label("Flow id").fill("not a flow id!")
    await page.get_by_role("button", name="Start run").click()
    await expect(page.get_by_role("alert")).to_contain_text("flowId", timeout=WAIT_MS)
    await expect(page).to_have_url(re.compile(rf"/t/{tenant.slug}/runs$"))

    await page.get_by_label("Flow id").fill("console-flow")
    await page.get_by_label("Input (a JSON object, optional)").fill("{name: Ada}")
    await page.get_by_role("button", name="Start run").click()
    await expect(page.get_by_role("alert")).to_contain_text("The input is not valid JSON")
    await page.get_by_label("Input (a JSON object, optional)").fill('{"name": "Ada"}')
    await page.get_by_role("button", name="Start run").click()

    await expect(page).to_have_url(
        re.compile(rf"/t/{tenant.slug}/runs/[0-9a-f-]{{36}}$"), timeout=WAIT_MS
    )
    await expect(page.get_by_role("heading", name="Run console-flow")).to_be_visible()
    await expect(page.get_by_label("Run input")).to_contain_text('"name": "Ada"')
    status = page.get_by_test_id("run-status")
    await expect(status).to_have_text("Succeeded", timeout=WAIT_MS)
    await expect(page.get_by_label("Run output")).to_be_visible()
    assert await page.evaluate(PAGE_IS_MARKED), "the page reloaded"

    run_id = page.url.rsplit("/", 1)[1]
    async with console_stack.client(tenant) as api:
        stored = await api.get(f"/v1/tenants/{tenant.slug}/automation-runs/{run_id}")
    assert stored.status_code == 200, stored.text
    assert stored.json()["data"]["provider"] == "sandbox"
    assert stored.json()["data"]["status"] == "succeeded"
    assert problems(page) == []


async def test_a_run_created_through_the_api_appears_in_the_list_live_and_follows_its_status(
    page: Page, console_stack: ConsoleStack, tenant: TenantAccess
) -> None:
    await sign_in(page, console_stack, tenant, path=f"t/{tenant.slug}/runs")
    await expect(page.get_by_text("No runs yet.")).to_be_visible(timeout=WAIT_MS)
    await page.evaluate(MARK_PAGE)

    async with console_stack.client(tenant) as api:
        created = await api.post(
            f"/v1/tenants/{tenant.slug}/automation-runs",
            json={"flowId": "api-flow", "input": {"n": 1}, "provider": "sandbox"},
        )
    assert created.status_code == 202, created.text
    run_id = created.json()["data"]["id"]

    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=f"Run {run_id}"))
    await expect(row).to_be_visible(timeout=WAIT_MS)
    await expect(row).to_contain_text("api-flow")
    await expect(row).to_contain_text("sandbox")
    await expect(row.get_by_text("Succeeded")).to_be_visible(timeout=WAIT_MS)
    assert await page.evaluate(PAGE_IS_MARKED), "the page reloaded"

    await page.get_by_role("button", name="Failed").click()
    await expect(page).to_have_url(re.compile(r"status=failed"))
    await expect(page.get_by_text("No failed runs yet.")).to_be_visible(timeout=WAIT_MS)
    await page.get_by_role("button", name="Succeeded").click()
    await expect(row).to_be_visible(timeout=WAIT_MS)
    await row.get_by_role("link").click()
    await expect(page.get_by_role("heading", name="Run api-flow")).to_be_visible(timeout=WAIT_MS)
    await expect(page.get_by_label("Run input")).to_contain_text('"n": 1')
    assert problems(page) == []


async def test_the_runs_list_pages_through_the_url(
    page: Page, console_stack: ConsoleStack, tenant: TenantAccess
) -> None:
    flows = ["first-flow", "second-flow", "third-flow"]
    async with console_stack.client(tenant) as api:
        for flow in flows:
            created = await api.post(
                f"/v1/tenants/{tenant.slug}/automation-runs",
                json={"flowId": flow, "provider": "sandbox"},
            )
            assert created.status_code == 202, created.text

    await sign_in(page, console_stack, tenant, path=f"t/{tenant.slug}/runs?first=2")
    rows = page.locator("tbody tr")
    await expect(rows).to_have_count(2, timeout=WAIT_MS)
    await expect(rows.nth(0)).to_contain_text("third-flow")
    await expect(rows.nth(1)).to_contain_text("second-flow")
    await expect(rows.get_by_text("Succeeded")).to_have_count(2, timeout=WAIT_MS)
    await expect(rows).to_have_count(2)

    await page.get_by_role("button", name="Next page").click()
    await expect(page).to_have_url(re.compile(r"first=2&after="))
    await expect(rows).to_have_count(1, timeout=WAIT_MS)
    await expect(rows.nth(0)).to_contain_text("first-flow")
    await expect(page.get_by_role("button", name="Next page")).to_have_count(0)
    await page.get_by_role("button", name="First page").click()
    await expect(rows.nth(0)).to_contain_text("third-flow", timeout=WAIT_MS)
    assert problems(page) == []
