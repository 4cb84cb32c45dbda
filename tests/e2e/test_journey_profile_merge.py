"""Merging profiles, as a person lives it (issue 18 "The journeys as a person lives them", item 7),
in a real browser (Debian's headless Chromium, driven by Playwright) through the whole stack:

7. merging profiles cannot be undone, so «Объединить» asks first, in a dialog that says so and
   what moves; on a phone the merge form comes into view and takes the focus when the button is
   tapped; signing in to the absorbed profile afterwards (with its right password) says that it
   was merged, and into which address (masked); a wrong password still says only
   «Неверный адрес электронной почты или пароль».

The way in (item 9) is in test_journey_profile_sign_in.py. Screens where layout is the point are
checked at 1280, 375 and 360 px wide (no sideways scroll); screenshots land in `var/screenshots/`
(git-ignored). Every page is watched for console errors and CSP violations.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator

import httpx
import pytest
from journey_profile_support import new_person, opened, sign_in_here
from playwright.async_api import Browser, expect
from web_support import SHOTS, chromium, fits, heading

from lka_common.testing.portal import PASSWORD, bearer, sign_in
from lka_common.testing.stack import Stack

pytestmark = pytest.mark.slow

OTHER_PASSWORD = "Зеленый-троллейбус-2026"
INVALID_CREDENTIALS = "Неверный адрес электронной почты или пароль"
MERGED = "Учетные записи объединены"


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as launched:
        yield launched


def masked(email: str) -> str:
    local, domain = email.split("@")
    return f"{local[:2]}***@{domain}"


async def login(stack: Stack, email: str, password: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=15) as http:
        return await http.post("/api/v1/auth/login", json={"email": email, "password": password})


async def test_7_on_a_phone_the_merge_form_comes_into_view_and_takes_the_focus(stack: Stack, browser: Browser) -> None:
    email = await new_person(stack, "ph")
    context, page, watch = await opened(browser, stack, phone=True)
    try:
        await page.goto(f"{stack.gateway}/")
        await sign_in_here(page, email)
        await heading(page, "Мои счета")
        await page.goto(f"{stack.gateway}/profile")
        await heading(page, "Профиль")
        await page.evaluate("window.scrollTo(0, 0)")
        await page.get_by_role("button", name="Объединить профили").tap()
        form = page.get_by_role("region", name="Объединение учетных записей")
        await expect(form.get_by_role("heading", name="Объединение учетных записей")).to_be_in_viewport()
        field = form.get_by_label("Адрес электронной почты")
        await expect(field).to_be_in_viewport()
        await expect(field).to_be_focused()
        SHOTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(SHOTS / "journey-merge-form-375.png"))
        watch.assert_clean("the profile on a phone")
    finally:
        await context.close()


async def test_7_merging_asks_first_and_says_it_cannot_be_undone(stack: Stack, browser: Browser) -> None:
    keeper = await new_person(stack, "kp")
    other = await new_person(stack, "ot", OTHER_PASSWORD)
    context, page, watch = await opened(browser, stack)
    try:
        await page.goto(f"{stack.gateway}/")
        await sign_in_here(page, keeper)
        await heading(page, "Мои счета")
        await page.get_by_role("navigation").get_by_role("link", name="Профиль").click()
        await heading(page, "Профиль")
        await page.get_by_role("button", name="Объединить профили").click()
        form = page.get_by_role("region", name="Объединение учетных записей")
        await form.get_by_label("Адрес электронной почты").fill(other)
        await form.get_by_label("Пароль", exact=True).fill(OTHER_PASSWORD)
        await form.get_by_role("button", name="Объединить", exact=True).click()

        # Nothing happens yet: a dialog says what will, and that it is for good.
        dialog = page.get_by_role("dialog", name="Объединить учетные записи?")
        await expect(dialog).to_be_visible()
        await expect(dialog).to_contain_text(other)
        await expect(dialog).to_contain_text("нельзя отменить")
        await expect(dialog).to_contain_text("лицевые счета")
        await expect(dialog).to_contain_text(keeper)
        await fits(page, "journey-merge-dialog")
        await dialog.get_by_role("button", name="Отмена").click()
        await expect(dialog).to_be_hidden()
        assert (await login(stack, other, OTHER_PASSWORD)).status_code == 200  # not merged

        await form.get_by_role("button", name="Объединить", exact=True).click()
        await expect(dialog).to_be_visible()
        await dialog.get_by_role("button", name="Объединить", exact=True).click()
        await expect(page.get_by_role("status").filter(has_text=MERGED)).to_be_visible()
        await expect(dialog).to_be_hidden()
        watch.assert_clean("the merge")
    finally:
        await context.close()
    assert (await login(stack, other, OTHER_PASSWORD)).json()["code"] == "profile_merged"


async def test_7_signing_in_to_a_merged_profile_says_into_which_address(stack: Stack, browser: Browser) -> None:
    keeper = await new_person(stack, "ik")
    other = await new_person(stack, "ab", OTHER_PASSWORD)
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=15) as http:
        headers = bearer(await sign_in(http, keeper))
        merged = await http.post(
            "/api/v1/profile/merge", json={"email": other, "password": OTHER_PASSWORD}, headers=headers
        )
        assert merged.status_code == 200, merged.text

    told = f"Эта учетная запись объединена с учетной записью {masked(keeper)}. Войдите с ее адресом."
    # The API: the right password says it (a code of its own); a wrong one answers as an unknown address.
    right = await login(stack, other, OTHER_PASSWORD)
    wrong = await login(stack, other, "Не-тот-пароль-2026")
    unknown = await login(stack, f"nobody-{secrets.token_hex(5)}@example.ru", OTHER_PASSWORD)
    assert (right.status_code, right.json()["code"], right.json()["detail"]) == (401, "profile_merged", told)
    assert keeper not in right.text
    assert (wrong.status_code, wrong.json()) == (unknown.status_code, unknown.json())
    assert wrong.json()["code"] == "invalid_credentials"

    context, page, watch = await opened(browser, stack)
    watch.expected.add((401, "/api/v1/auth/login"))
    try:
        await page.goto(f"{stack.gateway}/")
        await sign_in_here(page, other, "Не-тот-пароль-2026")
        await expect(page.get_by_role("alert")).to_contain_text(INVALID_CREDENTIALS)
        await page.get_by_label("Пароль", exact=True).fill(OTHER_PASSWORD)
        await page.get_by_role("button", name="Войти").click()
        await expect(page.get_by_role("alert")).to_contain_text(told)
        await fits(page, "journey-merged-sign-in")
        # With the address it was merged into, the cabinet opens.
        await page.get_by_label("Адрес электронной почты").fill(keeper)
        await page.get_by_label("Пароль", exact=True).fill(PASSWORD)
        await page.get_by_role("button", name="Войти").click()
        await heading(page, "Мои счета")
        watch.assert_clean("signing in to a merged profile")
    finally:
        await context.close()
