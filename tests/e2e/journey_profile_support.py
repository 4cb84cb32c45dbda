"""What both profile journeys share: a confirmed person, a watched page, signing in through «Авторизация»."""

from __future__ import annotations

import secrets

import httpx
from playwright.async_api import Browser, BrowserContext, Page, ViewportSize, expect
from web_support import REPORT_CSP, TIMEOUT_MS, Watch, heading, visitor

from lka_common.testing.portal import PASSWORD, register_and_confirm
from lka_common.testing.stack import Stack

PHONE_375: ViewportSize = {"width": 375, "height": 667}


async def new_person(stack: Stack, prefix: str, password: str = PASSWORD) -> str:
    """A confirmed subscriber whose address starts with `prefix` (so its masked form is known)."""
    email = f"{prefix}{secrets.token_hex(5)}@example.ru"
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=15) as http:
        await register_and_confirm(http, stack.mail, email, password)
    return email


async def opened(browser: Browser, stack: Stack, *, phone: bool = False) -> tuple[BrowserContext, Page, Watch]:
    """A page of a fresh context: a desktop visitor's (`visitor`), or a phone's, 375 px wide and tapped."""
    if phone:
        context = await browser.new_context(
            viewport=PHONE_375, has_touch=True, is_mobile=True, locale="ru-RU", timezone_id="Europe/Simferopol"
        )
        context.set_default_timeout(TIMEOUT_MS)
        expect.set_options(timeout=TIMEOUT_MS)
        await context.add_init_script(REPORT_CSP)
    else:
        context = await visitor(browser)
    page = await context.new_page()
    watch = Watch(stack.gateway)
    watch.attach(page)
    return context, page, watch


async def sign_in_here(page: Page, email: str, password: str = PASSWORD) -> None:
    """Fill «Авторизация» on the page that shows it and press «Войти»."""
    await heading(page, "Авторизация")
    await page.get_by_label("Адрес электронной почты").fill(email)
    await page.get_by_label("Пароль", exact=True).fill(password)
    await page.get_by_role("button", name="Войти").click()
