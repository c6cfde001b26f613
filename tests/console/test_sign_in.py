"""Signing in to the console: with an API key, with a console link; a session that ends."""

from __future__ import annotations

import asyncio
import json
import re
from urllib.parse import parse_qs, urlsplit

import httpx
from playwright.async_api import Page, expect

from tests.console.helpers import WAIT_MS, problems, sign_in
from tests.console.stack import ConsoleStack, TenantAccess


async def test_a_key_signs_in_and_the_reports_created_through_the_api_are_listed(
    page: Page, console_stack: ConsoleStack, tenant: TenantAccess
) -> None:
    async with console_stack.client(tenant) as api:
        created = await api.post(
            f"/v1/tenants/{tenant.slug}/reports",
            json={
                "reports": [
                    {
                        "slug": "q3-revenue",
                        "title": "Q3 revenue",
                        "content": {"total": 1250},
                        "publishedAt": "2026-10-01T00:00:00Z",
                    },
                    {"slug": "q4-draft", "title": "Q4 draft"},
                ]
            },
        )
        assert created.status_code == 200, created.text

    await sign_in(page, console_stack, tenant)

    await expect(page).to_have_url(re.compile(rf"/console/t/{tenant.slug}/reports$"))
    await expect(page.get_by_role("link", name="Q3 revenue")).to_be_visible()
    await expect(page.get_by_role("link", name="Q4 draft")).to_have_count(0)
    await page.get_by_role("button", name="Drafts").click()
    await expect(page.get_by_role("link", name="Q4 draft")).to_be_visible()
    await expect(page).to_have_url(re.compile(r"status=drafts"))
    await page.get_by_role("button", name="All").click()
    await page.get_by_role("link", name="Q3 revenue").click()
    await expect(page.get_by_role("heading", name="Q3 revenue")).to_be_visible()
    await expect(page.get_by_label("Report content")).to_contain_text('"total": 1250')
    # The key was used once, to mint the session, and is kept nowhere in the page.
    storage = await page.evaluate(
        "() => JSON.stringify([localStorage, sessionStorage, document.cookie])"
    )
    assert tenant.key not in storage
    assert problems(page) == []


async def test_a_console_link_opens_the_console_signed_in_and_leaves_no_token_in_the_address(
    page: Page, console_stack: ConsoleStack, tenant: TenantAccess
) -> None:
    printed = await console_stack.cli(
        "console-link", "--tenant", tenant.slug, "--scopes", "reports:read", "--json"
    )
    link = json.loads(printed)
    assert link["scopes"] == ["reports:read"]
    assert link["url"].startswith(f"{console_stack.console_url}#")

    await page.goto(link["url"])

    await expect(page.get_by_role("heading", name="Reports")).to_be_visible(timeout=WAIT_MS)
    await expect(page.get_by_text("No published reports yet.")).to_be_visible()
    assert "token" not in page.url
    assert await page.evaluate("() => history.length") == 1 or "token" not in page.url
    assert problems(page) == []


async def test_a_key_without_sessions_write_is_refused_with_the_reason(
    page: Page, console_stack: ConsoleStack
) -> None:
    reader = await console_stack.new_tenant(scopes=["reports:read"])
    await page.goto(console_stack.console_url)
    await page.get_by_label("Tenant (slug or id)").fill(reader.slug)
    await page.get_by_label("API key").fill(reader.key)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("alert")).to_contain_text("sessions:write", timeout=WAIT_MS)
    await expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


async def test_an_expired_session_returns_to_sign_in_with_a_message(
    page: Page, console_stack: ConsoleStack, tenant: TenantAccess
) -> None:
    await page.clock.install()
    printed = await console_stack.cli(
        "console-link", "--tenant", tenant.slug, "--ttl-seconds", "60", "--json"
    )
    await page.goto(json.loads(printed)["url"])
    await expect(page.get_by_role("heading", name="Reports")).to_be_visible(timeout=WAIT_MS)

    await page.clock.fast_forward("01:05")

    await expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=WAIT_MS)
    await expect(page.get_by_text("Your session expired. Sign in again to go on.")).to_be_visible()


async def test_a_revoked_session_is_refused_by_the_api_and_returns_to_sign_in(
    page: Page, console_stack: ConsoleStack, tenant: TenantAccess
) -> None:
    printed = await console_stack.cli("console-link", "--tenant", tenant.slug, "--json")
    link = json.loads(printed)
    await page.goto(link["url"])
    await expect(page.get_by_role("heading", name="Reports")).to_be_visible(timeout=WAIT_MS)
    async with console_stack.client(tenant) as api:
        revoked = await api.delete(f"/v1/tenants/{tenant.slug}/sessions/{link['sessionId']}")
        assert revoked.status_code == 204
    await refused_by_the_api(console_stack, tenant, link["url"])

    await page.get_by_role("button", name="Drafts").click()

    await expect(page.get_by_text("Your session is no longer valid")).to_be_visible(timeout=WAIT_MS)
    await expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    await expect(page.get_by_label("Tenant (slug or id)")).to_have_value(tenant.slug)


async def test_a_shared_url_opened_without_a_session_comes_back_to_it_after_sign_in(
    page: Page, console_stack: ConsoleStack, tenant: TenantAccess
) -> None:
    await page.goto(f"{console_stack.console_url}t/{tenant.slug}/reports?status=all")
    await expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=WAIT_MS)
    await expect(page.get_by_label("Tenant (slug or id)")).to_have_value(tenant.slug)
    await page.get_by_label("API key").fill(tenant.key)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).to_have_url(
        re.compile(rf"/t/{tenant.slug}/reports\?status=all$"), timeout=WAIT_MS
    )
    await expect(page.get_by_role("button", name="All")).to_have_attribute("aria-pressed", "true")


async def test_sign_in_and_the_navigation_work_from_the_keyboard(
    page: Page, console_stack: ConsoleStack, tenant: TenantAccess
) -> None:
    await page.goto(console_stack.console_url)
    await expect(page.get_by_label("Tenant (slug or id)")).to_be_visible(timeout=WAIT_MS)
    await page.keyboard.press("Tab")
    await expect(page.get_by_label("Tenant (slug or id)")).to_be_focused()
    await page.keyboard.type(tenant.slug)
    await page.keyboard.press("Tab")
    await expect(page.get_by_label("API key")).to_be_focused()
    await page.keyboard.type(tenant.key)
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="Reports")).to_be_visible(timeout=WAIT_MS)

    await page.keyboard.press("Tab")
    await expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    await page.keyboard.press("Tab")
    await page.keyboard.press("Tab")
    await expect(page.get_by_role("link", name="Automation runs")).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(re.compile(rf"/t/{tenant.slug}/runs"))
    await expect(page.get_by_role("button", name="Sign out")).to_be_visible()


async def refused_by_the_api(stack: ConsoleStack, tenant: TenantAccess, url: str) -> None:
    """Wait until the API refuses the link's token (a revocation reaches every API process
    within a second)."""
    token = parse_qs(urlsplit(url).fragment)["token"][0]
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=stack.base_url, headers=headers) as http:
        async with asyncio.timeout(WAIT_MS / 1000):
            while (await http.get(f"/v1/tenants/{tenant.slug}/reports")).status_code != 401:
                await asyncio.sleep(0.1)
