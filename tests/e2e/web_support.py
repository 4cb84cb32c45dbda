"""What the browser tests (test_web_flow.py, test_web_operator.py, the journeys) share: Debian's
headless Chromium driven by Playwright, a browser context as a visitor from Crimea has it, the
watch for console errors and Content-Security-Policy violations, signing in through
«Авторизация» (staff with their code), and screenshots at 1280 and 360 px wide in
`var/screenshots/` (git-ignored) for a person to look at."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from operator_support import enter_code
from playwright.async_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Locator,
    Page,
    Response,
    ViewportSize,
    async_playwright,
    expect,
)

from lka_common.testing.portal import PASSWORD, StaffMember

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps dialling Google's hosts, which this
# offline machine refuses many times a second.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 360, "height": 740}
PHONE_375: ViewportSize = {"width": 375, "height": 800}
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
TIMEOUT_MS = 20_000
# Every CSP violation is said on the console as well; the page also reports its own events.
REPORT_CSP = """
document.addEventListener("securitypolicyviolation", (e) =>
  console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
"""
# API answers the flow may meet for a moment: a just-linked account not yet known to readings
# or payments (the page waits it out and says nothing raw); and an account's autopay, which is
# 404 when none is set up («Мои счета» asks for every account's).
EXPECTED_API_MISSES = re.compile(r"/api/v1/(accounts/[^/]+/(meters|readings|consumption|autopay)|payments)$")


@dataclass
class Watch:
    """What went wrong on our origin's pages: console errors, uncaught exceptions, failed files."""

    origin: str
    problems: list[str] = field(default_factory=list)
    expected: set[tuple[int, str]] = field(default_factory=set)  # (status, path) the test provoked

    def attach(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught: {error}"))
        page.on("response", self._response)

    def _ours(self, url: str) -> bool:
        return url.startswith(self.origin)

    def _console(self, message: ConsoleMessage) -> None:
        # Some messages (CSP, the page's own reports) carry no location: the page's address then.
        where = message.location.get("url") or (message.page.url if message.page else "")
        if message.type not in ("error", "warning") or not self._ours(where):
            return
        if message.type == "warning" and "Content Security Policy" not in message.text:
            return
        if message.text.startswith("Failed to load resource"):
            return  # judged by its response below, where the address is known
        self.problems.append(f"console {message.type}: {message.text}")

    def _response(self, response: Response) -> None:
        if response.status < 400 or not self._ours(response.url):
            return
        path = urlsplit(response.url).path
        if (response.status == 404 and EXPECTED_API_MISSES.search(path)) or (response.status, path) in self.expected:
            return
        self.problems.append(f"HTTP {response.status} for {path}")

    def assert_clean(self, where: str) -> None:
        assert not self.problems, f"{where}: {self.problems}"


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    """Debian's Chromium, headless, for the length of the block."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            await browser.close()


async def visitor(browser: Browser) -> BrowserContext:
    """A fresh context (own cookies) at desktop width, in Russian and Simferopol's time, that
    reports CSP violations on the console; the caller closes it."""
    context = await browser.new_context(viewport=DESKTOP, locale="ru-RU", timezone_id="Europe/Simferopol")
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    await context.add_init_script(REPORT_CSP)
    return context


async def shoot(page: Page, name: str) -> None:
    """The screen as it is now at desktop width, then at phone width (no sideways scroll)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.set_viewport_size(DESKTOP)
    await page.screenshot(path=str(SHOTS / f"{name}-1280.png"), full_page=True)
    await page.set_viewport_size(PHONE)
    await page.wait_for_timeout(150)  # layout settles at the new width
    overflow = await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name}: {overflow}px of sideways scroll at 360 px"
    await page.screenshot(path=str(SHOTS / f"{name}-360.png"), full_page=True)
    await page.set_viewport_size(DESKTOP)


async def fits(page: Page, name: str) -> None:
    """`shoot`, and at 375 px as well: no sideways scroll at either phone width."""
    await shoot(page, name)
    await page.set_viewport_size(PHONE_375)
    await page.wait_for_timeout(150)
    overflow = await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name}: {overflow}px of sideways scroll at 375 px"
    await page.screenshot(path=str(SHOTS / f"{name}-375.png"), full_page=True)
    await page.set_viewport_size(DESKTOP)


def plain(text: str) -> str:
    """Page text with every kind of space (the money format's narrow no-break ones) as one space."""
    return re.sub(r"\s+", " ", text).strip()


async def heading(page: Page, text: str) -> None:
    await expect(page.get_by_role("heading", level=1, name=text)).to_be_visible()
    await expect(page).to_have_title(re.compile(re.escape(text)))


async def signed_in(
    browser: Browser,
    gateway: str,
    email: str,
    home: str = "Мои счета",
    staff: StaffMember | None = None,
    password: str = PASSWORD,
) -> tuple[Page, Watch]:
    """A page of a context of its own, signed in through «Авторизация» (staff with their code), on
    the page titled `home`."""
    page = await (await visitor(browser)).new_page()
    watch = Watch(gateway)
    watch.attach(page)
    await page.goto(f"{gateway}/")
    await heading(page, "Авторизация")
    await page.get_by_label("Адрес электронной почты").fill(email)
    await page.get_by_label("Пароль", exact=True).fill(password)
    await page.get_by_role("button", name="Войти").click()
    if staff is not None:
        await enter_code(page, staff)
    await heading(page, home)
    return page, watch


def menu(page: Page) -> Locator:
    """The portal's main menu (subscribers' or staff's)."""
    return page.get_by_role("navigation", name="Основное меню")
