"""Recovering an endpoint's dead deliveries since a time: the dry run's count is the count the
recovery reports, and its progress bar reaches the end."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from playwright.async_api import Page, expect

from tests.console.helpers import WAIT_MS, problems, sign_in
from tests.console.stack import ConsoleStack, TenantAccess
from tests.console.webhook_steps import all_finished, create_endpoint, settled, upsert_reports
from tests.receiver import Answer

DEAD = 3


def local_input(moment: datetime) -> str:
    """A `datetime-local` input's value: the browser runs in this machine's time zone."""
    return moment.astimezone().strftime("%Y-%m-%dT%H:%M")


async def test_the_dry_run_count_is_the_recovered_count_and_the_progress_bar_completes(
    page: Page, console_stack: ConsoleStack, tenant: TenantAccess
) -> None:
    receiver = console_stack.receiver
    path = f"/recovery/{tenant.slug}"
    receiver.script(path, Answer(status=500))
    endpoint_id = await create_endpoint(console_stack, tenant, path)
    since = datetime.now() - timedelta(minutes=10)
    await upsert_reports(
        console_stack, tenant, *({"slug": f"r{n}", "title": f"R{n}"} for n in range(DEAD))
    )
    found = await settled(console_stack, tenant, all_finished(DEAD))
    assert {delivery["status"] for delivery in found} == {"dead"}
    receiver.script(path, Answer(status=200))
    attempts_before = len(receiver.at(path))

    await sign_in(
        page, console_stack, tenant, path=f"t/{tenant.slug}/webhooks/{endpoint_id}/recover"
    )
    await expect(page.get_by_role("heading", name="Recover deliveries")).to_be_visible()
    await page.get_by_label("Since").fill(local_input(since))
    await page.get_by_role("button", name="Preview").click()

    await expect(page).to_have_url(re.compile(r"\?since=[^&]+$"))
    preview = page.get_by_test_id("preview-count")
    await expect(preview).to_have_text(
        f"{DEAD} deliveries would go back to pending.", timeout=WAIT_MS
    )
    await expect(page.locator(".recovery-sample li")).to_have_count(DEAD)
    await page.get_by_role("button", name=f"Recover {DEAD} deliveries").click()

    await expect(page).to_have_url(re.compile(r"&recovery=[0-9a-f-]{36}$"), timeout=WAIT_MS)
    await expect(page.get_by_test_id("recovery-status")).to_have_text(
        f"Completed: {DEAD} of {DEAD} done, 0 failed.", timeout=WAIT_MS
    )
    await expect(page.get_by_test_id("recovery-total")).to_have_text(str(DEAD))
    bar = page.get_by_label("Deliveries sent back to pending")
    await expect(bar).to_have_attribute("max", str(DEAD))
    await expect(bar).to_have_attribute("value", str(DEAD))
    # The recovered deliveries are sent again, to a receiver that now accepts them.
    await receiver.wait_for(path, attempts_before + DEAD)
    await settled(
        console_stack,
        tenant,
        lambda now: [delivery["status"] for delivery in now] == ["delivered"] * DEAD,
    )
    assert problems(page) == []
