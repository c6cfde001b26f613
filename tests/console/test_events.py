"""The event catalog in the console: every type the API sends, its schema and an example."""

from __future__ import annotations

from playwright.async_api import Page, expect

from tests.console.helpers import WAIT_MS, problems, sign_in
from tests.console.stack import ConsoleStack, TenantAccess


async def test_the_catalog_shows_every_event_type_with_its_schema_and_an_example(
    page: Page, console_stack: ConsoleStack, tenant: TenantAccess
) -> None:
    async with console_stack.client(tenant) as api:
        listed = await api.get("/v1/event-types")
    assert listed.status_code == 200, listed.text
    catalog = listed.json()["data"]
    assert catalog

    await sign_in(page, console_stack, tenant, path=f"t/{tenant.slug}/events")
    await expect(page.get_by_role("heading", name="Event catalog", level=1)).to_be_visible(
        timeout=WAIT_MS
    )
    await expect(page.get_by_role("heading", level=2)).to_have_count(len(catalog), timeout=WAIT_MS)
    for entry in catalog:
        event_type = entry["type"]
        article = page.locator(f'article[id="{event_type}"]')
        await expect(article.get_by_role("heading", name=event_type)).to_be_visible()
        await expect(article).to_contain_text(entry["description"])
        schema = article.get_by_label(f"Schema of {event_type}")
        await expect(schema).to_be_hidden()
        await article.get_by_text("JSON Schema of the event's data").click()
        await expect(schema).to_be_visible()
        await expect(schema).to_contain_text(f'"title": "{entry["schema"]["title"]}"')
        example = article.get_by_label(f"Example payload of {event_type}")
        await expect(example).to_contain_text(f'"type": "{event_type}"')
        for name in entry["schema"].get("properties", {}):
            await expect(example).to_contain_text(f'"{name}":')
    assert problems(page) == []


async def test_an_event_type_anchor_opens_the_catalog_at_that_type(
    page: Page, console_stack: ConsoleStack, tenant: TenantAccess
) -> None:
    await sign_in(page, console_stack, tenant, path=f"t/{tenant.slug}/events")
    index = page.get_by_role("navigation", name="Event types")
    last = index.get_by_role("link", name="webhook.test", exact=True)
    await expect(last).to_be_visible(timeout=WAIT_MS)
    await last.click()
    await expect(page).to_have_url(
        f"{console_stack.console_url}t/{tenant.slug}/events#webhook.test"
    )
    await expect(page.locator('article[id="webhook.test"] h2')).to_be_in_viewport()

    await page.evaluate("() => window.scrollTo(0, 0)")
    failed = page.locator('article[id="automation_run.failed"] h2')
    await expect(failed).not_to_be_in_viewport()
    await page.goto(f"{console_stack.console_url}t/{tenant.slug}/events#automation_run.failed")
    await expect(failed).to_be_in_viewport()
