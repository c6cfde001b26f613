"""Fixtures of the console's browser tests: one running system for the run (tenants keep the
tests apart), one headless Debian chromium, and a fresh browser context per test."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, ConsoleMessage, Page, async_playwright

from tests.console.stack import ConsoleStack, TenantAccess, running_console_stack

# As the machine's notes advise for a closed network: no background connections, no GPU.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 860}


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if path is None:
        pytest.fail("Debian's chromium is not installed: sudo apt-get install chromium")
    return path


@pytest.fixture(scope="session")
async def console_stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[ConsoleStack]:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    log_dir: Path = tmp_path_factory.mktemp("console-stack")
    async with running_console_stack(f"console_{worker}", log_dir) as stack:
        yield stack


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        await launched.close()


class BrowserProblems(list[str]):
    """Errors the page logged (CSP violations among them) and exceptions it threw."""


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
    opened = await context.new_page()
    problems = BrowserProblems()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(message.text)

    opened.on("console", on_console)
    opened.on("pageerror", lambda error: problems.append(str(error)))
    opened.problems = problems  # type: ignore[attr-defined]
    yield opened
    await context.close()


@pytest.fixture
async def tenant(console_stack: ConsoleStack) -> TenantAccess:
    return await console_stack.new_tenant()
