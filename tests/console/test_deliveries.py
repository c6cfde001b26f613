"""The deliveries log and a delivery's detail: a delivery that went dead, its response
excerpt, a retry seen live; the log's filters."""

from __future__ import annotations

import re

from playwright.async_api import Locator, Page, expect

from tests.console.helpers import WAIT_MS, problems, sign_in
from tests.console.stack import ConsoleStack, TenantAccess
from tests.console.webhook_steps import all_finished, create_endpoint, settled, upsert_reports
from tests.receiver import Answer


def rows(page: Page) -> Locator:
    return page.get_by_role("table").locator("tbody tr")


async def test_a_dead_delivery_shows_its_answer_and_a_retry_delivers_it_live(
    page: Page, console_stack: ConsoleStack, tenant: TenantAccess
) -> None:
    receiver = console_stack.receiver
    path = f"/deliveries/{tenant.slug}"
    receiver.script(path, Answer(status=500, body=b'{"error": "receiver down"}'))
    await create_endpoint(console_stack, tenant, path)
    await upsert_reports(console_stack, tenant, {"slug": "q1", "title": "Q1"})
    await settled(console_stack, tenant, all_finished(1))

    await sign_in(page, console_stack, tenant, path=f"t/{tenant.slug}/deliveries")
    await expect(page.get_by_role("heading", name="Deliveries")).to_be_visible()
    await page.get_by_label("Status").select_option("dead")
    await page.get_by_role("button", name="Apply filters").click()
    await expect(page).to_have_url(re.compile(r"/deliveries\?status=dead$"))
    await expect(rows(page)).to_have_count(1, timeout=WAIT_MS)
    await expect(rows(page).first).to_contain_text("report.created")
    await expect(rows(page).first).to_contain_text("Dead")
    await rows(page).first.get_by_role("link").click()

    await expect(page.get_by_role("heading", name="Delivery", exact=True)).to_be_visible(
        timeout=WAIT_MS
    )
    status = page.get_by_test_id("delivery-status")
    await expect(status).to_have_text("Dead")
    await expect(page.get_by_label("Response excerpt")).to_have_text('{"error": "receiver down"}')
    await page.evaluate("() => { window.notReloaded = true; }")

    receiver.script(path, Answer(status=200, body=b"thanks"))
    await page.get_by_role("button", name="Retry").click()

    await expect(status).to_have_text("Delivered", timeout=WAIT_MS)
    await expect(page.get_by_label("Response excerpt")).to_have_text("thanks")
    await expect(page.get_by_role("button", name="Retry")).to_have_count(0)
    assert await page.evaluate("() => window.notReloaded === true")
    assert problems(page) == []


async def test_status_event_type_and_request_id_narrow_the_log(
    page: Page, console_stack: ConsoleStack, tenant: TenantAccess
) -> None:
    receiver = console_stack.receiver
    accepting, failing = f"/accepting/{tenant.slug}", f"/failing/{tenant.slug}"
    receiver.script(accepting, Answer(status=200))
    receiver.script(failing, Answer(status=500))
    await create_endpoint(console_stack, tenant, accepting)
    await create_endpoint(console_stack, tenant, failing)
    created = await upsert_reports(console_stack, tenant, {"slug": "q2", "title": "Q2"})
    updated = await upsert_reports(console_stack, tenant, {"slug": "q2", "title": "Q2, revised"})
    # Two events (report.created, report.updated), each delivered to both endpoints.
    await settled(console_stack, tenant, all_finished(4))

    await sign_in(page, console_stack, tenant, path=f"t/{tenant.slug}/deliveries")
    await expect(rows(page)).to_have_count(4, timeout=WAIT_MS)

    await page.get_by_label("Status").select_option("dead")
    await page.get_by_role("button", name="Apply filters").click()
    await expect(rows(page).filter(has_text="Dead")).to_have_count(2, timeout=WAIT_MS)
    await expect(rows(page)).to_have_count(2)

    await page.get_by_label("Status").select_option("")
    await page.get_by_label("Event type").select_option("report.updated")
    await page.get_by_role("button", name="Apply filters").click()
    await expect(page).to_have_url(re.compile(r"eventType=report\.updated"))
    await expect(rows(page).filter(has_text="report.updated")).to_have_count(2, timeout=WAIT_MS)
    await expect(rows(page)).to_have_count(2)

    await page.get_by_label("Event type").select_option("")
    await page.get_by_label("Request id").fill(created)
    await page.get_by_role("button", name="Apply filters").click()
    await expect(rows(page).filter(has_text="report.created")).to_have_count(2, timeout=WAIT_MS)
    await expect(rows(page)).to_have_count(2)
    await expect(rows(page).filter(has_text=updated)).to_have_count(0)

    await page.get_by_label("Status").select_option("delivered")
    await page.get_by_role("button", name="Apply filters").click()
    await expect(page).to_have_url(re.compile(rf"status=delivered&requestId={re.escape(created)}"))
    await expect(rows(page).filter(has_text="Delivered")).to_have_count(1, timeout=WAIT_MS)
    await expect(rows(page)).to_have_count(1)

    await page.get_by_label("Request id").fill("no-such-request")
    await page.get_by_role("button", name="Apply filters").click()
    await expect(page.get_by_text("No deliveries match these filters.")).to_be_visible(
        timeout=WAIT_MS
    )
    await page.get_by_role("button", name="Clear filters").click()
    await expect(rows(page)).to_have_count(4, timeout=WAIT_MS)
    assert problems(page) == []
