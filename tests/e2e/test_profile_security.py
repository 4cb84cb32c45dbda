"""A subscriber's own security (issue 19; docs/contract.md §4 "Subscriber's own security"), in a
real browser (Debian's headless Chromium, driven by Playwright) through the whole stack:

- must hold 3: two browsers signed in, «Сеансы» lists both, ending one from the other has it
  refused within 1 s (at the gateway and at a service called directly); then a change of address:
  the letter to the new address, its link opened, the old address told, the other session ended;
- a sign-in from a browser not seen before sends a letter, and none once the subscriber turned
  that letter off in «Уведомления»;
- must hold 4 (part): a subscriber reaches no staff route (403).

Every page of the person's own browser is watched for console errors and CSP violations; the
profile is shot at 1280 and 360 px wide (no sideways scroll) into `var/screenshots/`.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect
from web_support import Watch, chromium, heading, shoot, visitor

from lka_common.testing.portal import PASSWORD, bearer, letter, register_and_confirm, sign_in, token_from
from lka_common.testing.stack import Stack
from lka_gateway.routes import ROUTING_TABLE, Access

pytestmark = pytest.mark.slow

NEW_SIGN_IN = "Вход с нового браузера в личный кабинет"
CONFIRM_NEW = "Подтверждение нового адреса электронной почты"
CHANGED = "Адрес электронной почты изменен"
RESET = "Восстановление доступа"
REQUESTED = re.compile(r"^Если этот адрес можно использовать")
SIGN_IN_LETTER_BOX = "Вход с нового браузера или устройства"
# The identity, accounts services' own ports (the stack's offset added): "refused everywhere".
ACCOUNTS_PORT = 8002


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as launched:
        yield launched


async def new_person(stack: Stack) -> str:
    email = f"sec{secrets.token_hex(5)}@example.ru"
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=15) as http:
        await register_and_confirm(http, stack.mail, email, PASSWORD)
    return email


async def opened(browser: Browser, stack: Stack) -> tuple[BrowserContext, Page, Watch]:
    context = await visitor(browser)
    page = await context.new_page()
    watch = Watch(stack.gateway)
    watch.attach(page)
    return context, page, watch


async def signed_in_here(page: Page, stack: Stack, email: str) -> None:
    """«Авторизация» in this browser, until «Мои счета»."""
    await page.goto(f"{stack.gateway}/")
    await heading(page, "Авторизация")
    await page.get_by_label("Адрес электронной почты").fill(email)
    await page.get_by_label("Пароль", exact=True).fill(PASSWORD)
    await page.get_by_role("button", name="Войти").click()
    await heading(page, "Мои счета")


async def access_token(context: BrowserContext) -> str:
    return next(c["value"] for c in await context.cookies() if c["name"] == "__Host-lka_access")


async def letters(stack: Stack, to: str, subject: str) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(timeout=15) as http:
        found: list[dict[str, Any]] = (await http.get(f"{stack.mail}/api/messages")).json()
    return [m for m in found if to in m["to"] and m["subject"] == subject]


async def mail(stack: Stack, to: str, subject: str) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=15) as http:
        return await letter(http, stack.mail, to, subject)


async def refused_within(stack: Stack, token: str, seconds: float) -> float:
    """Poll until the token is refused at the gateway and by accounts called directly; the time
    that took, failing past `seconds` (plus the time of one round of calls)."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    urls = [f"{stack.gateway}/api/v1/accounts", f"{stack.url(ACCOUNTS_PORT)}/api/v1/accounts"]
    refused: set[str] = set()
    async with httpx.AsyncClient(timeout=5, headers={"Authorization": f"Bearer {token}"}) as http:
        while loop.time() - started <= seconds:
            for url in urls:
                if url not in refused and (await http.get(url)).status_code == 401:
                    refused.add(url)
            if len(refused) == len(urls):
                return loop.time() - started
            await asyncio.sleep(0.05)
    raise AssertionError(f"still taken after {seconds} s: {sorted(set(urls) - refused)}")


async def test_two_browsers_one_ended_from_the_other_then_a_change_of_address(stack: Stack, browser: Browser) -> None:
    """Must hold 3."""
    email = await new_person(stack)
    new_email = f"moved{secrets.token_hex(5)}@example.ru"
    first, page, watch = await opened(browser, stack)
    second, other_page, _ = await opened(browser, stack)
    try:
        await signed_in_here(page, stack, email)
        await signed_in_here(other_page, stack, email)
        # The second browser is one this profile had not signed in from: a letter says so.
        told = await mail(stack, email, NEW_SIGN_IN)
        assert "Chrome" in told["text"] and "IP-адрес: 127.0.0.1" in told["text"]
        assert len(await letters(stack, email, NEW_SIGN_IN)) == 1  # the first browser: none

        # «Сеансы» in the first browser shows both, this one marked.
        await page.goto(f"{stack.gateway}/profile")
        await heading(page, "Профиль")
        sessions = page.get_by_role("list", name="Сеансы")
        await expect(sessions.get_by_role("listitem")).to_have_count(2)
        mine = sessions.get_by_role("listitem").filter(has_text="Этот сеанс")
        theirs = sessions.get_by_role("listitem").filter(has_not_text="Этот сеанс")
        await expect(mine).to_have_count(1)
        await expect(theirs).to_contain_text("Chrome")
        await expect(theirs).to_contain_text("127.0.0.1")
        await shoot(page, "profile-security")

        # Ending the other one: refused everywhere within a second of the answer.
        token = await access_token(second)
        async with page.expect_response(
            lambda r: r.request.method == "DELETE" and "/api/v1/profile/sessions/" in r.url
        ) as ended:
            await theirs.get_by_role("button", name="Завершить").click()
        assert (await ended.value).status == 204
        took = await refused_within(stack, token, 1.0)
        assert took <= 1.0, took
        await expect(page.get_by_role("status").filter(has_text="Сеанс завершен")).to_be_visible()
        await expect(sessions.get_by_role("listitem")).to_have_count(1)
        await other_page.goto(f"{stack.gateway}/profile")
        await heading(other_page, "Авторизация")  # that browser is signed out

        # The other browser signs in again (known: no letter), then the address changes here.
        await signed_in_here(other_page, stack, email)
        assert len(await letters(stack, email, NEW_SIGN_IN)) == 1
        token = await access_token(second)
        form = page.get_by_role("region", name="Адрес электронной почты")
        await form.get_by_label("Новый адрес электронной почты").fill(new_email)
        await form.get_by_label("Текущий пароль").fill(PASSWORD)
        await form.get_by_role("button", name="Изменить адрес").click()
        await expect(form.get_by_role("status").filter(has_text=REQUESTED)).to_be_visible()

        link_letter = await mail(stack, new_email, CONFIRM_NEW)
        link = f"{stack.gateway}/confirm-email-change?token={token_from(link_letter, '/confirm-email-change')}"
        assert link in link_letter["text"]
        await page.goto(link)
        await heading(page, "Смена адреса электронной почты")
        await expect(page.get_by_role("status").filter(has_text=CHANGED)).to_be_visible()

        old_told = await mail(stack, email, CHANGED)
        assert f"{new_email[:2]}***@example.ru" in old_told["text"]
        assert f"{stack.gateway}/feedback" in old_told["text"]  # how to get help
        await refused_within(stack, token, 5.0)  # the other session ended
        await page.get_by_role("link", name="Перейти в профиль").click()
        await heading(page, "Профиль")
        await expect(page.get_by_role("region", name="Учетная запись")).to_contain_text(new_email)
        await expect(page.get_by_role("list", name="Сеансы").get_by_role("listitem")).to_have_count(1)
        watch.assert_clean("the profile's security")
    finally:
        await first.close()
        await second.close()
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=15) as http:
        assert (await http.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})).status_code == 401
        await sign_in(http, new_email)


async def test_a_new_browser_gets_a_letter_and_none_once_it_is_turned_off(stack: Stack, browser: Browser) -> None:
    email = await new_person(stack)
    contexts: list[BrowserContext] = []
    try:
        home, page, watch = await opened(browser, stack)
        contexts.append(home)
        await signed_in_here(page, stack, email)
        newcomer, newcomer_page, _ = await opened(browser, stack)
        contexts.append(newcomer)
        await signed_in_here(newcomer_page, stack, email)
        sent = await mail(stack, email, NEW_SIGN_IN)
        assert "смените пароль и завершите другие сеансы" in sent["text"]
        assert f"{stack.gateway}/profile" in sent["text"]

        await page.goto(f"{stack.gateway}/profile")
        await heading(page, "Профиль")
        choices = page.get_by_role("region", name="Уведомления")
        box = choices.get_by_role("checkbox", name=SIGN_IN_LETTER_BOX)
        await expect(box).to_be_checked()
        await box.uncheck()
        await choices.get_by_role("button", name="Сохранить").click()
        await expect(choices.get_by_role("status").filter(has_text="сохранены")).to_be_visible()

        third, third_page, _ = await opened(browser, stack)
        contexts.append(third)
        await signed_in_here(third_page, stack, email)
        # A letter sent after that sign-in has come: a new-browser letter would have come first.
        async with httpx.AsyncClient(base_url=stack.gateway, timeout=15) as http:
            assert (await http.post("/api/v1/auth/password/forgot", json={"email": email})).status_code == 202
        await mail(stack, email, RESET)
        await asyncio.sleep(1)
        assert len(await letters(stack, email, NEW_SIGN_IN)) == 1
        watch.assert_clean("the letters' choice")
    finally:
        for context in contexts:
            await context.close()


def _staff_calls() -> list[tuple[str, str]]:
    """Every staff route of the gateway's table (`/operator/…`, `/staff…`) with each method, ids filled in."""
    calls = []
    for template, _service, access, methods in ROUTING_TABLE:
        if access is not Access.SIGNED_IN or not template.startswith(("/operator", "/staff")):
            continue
        path = re.sub(r"\{[a-z_]+\}", lambda m: "SIM" if "region" in m.group(0) else str(uuid.uuid4()), template)
        calls += [(method, path) for method in methods.split()]
    return calls


async def test_a_subscriber_reaches_no_staff_route(stack: Stack) -> None:
    """Must hold 4 (part): 403 for each, whatever the body."""
    calls = _staff_calls()
    assert ("GET", "/operator/feedback") in calls and ("GET", "/operator/link-requests") in calls
    email = await new_person(stack)
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=15) as http:
        headers = bearer(await sign_in(http, email))
        for method, path in calls:
            body = {} if method in ("POST", "PUT") else None
            response = await http.request(method, f"/api/v1{path}", headers=headers, json=body)
            assert response.status_code == 403, (method, path, response.text)
            assert response.json()["code"] == "forbidden", (method, path)
