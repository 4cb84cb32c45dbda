"""The way in, as a person lives it (issue 18 "The journeys as a person lives them", item 9), in a
real browser (Debian's headless Chromium, driven by Playwright) through the whole stack:

9. a private page opened signed out is remembered (`/?next=/payments`) and opened after sign-in,
   for the right kind of person only, and never another site; a session ended by a password
   reset sends the person to sign-in with a word why (after a click and after a reload); the
   confirmation link opened twice says the address is already confirmed; a bad reset link is
   refused before the form is filled in; the registration's success page names the address
   the letter went to.

Merging profiles (item 7) is in test_journey_profile_merge.py. Screens where layout is the point
are checked at 1280, 375 and 360 px wide (no sideways scroll); screenshots land in
`var/screenshots/` (git-ignored). Every page is watched for console errors and CSP violations.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, quote, urlsplit

import httpx
import pytest
from journey_profile_support import new_person, opened, sign_in_here
from operator_support import enter_code, make_operator
from playwright.async_api import Browser, BrowserContext, Page, expect
from web_support import chromium, fits, heading, shoot

from lka_common.testing.portal import CONFIRMATION_SUBJECT, PASSWORD, letter, token_from
from lka_common.testing.stack import Stack

pytestmark = pytest.mark.slow

NEW_PASSWORD = "Новый-надежный-пароль-2026"
RESET_SUBJECT = "Восстановление доступа"
INVALID_LINK = "Ссылка недействительна или устарела"
ALREADY_CONFIRMED = "Адрес электронной почты уже подтвержден"
SESSION_ENDED = re.compile(r"Сеанс завершен: пароль был изменен или выполнен выход")
STAFF_HOME = "Заявки на добавление счетов"


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as launched:
        yield launched


def next_of(page: Page) -> str | None:
    values = parse_qs(urlsplit(page.url).query).get("next")
    return values[0] if values else None


async def reset_token(stack: Stack, email: str) -> str:
    """«Забыли пароль» for `email`, and the token of the new letter's link."""
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=15) as http:
        before = {m["id"] for m in (await http.get(f"{stack.mail}/api/messages")).json()}
        asked = await http.post("/api/v1/auth/password/forgot", json={"email": email})
        assert asked.status_code == 202, asked.text
        for _ in range(100):
            message = await letter(http, stack.mail, email, RESET_SUBJECT)
            if message["id"] not in before:
                return token_from(message, "/password/reset")
            await asyncio.sleep(0.2)
    raise AssertionError(f"no new reset letter to {email}")


async def reset_password(stack: Stack, email: str, password: str) -> None:
    """What the owner does from another device: «Забыли пароль», the letter's link, a new password."""
    body = {"token": await reset_token(stack, email), "password": password, "password_confirm": password}
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=15) as http:
        done = await http.post("/api/v1/auth/password/reset", json=body)
    assert done.status_code == 200, done.text


async def refused_at_the_gateway(stack: Stack, context: BrowserContext) -> None:
    """Until the browser's access cookie is refused (the revocation reaches the gateway within 1 s)."""
    access = next(c["value"] for c in await context.cookies() if c["name"] == "__Host-lka_access")
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=15) as http:
        for _ in range(50):
            if (await http.get("/api/v1/profile", headers={"Authorization": f"Bearer {access}"})).status_code == 401:
                return
            await asyncio.sleep(0.1)
    raise AssertionError("the gateway still takes the ended session's access token")


async def test_9_a_private_page_opened_signed_out_opens_after_sign_in_and_no_other_site_does(
    stack: Stack, stack_env: tuple[dict[str, str], str, int], browser: Browser
) -> None:
    email = await new_person(stack, "dl")
    context, page, watch = await opened(browser, stack)
    try:
        await page.goto(f"{stack.gateway}/payments")
        await heading(page, "Авторизация")
        assert urlsplit(page.url).path == "/" and next_of(page) == "/payments", page.url
        await shoot(page, "journey-deep-link-sign-in")
        await page.reload()  # remembered in the address, so a reload keeps it
        await sign_in_here(page, email)
        await heading(page, "Платежи")
        assert urlsplit(page.url).path == "/payments", page.url

        # Anything but a path of this site is ignored: the cabinet's home opens instead.
        for target in ("//evil.example/payments", "https://evil.example/", "/\\evil.example", "/operator/feedback"):
            await page.get_by_role("button", name="Выход").click()
            await heading(page, "Авторизация")
            await page.goto(f"{stack.gateway}/?next={quote(target, safe='')}")
            await sign_in_here(page, email)
            await heading(page, "Мои счета")
            where = urlsplit(page.url)
            assert (f"{where.scheme}://{where.netloc}", where.path) == (stack.gateway, "/accounts"), (target, page.url)
        watch.assert_clean("the deep links")
    finally:
        await context.close()

    # Staff: a subscriber's page is not theirs; their own is.
    staff = f"op-{secrets.token_hex(5)}@example.ru"
    member = await make_operator(stack_env[0], staff)
    context, page, watch = await opened(browser, stack)
    try:
        await page.goto(f"{stack.gateway}/?next=/payments")
        await sign_in_here(page, staff)
        await enter_code(page, member)
        await heading(page, STAFF_HOME)
        await page.get_by_role("button", name="Выход").click()
        await heading(page, "Авторизация")
        await page.goto(f"{stack.gateway}/operator/feedback")
        await heading(page, "Авторизация")
        assert next_of(page) == "/operator/feedback", page.url
        await sign_in_here(page, staff)
        await enter_code(page, member)
        await heading(page, "Сообщения обратной связи")
        watch.assert_clean("the staff's deep links")
    finally:
        await context.close()


async def test_9_a_session_ended_by_a_password_reset_says_why_and_keeps_the_page(
    stack: Stack, browser: Browser
) -> None:
    email = await new_person(stack, "rs")
    context, page, watch = await opened(browser, stack)
    # The ended session's calls, refused once each way: the page, then the renewal it tries.
    for path in ("/api/v1/accounts", "/api/v1/profile", "/api/v1/auth/refresh", "/api/v1/auth/logout"):
        watch.expected.add((401, path))
    try:
        await page.goto(f"{stack.gateway}/")
        await sign_in_here(page, email)
        await heading(page, "Мои счета")

        # Reset from another device; here the next click finds the session over.
        await reset_password(stack, email, NEW_PASSWORD)
        await refused_at_the_gateway(stack, context)
        await page.get_by_role("navigation").get_by_role("link", name="Платежи").click()
        await heading(page, "Авторизация")
        await expect(page.get_by_role("status").filter(has_text=SESSION_ENDED)).to_be_visible()
        assert next_of(page) == "/payments", page.url
        await fits(page, "journey-session-ended")
        await sign_in_here(page, email, NEW_PASSWORD)
        await heading(page, "Платежи")

        # Again, and this time the page is reloaded: the same word, the same way back.
        await reset_password(stack, email, PASSWORD)
        await refused_at_the_gateway(stack, context)
        await page.reload()
        await heading(page, "Авторизация")
        await expect(page.get_by_role("status").filter(has_text=SESSION_ENDED)).to_be_visible()
        assert next_of(page) == "/payments", page.url
        await sign_in_here(page, email, PASSWORD)
        await heading(page, "Платежи")

        # A sign-out of one's own is no surprise: no such notice.
        await page.get_by_role("button", name="Выход").click()
        await heading(page, "Авторизация")
        await expect(page.get_by_text(SESSION_ENDED)).to_have_count(0)
        await page.reload()
        await heading(page, "Авторизация")
        await expect(page.get_by_text(SESSION_ENDED)).to_have_count(0)
        watch.assert_clean("the ended session")
    finally:
        await context.close()


async def test_9_the_confirmation_link_opened_twice_says_the_address_is_confirmed(
    stack: Stack, browser: Browser
) -> None:
    email = f"cf{secrets.token_hex(5)}@example.ru"
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=15) as http:
        body = {"email": email, "password": PASSWORD, "password_confirm": PASSWORD, "personal_data_consent": True}
        assert (await http.post("/api/v1/auth/register", json=body)).status_code == 201
        link = re.search(
            r"https?://\S+/confirm-email\?token=[A-Za-z0-9_-]+",
            (await letter(http, stack.mail, email, CONFIRMATION_SUBJECT))["text"],
        )
    assert link, "no confirmation link"
    context, page, watch = await opened(browser, stack)
    try:
        await page.goto(link.group(0))
        await heading(page, "Подтверждение адреса электронной почты")
        await expect(page.get_by_text("Адрес электронной почты подтвержден")).to_be_visible()
        await page.goto(link.group(0))  # the letter's link once more, from the mailbox
        await heading(page, "Подтверждение адреса электронной почты")
        await expect(page.get_by_role("status").filter(has_text=ALREADY_CONFIRMED)).to_be_visible()
        await expect(page.get_by_text(INVALID_LINK)).to_have_count(0)
        await expect(page.get_by_role("button", name="Отправить письмо")).to_have_count(0)
        await fits(page, "journey-confirmed-twice")
        await page.get_by_role("link", name="Войти в личный кабинет").click()
        await sign_in_here(page, email)
        await heading(page, "Мои счета")
        watch.assert_clean("the confirmation link twice")
    finally:
        await context.close()


async def test_9_a_bad_reset_link_is_refused_before_the_form_is_filled_in(stack: Stack, browser: Browser) -> None:
    email = await new_person(stack, "rl")
    used = await reset_token(stack, email)
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=15) as http:
        body = {"token": used, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
        assert (await http.post("/api/v1/auth/password/reset", json=body)).status_code == 200
    context, page, watch = await opened(browser, stack)
    watch.expected.add((400, "/api/v1/auth/password/reset/check"))
    try:
        for token in (secrets.token_urlsafe(32), used):  # never issued; used already
            await page.goto(f"{stack.gateway}/password/reset?token={token}")
            await heading(page, "Изменение пароля")
            await expect(page.get_by_role("alert")).to_contain_text(INVALID_LINK)
            await expect(page.get_by_label("Новый пароль")).to_have_count(0)
            await expect(page.get_by_role("link", name="Запросить новую ссылку")).to_be_visible()
        await fits(page, "journey-reset-link-refused")
        await page.get_by_role("link", name="Запросить новую ссылку").click()
        await heading(page, "Восстановление доступа")

        # A good link still shows the form, and the check did not spend it.
        fresh = await reset_token(stack, email)
        await page.goto(f"{stack.gateway}/password/reset?token={fresh}")
        await heading(page, "Изменение пароля")
        await page.get_by_label("Новый пароль").fill(PASSWORD)
        await page.get_by_label("Повторите пароль").fill(PASSWORD)
        await page.get_by_role("button", name="Отправить").click()
        await expect(page.get_by_text("Пароль успешно изменен")).to_be_visible()
        watch.assert_clean("the reset links")
    finally:
        await context.close()


async def test_9_the_registration_success_page_names_the_address(stack: Stack, browser: Browser) -> None:
    email = f"rg{secrets.token_hex(5)}@example.ru"
    context, page, watch = await opened(browser, stack)
    try:
        await page.goto(f"{stack.gateway}/register")
        await heading(page, "Регистрация")
        await page.get_by_label("Адрес электронной почты").fill(email)
        await page.get_by_label("Пароль", exact=True).fill(PASSWORD)
        await page.get_by_label("Повторите пароль").fill(PASSWORD)
        await page.get_by_role("checkbox", name=re.compile("согласие")).check()
        await page.get_by_role("button", name="Зарегистрировать").click()
        await expect(page.get_by_text(re.compile("^Создана учетная запись"))).to_be_visible()
        await expect(page.get_by_role("main")).to_contain_text(f"Письмо для подтверждения отправлено на адрес {email}")
        await fits(page, "journey-registered")
        watch.assert_clean("the registration")
    finally:
        await context.close()
