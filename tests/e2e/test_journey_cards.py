"""Saved cards, SBP, the basket and autopay as a subscriber lives them (issue 21, the web part), in
a real browser (Debian's headless Chromium, driven by Playwright) through the whole stack with the
emulated bank:

1. paying with «Сохранить карту для следующих платежей» ticked leaves the card in «Профиль» →
   «Сохраненные карты» (brand, masked number, expiry), offered first by the next pay dialog, and
   removed there after a confirmation, which then explains how a card is saved;
2. «СБП (по QR-коду)» in the pay dialog leads to the result page with the QR code (an image, no
   CSP violation), «Ожидаем оплату…», and on a phone «Открыть приложение банка» with the QR
   code's link; once the payer's bank app pays it (the emulator's
   `POST /emulator/sbp/{qr_id}/pay`) the page says «Оплата прошла успешно»;
3. «Оплатить несколько счетов» on «Мои счета»: two accounts with their amounts due filled in,
   the total, paid by card on the bank's page → the basket's result page lists both;
4. «Автоплатеж» on an account's card: set with the saved card, a day and a limit, shown after a
   reload, switched off after a confirmation.

Every screen is checked at 1280, 375 and 360 px wide (no sideways scroll); screenshots land in
`var/screenshots/` (git-ignored). Every page is watched for console errors and CSP violations.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import httpx
import pytest
from payments_support import V1, eventually, start_payment
from playwright.async_api import Browser, Page, expect
from web_support import PHONE_375, chromium, fits, heading, plain, signed_in

from lka_acquirer_emulator.testing import Browser as CardPayer
from lka_acquirer_emulator.testing import card_form
from lka_common.testing.portal import Subscriber, new_subscriber
from lka_common.testing.stack import Stack

pytestmark = pytest.mark.slow

# The billing simulator's demo accounts (tools/billing_simulator/README.md).
SIMFEROPOL = ("simferopol", "91000101", "ИВА")
YALTA = ("yalta", "91000202", "ЁЛК")
KERCH = ("kerch", "91000303", "ПЕТ")
VISA = "4111 1111 1111 1111"
PAID = "Оплата прошла успешно"
SAVE_CARD = "Сохранить карту для следующих платежей"
SBP = "СБП (по QR-коду)"
NO_CARDS = "Сохраненных карт нет"


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as launched:
        yield launched


@pytest.fixture
async def http(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=20) as client:
        yield client


async def person_with(
    http: httpx.AsyncClient, stack: Stack, *accounts: tuple[str, str, str]
) -> tuple[Subscriber, list[str]]:
    """A confirmed subscriber with these demo accounts linked, once payments knows each link."""
    me = await new_subscriber(http, stack.mail)
    ids = []
    for code, number, letters in accounts:
        body = {"region_code": code, "number": number, "surname_prefix": letters}
        linked = await http.post(f"{V1}/accounts", json=body, headers=me.headers)
        assert linked.status_code == 201, linked.text
        account_id = str(linked.json()["account"]["id"])

        async def known(account_id: str = account_id) -> bool | None:
            answer = await http.get(f"{V1}/accounts/{account_id}/payments", headers=me.headers)
            return answer.status_code == 200 or None

        await eventually(known, "payments knows the linked account")
        ids.append(account_id)
    return me, ids


async def on_the_card_page(page: Page, stack: Stack, pan: str, back: str) -> None:
    """The emulated bank's card page in the browser, then back on our page `back` (a pattern)."""
    await page.wait_for_url(f"{stack.url(8090)}/**")
    await page.locator("input[name=pan]").fill(pan)
    await page.locator("input[name=expiry]").fill("12/30")
    await page.locator("input[name=cvc]").fill(f"{100 + secrets.randbelow(900)}")
    await page.get_by_role("button", name="Оплатить").click()
    await page.wait_for_url(re.compile(re.escape(stack.gateway) + back + r"(\?.*)?$"))


def pay_dialog(page: Page, number: str) -> Any:
    return page.get_by_role("dialog", name=f"Оплата по лицевому счету № {number}")


async def saved_cards(http: httpx.AsyncClient, me: Subscriber) -> list[dict[str, Any]]:
    answer = await http.get(f"{V1}/cards", headers=me.headers)
    assert answer.status_code == 200, answer.text
    cards: list[dict[str, Any]] = answer.json()
    return cards


# ---------- 1. «Сохранить карту» → «Сохраненные карты» in «Профиль» ----------


async def test_1_a_card_saved_when_paying_is_listed_in_the_profile_offered_next_time_and_removed(
    stack: Stack, browser: Browser, http: httpx.AsyncClient
) -> None:
    me, _ = await person_with(http, stack, SIMFEROPOL)
    number = SIMFEROPOL[1]
    page, watch = await signed_in(browser, stack.gateway, me.email)
    try:
        await page.get_by_role("button", name=f"Оплатить по лицевому счету № {number}").click()
        dialog = pay_dialog(page, number)
        methods = dialog.get_by_role("group", name="Способ оплаты")
        await expect(methods.get_by_role("radio", name="Банковская карта")).to_be_checked()
        await expect(methods.get_by_role("radio", name=SBP)).to_be_visible()
        await dialog.get_by_label("Сумма платежа, ₽").fill("41,17")
        await dialog.get_by_role("checkbox", name=SAVE_CARD).check()
        await fits(page, "journey-pay-dialog-save-card")
        await dialog.get_by_role("button", name="Оплатить", exact=True).click()
        await on_the_card_page(page, stack, VISA, r"/payments/[0-9a-f-]+/result")
        await heading(page, "Результат оплаты")
        await expect(page.get_by_text(PAID, exact=True)).to_be_visible(timeout=60_000)

        # The bank keeps the card once the payment succeeded: «Профиль» lists it.
        async def listed() -> list[dict[str, Any]] | None:
            return await saved_cards(http, me) or None

        [card] = await eventually(listed, "the card is saved")
        await page.get_by_role("navigation").get_by_role("link", name="Профиль").click()
        await heading(page, "Профиль")
        section = page.locator("section", has=page.get_by_role("heading", name="Сохраненные карты"))
        cards = section.get_by_role("list", name="Сохраненные карты").get_by_role("listitem")
        await expect(cards).to_have_count(1)
        text = plain(await cards.first.inner_text())
        problems = [f"no «{want}»" for want in ("Visa", "4111 11•• •••• 1111", card["expiry"]) if want not in text]
        assert not problems, f"the saved card: {problems} in «{text}»"
        await fits(page, "journey-saved-cards")

        # The next pay dialog offers it first.
        await page.get_by_role("navigation").get_by_role("link", name="Мои счета").click()
        await heading(page, "Мои счета")
        await page.get_by_role("button", name=f"Оплатить по лицевому счету № {number}").click()
        dialog = pay_dialog(page, number)
        saved = dialog.get_by_role("radio", name=f"Visa •••• 1111, до {card['expiry']}")
        await expect(saved).to_be_checked()
        await expect(dialog.get_by_role("radio", name="Новая карта")).not_to_be_checked()
        await fits(page, "journey-pay-dialog-saved-card")
        await dialog.get_by_role("button", name="Отмена").click()

        # Removed after a confirmation; then the section says how a card is saved.
        await page.get_by_role("navigation").get_by_role("link", name="Профиль").click()
        await heading(page, "Профиль")
        await section.get_by_role("button", name="Удалить").click()
        confirm = page.get_by_role("dialog", name="Удалить карту?")
        await expect(confirm).to_contain_text("4111 11•• •••• 1111")
        await fits(page, "journey-saved-card-remove")
        await confirm.get_by_role("button", name="Удалить").click()
        await expect(section.get_by_role("status")).to_contain_text("удалена")
        await expect(section).to_contain_text(NO_CARDS)
        await expect(section).to_contain_text(f"«{SAVE_CARD}»")
        await fits(page, "journey-saved-cards-empty")
        watch.assert_clean("the saved cards' pages")
    finally:
        await page.context.close()
    assert await saved_cards(http, me) == []


# ---------- 2. SBP: the QR code on the result page, paid by the bank's app ----------


async def test_2_sbp_shows_the_qr_code_and_a_phone_link_and_the_page_sees_the_payment(
    stack: Stack, browser: Browser, http: httpx.AsyncClient
) -> None:
    me, _ = await person_with(http, stack, YALTA)
    number = YALTA[1]
    page, watch = await signed_in(browser, stack.gateway, me.email)
    try:
        await page.get_by_role("button", name=f"Оплатить по лицевому счету № {number}").click()
        dialog = pay_dialog(page, number)
        await dialog.get_by_label("Сумма платежа, ₽").fill("52,31")
        await dialog.get_by_role("radio", name=SBP).check()
        await expect(dialog.get_by_role("checkbox", name=SAVE_CARD)).to_have_count(0)
        await fits(page, "journey-pay-dialog-sbp")
        await dialog.get_by_role("button", name="Оплатить", exact=True).click()

        await page.wait_for_url(re.compile(re.escape(stack.gateway) + r"/payments/[0-9a-f-]+/result$"))
        await heading(page, "Результат оплаты")
        main = page.get_by_role("main")
        qr = main.get_by_role("img", name=re.compile("QR-код для оплаты"))
        await expect(qr).to_be_visible()
        assert (await qr.get_attribute("src") or "").startswith("data:image/svg+xml"), (
            "the QR code is not the API's SVG"
        )
        assert await qr.evaluate("img => img.complete && img.naturalWidth > 0"), "the QR code did not load"
        await expect(main).to_contain_text("Ожидаем оплату…")
        await expect(main.get_by_role("link", name="Открыть приложение банка")).to_have_count(0)  # a desktop
        await fits(page, "journey-sbp-qr")

        # On a phone: the link that opens the bank's app, the QR code's own text.
        await page.set_viewport_size(PHONE_375)
        app_link = main.get_by_role("link", name="Открыть приложение банка")
        await expect(app_link).to_be_visible()
        payload = await app_link.get_attribute("href") or ""
        assert payload.startswith("https://qr.nspk.ru/"), payload
        qr_id = urlsplit(payload).path.strip("/")

        # The payer's bank app pays it; the page sees it.
        async with httpx.AsyncClient(base_url=stack.url(8090), timeout=20) as bank:
            paid = await bank.post(f"/emulator/sbp/{qr_id}/pay")
        assert paid.status_code == 200, paid.text
        await expect(page.get_by_text(PAID, exact=True)).to_be_visible(timeout=60_000)
        await expect(main.get_by_role("img", name=re.compile("QR-код"))).to_have_count(0)
        text = plain(await main.inner_text())
        problems = [f"no «{want}»" for want in (f"Лицевой счет № {number}", "52,31 ₽", "СБП") if want not in text]
        assert not problems, f"the SBP payment's result: {problems}"
        await fits(page, "journey-sbp-paid")
        watch.assert_clean("the SBP payer's pages")
    finally:
        await page.context.close()


# ---------- 3. «Оплатить несколько счетов» ----------


def rub(kopecks: int) -> str:
    return f"{kopecks // 100:,}".replace(",", " ") + f",{kopecks % 100:02d} ₽"


async def test_3_a_basket_of_two_accounts_paid_by_card_lists_both_on_its_result_page(
    stack: Stack, browser: Browser, http: httpx.AsyncClient
) -> None:
    me, ids = await person_with(http, stack, SIMFEROPOL, KERCH)
    accounts = {a["id"]: a for a in (await http.get(f"{V1}/accounts", headers=me.headers)).json()}
    page, watch = await signed_in(browser, stack.gateway, me.email)
    try:
        await page.get_by_role("button", name="Оплатить несколько счетов").click()
        dialog = page.get_by_role("dialog", name="Оплата нескольких счетов")
        parts = {SIMFEROPOL[1]: 1234, KERCH[1]: 5678}
        for account_id in ids:
            account = accounts[account_id]
            number = account["number"]
            field = dialog.get_by_label(f"Сумма по лицевому счету № {number}, ₽")
            due = account["amount_due"]
            if not due.startswith("-") and due != "0.00":  # prefilled with what is due
                await expect(field).to_have_value(due.replace(".", ","))
            await dialog.get_by_role("checkbox", name=re.compile(rf"Лицевой счет №\s{number}")).check()
            await field.fill(f"{parts[number] // 100},{parts[number] % 100:02d}")
        total = sum(parts.values())
        await expect(dialog).to_contain_text(
            re.compile(r"Итого за 2 счета:\s*" + re.escape(rub(total)).replace(r"\ ", r"\s"))
        )
        await expect(dialog.get_by_role("radio", name="Банковская карта")).to_be_checked()
        await fits(page, "journey-basket-dialog")
        await dialog.get_by_role("button", name="Оплатить", exact=True).click()

        await on_the_card_page(page, stack, VISA, r"/payments/baskets/[0-9a-f-]+/result")
        await heading(page, "Результат оплаты")
        main = page.get_by_role("main")
        await expect(page.get_by_text(PAID, exact=True)).to_be_visible(timeout=60_000)
        text = plain(await main.inner_text())
        wanted = [f"№ {SIMFEROPOL[1]}", f"№ {KERCH[1]}", rub(1234), rub(5678), rub(total), "Итого"]
        problems = [f"no «{want}»" for want in wanted if want not in text]
        assert not problems, f"the basket's result: {problems} in «{text}»"
        await fits(page, "journey-basket-paid")
        watch.assert_clean("the basket payer's pages")
    finally:
        await page.context.close()


# ---------- 4. «Автоплатеж» on an account's card ----------


async def test_4_autopay_is_set_with_a_saved_card_shown_after_a_reload_and_switched_off(
    stack: Stack, browser: Browser, http: httpx.AsyncClient
) -> None:
    me, [account_id] = await person_with(http, stack, KERCH)
    number = KERCH[1]
    # A card saved by an earlier payment (through the bank's page without a browser).
    started = await start_payment(http, me, account_id, "17.43", save_card=True)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as session:
        await CardPayer(session).pay(started["confirmation_url"], card_form(VISA))

    async def listed() -> list[dict[str, Any]] | None:
        return await saved_cards(http, me) or None

    await eventually(listed, "the card is saved")

    page, watch = await signed_in(browser, stack.gateway, me.email)
    try:
        card = page.get_by_role("article", name=f"Лицевой счет № {number}")
        autopay = card.get_by_role("region", name="Автоплатеж")
        await expect(autopay).to_contain_text("Не подключен")
        await autopay.get_by_role("button", name=f"Подключить автоплатеж по лицевому счету № {number}").click()
        dialog = page.get_by_role("dialog", name=f"Автоплатеж по лицевому счету № {number}")
        await expect(dialog.get_by_label("Карта")).to_contain_text("Visa 4111 11•• •••• 1111")
        await dialog.get_by_label("День списания").select_option("15")
        await dialog.get_by_label("Не более, ₽").fill("3000")
        await fits(page, "journey-autopay-dialog")
        await dialog.get_by_role("button", name="Подключить").click()
        await expect(autopay.get_by_role("status")).to_contain_text("Автоплатеж подключен")
        summary = re.compile(r"Ежемесячно 15-го числа, не более 3\s000,00\s₽")
        await expect(autopay).to_contain_text(summary)
        await expect(autopay).to_contain_text("Следующее списание:")
        await fits(page, "journey-autopay-on")

        # What the API keeps, after a reload.
        await page.reload()
        await heading(page, "Мои счета")
        await expect(autopay).to_contain_text("Подключен")
        await expect(autopay).to_contain_text(summary)
        await expect(autopay).to_contain_text("Visa 4111 11•• •••• 1111")

        await autopay.get_by_role("button", name=f"Отключить автоплатеж по лицевому счету № {number}").click()
        confirm = page.get_by_role("dialog", name="Отключить автоплатеж?")
        await fits(page, "journey-autopay-off-confirm")
        await confirm.get_by_role("button", name="Отключить").click()
        await expect(autopay.get_by_role("status")).to_contain_text("Автоплатеж отключен")
        await expect(autopay).to_contain_text("Не подключен")
        await fits(page, "journey-autopay-off")
        watch.assert_clean("the autopay pages")
    finally:
        await page.context.close()
    answer = await http.get(f"{V1}/accounts/{account_id}/autopay", headers=me.headers)
    assert answer.status_code == 404, answer.text
