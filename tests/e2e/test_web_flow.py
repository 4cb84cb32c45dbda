"""The cabinet in a real browser (web front end issue, "must hold" 1 and 2): Debian's headless
Chromium, driven by Playwright, goes through the pages the gateway serves as a subscriber would —
register, confirm by the letter's link, sign in, link a demo account, submit a reading, pay with
a Visa test card on the emulated bank's card page, see «Оплата прошла успешно», sign out.

Only the letter is read outside the browser (from the mail catcher). Every page is checked for
console errors and Content-Security-Policy violations, and at phone width for sideways scroll.
Screenshots of the main screens at 1280 and 360 px wide land in `var/screenshots/` (git-ignored)
for a person to look at.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.async_api import Browser, expect
from web_support import DESKTOP, PHONE, SHOTS, Watch, chromium, heading, shoot, visitor

from lka_common.testing.portal import CONFIRMATION_SUBJECT, PASSWORD, letter, new_address
from lka_common.testing.stack import Stack

pytestmark = pytest.mark.slow

# The billing simulator's demo account (tools/billing_simulator/README.md).
REGION, NUMBER, LETTERS, SERIAL = "Городской округ Симферополь", "91000101", "ИВА", "CE102-0101"
VISA = "4111 1111 1111 1111"
PAID = "Оплата прошла успешно"


def money(typed: str) -> re.Pattern[str]:
    """ "1523,40" -> what the page shows, «1 523,40 ₽» (any space between digit groups)."""
    whole, kopecks = typed.split(",")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return re.compile(r"\s".join(groups) + f",{kopecks}" + r"\s₽")


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as launched:
        yield launched


async def test_a_subscriber_registers_links_an_account_submits_a_reading_pays_and_signs_out(
    stack: Stack, browser: Browser
) -> None:
    await web_flow(browser, stack.gateway, stack.mail, stack.url(8090))


async def web_flow(browser: Browser, gateway: str, mail: str, acquirer: str) -> None:
    """The whole flow, on any running stack (a developer can run it against `make run`)."""
    context = await visitor(browser)
    page = await context.new_page()
    watch = Watch(gateway)
    watch.attach(page)
    email = new_address()
    try:
        # «Авторизация», then «Регистрация» by its link.
        await page.goto(f"{gateway}/")
        await heading(page, "Авторизация")
        for link in ("Регистрация", "Забыли пароль?", "Внести показания без регистрации", "Обратная связь"):
            await expect(page.get_by_role("main").get_by_role("link", name=link, exact=True)).to_be_visible()
        await page.keyboard.press("Tab")  # the first stop is the skip link
        await expect(page.get_by_role("link", name="Перейти к основному содержанию")).to_be_focused()
        await shoot(page, "signin")
        await page.get_by_role("main").get_by_role("link", name="Регистрация", exact=True).click()
        await heading(page, "Регистрация")

        await page.get_by_label("Адрес электронной почты").fill(email)
        await page.get_by_label("Пароль", exact=True).fill(PASSWORD)
        await page.get_by_label("Повторите пароль").fill(PASSWORD)
        await page.get_by_role("button", name="Зарегистрировать").click()
        # The consent of 152-ФЗ is required before anything is sent.
        await expect(page.get_by_text("Необходимо согласие на обработку персональных данных")).to_be_visible()
        await page.get_by_role("checkbox", name=re.compile("согласие")).check()
        await shoot(page, "register")
        await page.get_by_role("button", name="Зарегистрировать").click()
        await expect(page.get_by_text(re.compile("^Создана учетная запись"))).to_be_visible()

        # The letter's link, opened in the browser.
        async with httpx.AsyncClient(timeout=20) as http:
            message = await letter(http, mail, email, CONFIRMATION_SUBJECT)
        found = re.search(r"https?://\S+/confirm-email\?token=[A-Za-z0-9_-]+", message["text"])
        assert found, message["text"]
        assert found.group(0).startswith(f"{gateway}/"), found.group(0)
        await page.goto(found.group(0))
        await heading(page, "Подтверждение адреса электронной почты")
        await expect(page.get_by_text("Адрес электронной почты подтвержден")).to_be_visible()
        await page.get_by_role("link", name="Войти в личный кабинет").click()

        # Sign in: the private pages open, starting with «Мои счета».
        await heading(page, "Авторизация")
        await page.get_by_label("Адрес электронной почты").fill(email)
        await page.get_by_label("Пароль", exact=True).fill(PASSWORD)
        await page.get_by_role("button", name="Войти").click()
        await heading(page, "Мои счета")
        await expect(page.get_by_text("У Вас пока нет привязанных лицевых счетов")).to_be_visible()
        await expect(page.get_by_role("button", name="Выход")).to_be_visible()

        # «Добавить»: region, number and the first three letters of the owner's surname.
        await page.get_by_role("button", name="Добавить", exact=True).click()
        adding = page.locator("#add-account")
        await expect(adding.get_by_role("heading", name="Добавление лицевого счета")).to_be_visible()
        await adding.get_by_label("Регион").select_option(label=REGION)
        await adding.get_by_label("Номер лицевого счета").fill(NUMBER)
        await adding.get_by_role("radio", name="Первые три буквы фамилии владельца").check()
        await adding.get_by_role("textbox", name="Первые три буквы фамилии владельца").fill(LETTERS)
        await adding.get_by_role("button", name="Добавить", exact=True).click()
        await expect(page.get_by_text("Счет успешно привязан к Вашей учетной записи")).to_be_visible()
        card = page.locator("article", has=page.get_by_role("heading", name=f"Лицевой счет № {NUMBER}"))
        await expect(card).to_contain_text(re.compile("Задолженность|Переплата"))
        await expect(card).to_contain_text("Пеня")
        await expect(card).to_contain_text("К оплате")
        await shoot(page, "accounts")
        await page.set_viewport_size(PHONE)
        await page.get_by_role("button", name="Меню").click()
        menu = page.get_by_role("navigation", name="Основное меню")
        await expect(menu.get_by_role("link", name="Показания")).to_be_visible()
        await page.screenshot(path=str(SHOTS / "menu-360.png"))
        await page.get_by_role("button", name="Меню").click()
        await page.set_viewport_size(DESKTOP)

        # «Показания»: the demo meter's one zone, its last value plus a plausible month.
        await page.get_by_role("navigation").get_by_role("link", name="Показания").click()
        await heading(page, "Показания")
        meter = page.locator("article", has=page.get_by_role("heading", name=f"Счетчик № {SERIAL}"))
        zone = meter.get_by_role("textbox", name=re.compile("^T1"))
        await expect(zone).to_be_visible()
        hint = await meter.locator(".field-hint").first.inner_text()
        last = re.search(r"Предыдущее: ([\d\s\u00a0,]+)", hint)
        assert last, hint
        value = int(float(re.sub(r"[\s\u00a0]", "", last.group(1)).replace(",", "."))) + 50 + secrets.randbelow(150)
        await zone.fill(str(value))
        await meter.get_by_role("button", name="Передать показания").click()
        await expect(meter.get_by_text(re.compile("Показания переданы и будут учтены за"))).to_be_visible()
        history = page.locator("table", has=page.get_by_role("columnheader", name="Статус"))
        row = history.locator("tbody tr").filter(has_text=re.compile(rf"T1: {value // 1000}\s{value % 1000:03d}"))
        await expect(row.first).to_contain_text(re.compile("Принято порталом|Передано в биллинг|Принято"))
        await expect(page.get_by_text(re.compile("составляет 1–3 рабочих дня")).first).to_be_visible()
        await shoot(page, "readings-sent")

        # «Платежи»: the history, and paying from there.
        await page.get_by_role("navigation").get_by_role("link", name="Платежи").click()
        await heading(page, "Платежи")
        await expect(page.get_by_role("heading", name="История платежей")).to_be_visible()
        await shoot(page, "payments")

        await page.get_by_role("button", name=re.compile("^Оплатить")).first.click()
        dialog = page.get_by_role("dialog", name=f"Оплата по лицевому счету № {NUMBER}")
        await expect(dialog).to_be_visible()
        amount = dialog.get_by_label("Сумма платежа, ₽")
        await expect(amount).to_be_focused()
        due = await amount.input_value()
        if not re.fullmatch(r"\d+,\d{2}", due) or due == "0,00":
            due = f"{100 + secrets.randbelow(900)},{secrets.randbelow(100):02d}"  # an account paid off already
            await amount.fill(due)
        await shoot(page, "pay-dialog")
        await page.keyboard.press("Escape")  # Esc closes it; the pay button gets the focus back
        await expect(dialog).to_be_hidden()
        pay = page.get_by_role("button", name=re.compile("^Оплатить")).first
        await expect(pay).to_be_focused()
        await pay.click()
        await expect(dialog).to_be_visible()
        await dialog.get_by_label("Сумма платежа, ₽").fill(due)
        await dialog.get_by_role("button", name="Оплатить", exact=True).click()

        # The emulated bank's card page, on its own origin.
        await page.wait_for_url(f"{acquirer}/**")
        await page.locator("input[name=pan]").fill(VISA)
        await page.locator("input[name=expiry]").fill("12/30")
        await page.locator("input[name=cvc]").fill(f"{100 + secrets.randbelow(900)}")
        await page.locator("input[name=cardholder]").fill("IVAN IVANOV")
        await page.get_by_role("button", name="Оплатить").click()

        # Back on our result page: «Оплата прошла успешно» with the amount and the card.
        await page.wait_for_url(re.compile(re.escape(gateway) + r"/payments/[0-9a-f-]+/result(\?.*)?$"))
        await heading(page, "Результат оплаты")
        await expect(page.get_by_text(PAID, exact=True)).to_be_visible(timeout=60_000)
        result = page.get_by_role("main")
        await expect(result).to_contain_text(money(due))
        await expect(result).to_contain_text("Visa")
        await expect(result).to_contain_text("1111")
        await shoot(page, "payment-result")
        await page.get_by_role("link", name="К платежам").click()
        await heading(page, "Платежи")
        await expect(page.get_by_text("Онлайн").first).to_be_visible()

        # Back to «Показания»: billing's verdict on the reading, and the month's consumption.
        await page.get_by_role("navigation").get_by_role("link", name="Показания").click()
        await heading(page, "Показания")
        status = page.locator("tbody tr").first.locator(".badge")
        for _ in range(30):  # the simulated billing answers within seconds; the page shows it on load
            await expect(status).to_be_visible()
            if await status.inner_text() == "Принято":
                break
            await page.wait_for_timeout(1000)
            await page.reload()
        await expect(status).to_have_text("Принято")
        await shoot(page, "readings")

        # «Профиль», after the 15-minute access cookie ran out: the page renews the session itself.
        await page.get_by_role("navigation").get_by_role("link", name="Профиль").click()
        await heading(page, "Профиль")
        await context.clear_cookies(name="__Host-lka_access")
        watch.expected.add((401, "/api/v1/profile"))
        async with page.expect_response(f"{gateway}/api/v1/auth/refresh") as renewed:
            await page.reload()
        assert (await renewed.value).status == 200
        await heading(page, "Профиль")
        await expect(page.get_by_role("main")).to_contain_text(email)
        await page.get_by_role("button", name="Объединить профили").click()
        await expect(page.get_by_role("heading", name="Объединение учетных записей")).to_be_visible()
        await shoot(page, "profile")

        # The exit icon; a private page then sends the visitor to sign in.
        await page.get_by_role("button", name="Выход").click()
        await heading(page, "Авторизация")
        await page.goto(f"{gateway}/accounts")
        await heading(page, "Авторизация")
        assert urlsplit(page.url).path == "/", page.url
        await expect(page.get_by_role("button", name="Выход")).to_have_count(0)

        # The anonymous readings form and an unknown address, signed out.
        await page.get_by_role("main").get_by_role("link", name="Внести показания без регистрации").click()
        await heading(page, "Передача показаний без регистрации")
        await page.get_by_label("Регион").select_option(label=REGION)
        await page.get_by_label("Номер лицевого счета").fill(NUMBER)
        await page.get_by_label("Заводской номер счетчика").fill(f"{SERIAL}-X")
        watch.expected.add((404, "/api/v1/public/readings/meter"))  # a wrong serial, said in Russian
        await page.get_by_role("button", name="Найти счетчик").click()
        await expect(page.get_by_role("alert")).to_contain_text("Счет или счетчик не найден")
        await shoot(page, "public-readings")
        nowhere = f"/{uuid.uuid4().hex}"
        watch.expected.add((404, nowhere))
        await page.goto(f"{gateway}{nowhere}")
        await heading(page, "Страница не найдена")
        watch.assert_clean("the flow")
    finally:
        await context.close()
