"""Webhook endpoints in the console: create one and copy its secret, send a test event and watch
its delivery arrive, edit, rotate, disable and enable."""

from __future__ import annotations

import json
import re
import uuid

from playwright.async_api import Page, expect

from app.webhooks.signing import signatures
from tests.console.helpers import WAIT_MS, problems, sign_in
from tests.console.stack import ConsoleStack, TenantAccess
from tests.receiver import Answer, Received, Receiver


def accepting_hook(receiver: Receiver) -> tuple[str, str]:
    """A path of the receiver of this test alone, answering 200; (path, its URL)."""
    path = f"/hooks/{uuid.uuid4().hex}"
    return path, receiver.script(path, Answer(200))


async def create_endpoint_in_console(
    page: Page, stack: ConsoleStack, access: TenantAccess, url: str
) -> tuple[str, str]:
    """Sign in, create an endpoint for `url` for report.created only; its (id, secret)."""
    await sign_in(page, stack, access, path=f"t/{access.slug}/webhooks")
    await expect(page.get_by_text("No webhook endpoints yet")).to_be_visible(timeout=WAIT_MS)
    await page.get_by_role("link", name="New endpoint").click()
    await page.get_by_label("URL").fill(url)
    await page.get_by_label("Description").fill("Console test receiver")
    await page.get_by_role("checkbox", name="report.created").check()
    await page.get_by_role("button", name="Create endpoint").click()
    secret_box = page.get_by_role("region", name="Signing secret")
    await expect(secret_box).to_be_visible(timeout=WAIT_MS)
    secret = await secret_box.locator("code").inner_text()
    assert secret.startswith("whsec_")
    await page.get_by_role("link", name="Open the endpoint").click()
    await expect(page).to_have_url(re.compile(r"/webhooks/[0-9a-f-]{36}$"), timeout=WAIT_MS)
    endpoint_id = page.url.rsplit("/", 1)[1]
    return endpoint_id, secret


async def create_endpoint_through_api(stack: ConsoleStack, access: TenantAccess, url: str) -> str:
    async with stack.client(access) as api:
        created = await api.post(
            f"/v1/tenants/{access.slug}/webhook-endpoints",
            json={"url": url, "eventTypes": ["report.created"]},
        )
        assert created.status_code == 201, created.text
    return str(created.json()["data"]["id"])


def signed_with(request: Received, secret: str) -> bool:
    """Whether one of the request's Standard Webhooks signatures is made with `secret`."""
    expected = signatures(
        [secret],
        request.headers["webhook-id"],
        int(request.headers["webhook-timestamp"]),
        request.body,
    )
    return expected in request.headers["webhook-signature"].split(" ")


async def test_creating_an_endpoint_shows_its_secret_once_and_copies_it(
    page: Page, console_stack: ConsoleStack, tenant: TenantAccess
) -> None:
    await page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    _, url = accepting_hook(console_stack.receiver)
    await sign_in(page, console_stack, tenant, path=f"t/{tenant.slug}/webhooks/new")
    await page.get_by_label("URL").fill(url)
    await page.get_by_label("Description").fill("Orders service")
    await page.get_by_role("checkbox", name="report.created").check()
    await page.get_by_role("checkbox", name="report.published").check()
    await page.get_by_role("button", name="Create endpoint").click()

    secret_box = page.get_by_role("region", name="Signing secret")
    await expect(secret_box).to_contain_text("shown this once", timeout=WAIT_MS)
    secret = await secret_box.locator("code").inner_text()
    assert secret.startswith("whsec_")
    await secret_box.get_by_role("button", name="Copy secret").click()
    await expect(secret_box.get_by_role("status")).to_have_text("Copied", timeout=WAIT_MS)
    assert await page.evaluate("() => navigator.clipboard.readText()") == secret

    await page.get_by_role("link", name="Open the endpoint").click()
    await expect(page.get_by_role("heading", name=re.compile("Endpoint"))).to_contain_text(
        url, timeout=WAIT_MS
    )
    await expect(page.get_by_test_id("endpoint-event-types")).to_have_text(
        "report.created, report.published"
    )
    await expect(page.get_by_test_id("endpoint-state")).to_contain_text("Enabled")
    assert secret not in await page.content()

    await page.get_by_role("link", name="← All endpoints").click()
    row = page.get_by_role("row").filter(has_text=url)
    await expect(row).to_contain_text("Orders service", timeout=WAIT_MS)
    await expect(row).to_contain_text("Enabled")
    await page.get_by_role("button", name="Last 24 hours").click()
    await expect(page).to_have_url(re.compile(r"window=24h"))
    await expect(page.get_by_role("button", name="Last 24 hours")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert secret not in await page.content()
    assert problems(page) == []


async def test_a_test_event_sent_from_the_console_arrives_signed_and_shows_delivered_live(
    page: Page, console_stack: ConsoleStack, tenant: TenantAccess
) -> None:
    receiver = console_stack.receiver
    path, url = accepting_hook(receiver)
    endpoint_id, secret = await create_endpoint_in_console(page, console_stack, tenant, url)
    deliveries = page.get_by_role("table", name="Recent deliveries")
    await expect(page.get_by_text("No deliveries to this endpoint yet.")).to_be_visible(
        timeout=WAIT_MS
    )

    await page.get_by_role("button", name="Send test event").click()

    sent = page.get_by_role("status").filter(has_text="Test event sent")
    await expect(sent).to_be_visible(timeout=WAIT_MS)
    link = sent.get_by_role("link")
    delivery_id = (await link.inner_text()).removeprefix("delivery ").strip()
    await expect(link).to_have_attribute(
        "href", f"/console/t/{tenant.slug}/deliveries/{delivery_id}"
    )
    [request] = await receiver.wait_for(path, 1)
    assert json.loads(request.body)["type"] == "webhook.test"
    assert signed_with(request, secret)
    row = deliveries.get_by_role("row").filter(has_text=delivery_id)
    await expect(row).to_contain_text("webhook.test", timeout=WAIT_MS)
    await expect(row).to_contain_text("delivered", timeout=WAIT_MS)
    await expect(sent).to_contain_text("delivered")
    stats = page.get_by_label("Statistics of the last hour")
    await expect(stats).to_contain_text("1 (1 succeeded, 0 failed)", timeout=WAIT_MS)
    await expect(stats).to_contain_text("100 %")
    async with console_stack.client(tenant) as api:
        listed = await api.get(
            f"/v1/tenants/{tenant.slug}/webhook-deliveries", params={"endpointId": endpoint_id}
        )
    [delivery] = listed.json()["data"]
    assert delivery["id"] == delivery_id
    assert request.headers["webhook-id"] in (delivery["eventId"], f"msg_{delivery['eventId']}")
    assert problems(page) == []


async def test_editing_rotating_disabling_and_enabling_an_endpoint(
    page: Page, console_stack: ConsoleStack, tenant: TenantAccess
) -> None:
    await page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    receiver = console_stack.receiver
    path, url = accepting_hook(receiver)
    endpoint_id = await create_endpoint_through_api(console_stack, tenant, url)
    await sign_in(page, console_stack, tenant, path=f"t/{tenant.slug}/webhooks/{endpoint_id}")
    event_types = page.get_by_test_id("endpoint-event-types")
    state = page.get_by_test_id("endpoint-state")
    await expect(event_types).to_have_text("report.created", timeout=WAIT_MS)

    await page.get_by_role("button", name="Edit endpoint").click()
    await page.get_by_role("checkbox", name="report.created").uncheck()
    await page.get_by_role("checkbox", name="report.updated").check()
    await page.get_by_role("checkbox", name="automation_run.failed").check()
    await page.get_by_label("Description").fill("Edited in the console")
    await page.get_by_role("button", name="Save changes").click()
    await expect(event_types).to_have_text("report.updated, automation_run.failed", timeout=WAIT_MS)
    await expect(page.get_by_text("Edited in the console")).to_be_visible()

    await page.get_by_role("button", name="Rotate secret").click()
    await page.get_by_role("button", name="Yes, rotate").click()
    rotated = page.get_by_role("region", name="New signing secret")
    await expect(rotated).to_contain_text("The previous secret keeps signing", timeout=WAIT_MS)
    new_secret = await rotated.locator("code").inner_text()
    assert new_secret.startswith("whsec_")
    await rotated.get_by_role("button", name="Copy secret").click()
    await expect(rotated.get_by_role("status")).to_have_text("Copied", timeout=WAIT_MS)
    assert await page.evaluate("() => navigator.clipboard.readText()") == new_secret
    await page.get_by_role("button", name="Send test event").click()
    [request] = await receiver.wait_for(path, 1)
    assert signed_with(request, new_secret)
    assert len(request.headers["webhook-signature"].split(" ")) == 2

    await page.get_by_role("button", name="Disable").click()
    await expect(page.get_by_role("group", name="Confirm: Disable")).to_be_visible()
    await page.get_by_role("button", name="Yes, disable").click()
    await expect(state).to_contain_text("Disabled (by hand)", timeout=WAIT_MS)
    await page.get_by_role("button", name="Send test event").click()
    await expect(page.get_by_role("alert")).to_contain_text(
        "A disabled endpoint cannot be sent a test event; enable it first.", timeout=WAIT_MS
    )
    await expect(page.get_by_role("heading", name=re.compile("Endpoint"))).to_be_visible()

    await page.get_by_role("button", name="Enable").click()
    await expect(state).to_have_text("Enabled", timeout=WAIT_MS)
    await page.get_by_role("link", name="← All endpoints").click()
    await expect(page.get_by_role("row").filter(has_text=url)).to_contain_text(
        "Enabled", timeout=WAIT_MS
    )
    assert problems(page) == []


async def test_deleting_an_endpoint_asks_first_and_its_page_then_says_it_is_gone(
    page: Page, console_stack: ConsoleStack, tenant: TenantAccess
) -> None:
    _, url = accepting_hook(console_stack.receiver)
    endpoint_id = await create_endpoint_through_api(console_stack, tenant, url)
    await sign_in(page, console_stack, tenant, path=f"t/{tenant.slug}/webhooks/{endpoint_id}")
    await expect(page.get_by_test_id("endpoint-state")).to_have_text("Enabled", timeout=WAIT_MS)

    await page.get_by_role("button", name="Delete endpoint").click()
    await (
        page.get_by_role("group", name="Confirm: Delete endpoint")
        .get_by_role("button", name="Cancel")
        .click()
    )
    await expect(page.get_by_role("button", name="Yes, delete")).to_have_count(0)
    await page.get_by_role("button", name="Delete endpoint").click()
    await page.get_by_role("button", name="Yes, delete").click()

    await expect(page).to_have_url(re.compile(rf"/t/{tenant.slug}/webhooks$"), timeout=WAIT_MS)
    await expect(page.get_by_text("No webhook endpoints yet")).to_be_visible(timeout=WAIT_MS)
    await page.go_back()
    await expect(page.get_by_text(f"no webhook endpoint with the id {endpoint_id}")).to_be_visible(
        timeout=WAIT_MS
    )
    assert problems(page) == []
