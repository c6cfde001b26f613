"""Steps the console's browser tests share."""

from __future__ import annotations

from playwright.async_api import Page, expect

from tests.console.stack import ConsoleStack, TenantAccess

# Long enough for a loaded machine; a passing step is over as soon as it is seen.
WAIT_MS = 20_000


async def sign_in(page: Page, stack: ConsoleStack, access: TenantAccess, *, path: str = "") -> None:
    """Sign in through the form with the tenant's key; lands on `path` (default: reports)."""
    await page.goto(f"{stack.console_url}{path}")
    await page.get_by_label("Tenant (slug or id)").fill(access.slug)
    await page.get_by_label("API key").fill(access.key)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("button", name="Sign out")).to_be_visible(timeout=WAIT_MS)


def problems(page: Page) -> list[str]:
    """What the page logged as errors or threw (CSP violations included)."""
    return list(page.problems)  # type: ignore[attr-defined]


async def open_in_app(page: Page, path: str) -> None:
    """Go to `path` as a link in the console would: no page load, so the session (kept in the
    tab's memory only) stays signed in."""
    await page.evaluate(
        "path => { history.pushState({}, '', path); dispatchEvent(new PopStateEvent('popstate')) }",
        path,
    )
