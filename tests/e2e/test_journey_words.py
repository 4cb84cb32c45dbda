"""The words a subscriber reads (issue 18 "The journeys as a person lives them", item 10), in a
real browser (Debian's headless Chromium, driven by Playwright) through the whole stack: the
manual's «Внимание!» and its 1–3 working days (an en dash, on «Мои счета» too), «№» never left
alone at a line's end, «Забыли пароль?», a digit count in its Russian plural, the region list by
the place's own name (so «Городской округ Симферополь» and «Симферопольский район» stand
together) and, under every field that asks for it, where the account number is found.

The pay window's title is looked at 375 px wide, where it wraps. Screenshots land in
`var/screenshots/` (git-ignored).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from playwright.async_api import Browser, Page, expect
from web_support import PHONE, PHONE_375, Watch, chromium, heading, shoot, visitor

from lka_common.testing.portal import PASSWORD, bearer, new_address, register_and_confirm, sign_in
from lka_common.testing.stack import Stack

pytestmark = pytest.mark.slow

SIMFEROPOL, NUMBER, LETTERS = "simferopol", "91000101", "ИВА"  # the billing simulator's Иванов, CE102-0101: 6 digits
NOTE = "Время обработки информации о поступивших платежах и переданных показаниях приборов учета"
ACCOUNT_NUMBER_HINT = "Номер лицевого счета указан в квитанции"
NBSP = "\u00a0"


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as launched:
        yield launched


async def text_of(page: Page) -> str:
    return await page.locator("main").inner_text()


async def test_10_the_words_are_the_manuals_and_read_as_russian(stack: Stack, browser: Browser) -> None:
    email = new_address()
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=15) as http:
        await register_and_confirm(http, stack.mail, email)
        headers = bearer(await sign_in(http, email))
        body = {"region_code": SIMFEROPOL, "number": NUMBER, "surname_prefix": LETTERS}
        linked = await http.post("/api/v1/accounts", json=body, headers=headers)
        assert linked.status_code == 201, linked.text

    context = await visitor(browser)
    page = await context.new_page()
    watch = Watch(stack.gateway)
    watch.attach(page)
    try:
        # «Авторизация»: the manual's link asks its question.
        await page.goto(f"{stack.gateway}/")
        await heading(page, "Авторизация")
        await expect(page.get_by_role("main").get_by_role("link", name="Забыли пароль?", exact=True)).to_be_visible()

        # «Регистрация»: the law's number stays with its «№».
        await page.get_by_role("main").get_by_role("link", name="Регистрация", exact=True).click()
        await heading(page, "Регистрация")
        assert f"№{NBSP}152-ФЗ" in await text_of(page)

        # «Внести показания без регистрации»: where the account number is found.
        await page.goto(f"{stack.gateway}/readings/public")
        await expect(page.get_by_text(ACCOUNT_NUMBER_HINT)).to_be_visible()

        # «Мои счета»: the manual's warning with its en dash, and no hyphenated «1-3» anywhere.
        await page.goto(f"{stack.gateway}/")
        await page.get_by_label("Адрес электронной почты").fill(email)
        await page.get_by_label("Пароль", exact=True).fill(PASSWORD)
        await page.get_by_role("button", name="Войти").click()
        await heading(page, "Мои счета")
        note = page.locator("p.note", has_text=NOTE)
        await expect(note).to_contain_text(re.compile(r"^Внимание!\s"))
        await expect(note).to_contain_text("1–3 рабочих дня")
        assert "1-3" not in await text_of(page)

        # «Добавить»: the regions by the place's own name, the hint under the number.
        await page.get_by_role("button", name="Добавить", exact=True).click()
        adding = page.locator("#add-account")
        regions = adding.get_by_label("Регион")
        # The list comes from the regions call after the form opens: wait for it, then read it whole.
        await expect(regions.locator("option", has_text="Симферопольский район")).to_have_count(1)
        options = await regions.locator("option").all_inner_texts()
        city, district = options.index("Городской округ Симферополь"), options.index("Симферопольский район")
        assert district == city + 1, options
        await expect(adding.get_by_text(ACCOUNT_NUMBER_HINT)).to_be_visible()
        await adding.get_by_role("button", name="Отмена").click()

        # The pay window's title, wrapped at 375 px: «№» goes with its number.
        await page.set_viewport_size(PHONE_375)
        await page.get_by_role("button", name=f"Оплатить по лицевому счету № {NUMBER}").click()
        title = page.get_by_role("dialog").get_by_role("heading").first
        await expect(title).to_have_text(f"Оплата по лицевому счету №{NBSP}{NUMBER}")
        lines = await title.evaluate(
            """(node) => {
                const range = document.createRange();
                const text = node.firstChild;
                const tops = [];
                for (let i = 0; i < text.length; i++) {
                    range.setStart(text, i); range.setEnd(text, i + 1);
                    tops.push([text.data[i], Math.round(range.getBoundingClientRect().top)]);
                }
                return tops;
            }"""
        )
        sign = next(top for char, top in lines if char == "№")
        first_digit = next(top for char, top in lines if char == NUMBER[0])
        assert sign == first_digit, f"«№» on one line, the number on the next: {lines}"
        await shoot(page, "journey-words-pay-title")
        await page.keyboard.press("Escape")
        await page.set_viewport_size(PHONE)

        # «Показания»: the meter's digit count in its plural.
        await page.goto(f"{stack.gateway}/readings")
        await heading(page, "Показания")
        await expect(page.get_by_text("Однотарифный, 6 цифр до запятой")).to_be_visible()
        await shoot(page, "journey-words-readings")
        watch.assert_clean("the subscriber's pages")
    finally:
        await context.close()
