"""Payments as the people involved live them (issue 18 "The journeys as a person lives them",
items 5 and 6), in a real browser (Debian's headless Chromium, driven by Playwright) through
the whole stack:

5. a co-owner of an account sees, in «Платежи», the payments of the account that succeeded —
   from any channel and any profile — and never another profile's unfinished attempts (left on
   the bank's page, declined, lapsed); an attempt of their own left on the bank's page says
   «В обработке» and until when the bank's page lasts (then it is `expired`);
6. the result page names the account; a declined payment says that the card was not charged
   and offers «Оплатить еще раз», which opens the pay dialog for that account with the amount
   filled in; a payment the bank reversed after taking the money says that the money went back
   to the card, never that it was not taken.

Screens where layout is the point are checked at 1280, 375 and 360 px wide (no sideways scroll);
screenshots land in `var/screenshots/` (git-ignored). Every page is watched for console errors
and CSP violations.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import aiohttp
import httpx
import pytest
from playwright.async_api import Browser, Locator, Page, expect
from web_support import chromium, fits, heading, plain, signed_in

from lka_acquirer_emulator.testing import Browser as CardPayer
from lka_acquirer_emulator.testing import card_form
from lka_common.testing import events
from lka_common.testing.portal import bearer, register_and_confirm, sign_in
from lka_common.testing.stack import Stack

pytestmark = pytest.mark.slow

T = TypeVar("T")


async def eventually(check: Callable[[], Awaitable[T | None]], what: str) -> T:
    """Polled every 0.3 s with a deadline for a whole stack on a shared machine."""
    return await events.eventually(check, what, timeout=30, interval=0.3)


# The billing simulator's demo accounts (tools/billing_simulator/README.md), one per journey.
SIMFEROPOL = ("simferopol", "91000101", "ИВА")
YALTA = ("yalta", "91000202", "ЁЛК")
KERCH = ("kerch", "91000303", "ПЕТ")

VISA, DECLINED, MASTERCARD = "4111 1111 1111 1111", "4000 0000 0000 0002", "5555 5555 5555 4444"
PAID = "Оплата прошла успешно"
NOT_PAID = "Оплата не прошла"
NOT_CHARGED = "Деньги с карты не списаны"
RETURNED = "Деньги возвращены на карту"
PAY_AGAIN = "Оплатить еще раз"
SIMFEROPOL_TIME = ZoneInfo("Europe/Simferopol")
SESSION_TIMEOUT_S = 1200  # LKA_PAYMENTS_RBS_SESSION_TIMEOUT_S, the bank's page, as the stack runs it
# The emulator's credentials are the payments service's development placeholders.
BANK_LOGIN = {"userName": "change-me-rbs-user", "password": "change-me-rbs-password"}


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as launched:
        yield launched


async def api(stack: Stack, method: str, path: str, headers: dict[str, str], body: Any = None) -> httpx.Response:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=20) as http:
        return await http.request(method, f"/api/v1{path}", json=body, headers=headers)


async def new_person(stack: Stack, account: tuple[str, str, str]) -> tuple[str, dict[str, str], str]:
    """A confirmed subscriber with this demo account linked, once payments knows of the link:
    (their e-mail, API headers, the account's id)."""
    email = f"pay-{secrets.token_hex(5)}@example.ru"
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=20) as http:
        await register_and_confirm(http, stack.mail, email)
        headers = bearer(await sign_in(http, email))
    code, number, letters = account
    linked = await api(
        stack, "POST", "/accounts", headers, {"region_code": code, "number": number, "surname_prefix": letters}
    )
    assert linked.status_code == 201, linked.text
    account_id = str(linked.json()["account"]["id"])

    async def payments_knows() -> bool | None:
        return (await api(stack, "GET", f"/accounts/{account_id}/payments", headers)).status_code == 200 or None

    await eventually(payments_knows, "payments knows the linked account")
    return email, headers, account_id


async def start_payment(stack: Stack, headers: dict[str, str], account_id: str, amount: str) -> dict[str, Any]:
    key = {"Idempotency-Key": str(uuid.uuid4())}
    started = await api(stack, "POST", "/payments", {**headers, **key}, {"account_id": account_id, "amount": amount})
    assert started.status_code == 201, started.text
    return dict(started.json())


async def settled(stack: Stack, headers: dict[str, str], payment_id: str) -> dict[str, Any]:
    async def done() -> dict[str, Any] | None:
        body: dict[str, Any] = (await api(stack, "GET", f"/payments/{payment_id}", headers)).json()
        return body if body["status"] != "pending" else None

    return await eventually(done, f"payment {payment_id} settled")


async def pay_on_the_banks_page(started: dict[str, Any], *steps: dict[str, str]) -> None:
    """The payer's browser through the bank's pages (without JavaScript: our result page is
    fetched, not run, so nothing asks the portal about the payment)."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as session:
        visit = await CardPayer(session).pay(started["confirmation_url"], *steps)
    assert urlsplit(visit.final_url).path == f"/payments/{started['id']}/result", visit.final_url


async def bank(stack: Stack, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
    """The emulated bank: its RBS API (form posts) or its control endpoints (JSON)."""
    async with httpx.AsyncClient(base_url=stack.url(8090), timeout=20) as http:
        answer = await http.request(method, path, **kwargs)
    assert answer.status_code < 300, answer.text
    return dict(answer.json())


def md_order(started: dict[str, Any]) -> str:
    url: str = started["confirmation_url"]
    return parse_qs(urlsplit(url).query)["mdOrder"][0]


def rub(amount: str) -> str:
    """ "1000000.00" -> "1 000 000,00 ₽", as `plain` leaves the page's money."""
    whole, kopecks = amount.split(".")
    return f"{int(whole):,}".replace(",", " ") + f",{kopecks} ₽"


def history_rows(page: Page) -> Locator:
    table = page.locator("table", has=page.get_by_role("columnheader", name="Статус"))
    return table.locator("tbody tr")


async def amounts_listed(page: Page) -> list[str]:
    return [plain(text) for text in await history_rows(page).locator("td[data-label='Сумма']").all_inner_texts()]


def missing(text: str, wanted: Sequence[str], unwanted: Sequence[str] = ()) -> list[str]:
    """What the page should say and does not, and what it says and should not."""
    seen = plain(text)
    return [f"no «{want}»" for want in wanted if want not in seen] + [
        f"says «{bad}»" for bad in unwanted if bad in seen
    ]


# ---------- 5. whose payments a co-owner sees; when an attempt left on the bank's page lapses ----------


async def test_5_a_co_owner_sees_settled_payments_never_anothers_attempts_and_when_their_own_lapses(
    stack: Stack, browser: Browser
) -> None:
    _, other, other_account = await new_person(stack, SIMFEROPOL)
    email, mine, account_id = await new_person(stack, SIMFEROPOL)
    assert other_account == account_id  # one account, two profiles

    # The other profile: an attempt that lapsed (the bank's clock moved past its page's 20 minutes),
    # one left on the bank's page, one declined, and one paid.
    lapsed = await start_payment(stack, other, account_id, "33.00")
    await bank(stack, "POST", "/emulator/clock", json={"advance_seconds": SESSION_TIMEOUT_S + 100})
    assert (await settled(stack, other, lapsed["id"]))["status"] == "expired"
    left = await start_payment(stack, other, account_id, "7.00")
    declined = await start_payment(stack, other, account_id, "1000000.00")
    await pay_on_the_banks_page(declined, card_form(DECLINED))
    assert (await settled(stack, other, declined["id"]))["status"] == "failed"
    paid = await start_payment(stack, other, account_id, "456.78")
    await pay_on_the_banks_page(paid, card_form(MASTERCARD))
    assert (await settled(stack, other, paid["id"]))["status"] == "succeeded"

    page, watch = await signed_in(browser, stack.gateway, email)
    try:
        await page.get_by_role("navigation").get_by_role("link", name="Платежи").click()
        await heading(page, "Платежи")
        await expect(history_rows(page).first).to_be_visible()
        amounts = await amounts_listed(page)
        problems = [
            f"another's attempt of {a} listed" for a in (rub("7.00"), rub("1000000.00"), rub("33.00")) if a in amounts
        ]
        row = history_rows(page).filter(has_text=re.compile(r"456,78"))
        await expect(row).to_contain_text("Оплачен")

        # Their own attempt: to the bank's page, and away from it without paying.
        await page.get_by_role("button", name=re.compile("^Оплатить")).first.click()
        dialog = page.get_by_role("dialog", name=f"Оплата по лицевому счету № {SIMFEROPOL[1]}")
        await dialog.get_by_label("Сумма платежа, ₽").fill("321,45")
        await dialog.get_by_role("button", name="Оплатить", exact=True).click()
        await page.wait_for_url(f"{stack.url(8090)}/**")
        await expect(page.locator("input[name=pan]")).to_be_visible()
        await page.goto(f"{stack.gateway}/payments?account={account_id}")
        await heading(page, "Платежи")

        # «В обработке», and until when the bank's page lasts (in Simferopol's time).
        own = [
            i
            for i in (await api(stack, "GET", f"/accounts/{account_id}/payments", mine)).json()
            if i["amount"] == "321.45"
        ]
        assert [i["status"] for i in own] == ["pending"], own
        lapses = datetime.fromisoformat(own[0]["created_at"]) + timedelta(seconds=SESSION_TIMEOUT_S)
        until = lapses.astimezone(SIMFEROPOL_TIME).strftime("%H:%M")
        row = history_rows(page).filter(has_text=re.compile(r"321,45"))
        await expect(row).to_contain_text("В обработке")
        problems += missing(await row.inner_text(), [f"действует до {until}", "будет отменен"])
        assert not problems, f"the co-owner's «Платежи»: {problems}"
        await fits(page, "journey-payments-pending")
        watch.assert_clean("the co-owner's pages")
    finally:
        await page.context.close()

    # The same through the API: the other's succeeded payment, none of their attempts.
    ids = {item["id"] for item in (await api(stack, "GET", f"/accounts/{account_id}/payments", mine)).json()}
    assert paid["id"] in ids
    assert not ids & {lapsed["id"], left["id"], declined["id"]}, "another profile's attempts are listed"


# ---------- 6. the result page: the account, what happened to the money, paying again ----------


async def test_6_a_declined_payment_names_the_account_says_the_card_was_not_charged_and_pays_again(
    stack: Stack, browser: Browser
) -> None:
    email, _, account_id = await new_person(stack, YALTA)
    number = YALTA[1]
    page, watch = await signed_in(browser, stack.gateway, email)
    try:
        await page.goto(f"{stack.gateway}/payments?account={account_id}")
        await heading(page, "Платежи")
        await page.get_by_role("button", name=re.compile("^Оплатить")).first.click()
        dialog = page.get_by_role("dialog", name=f"Оплата по лицевому счету № {number}")
        await dialog.get_by_label("Сумма платежа, ₽").fill("123,45")
        await dialog.get_by_role("button", name="Оплатить", exact=True).click()
        await card_page(page, stack, DECLINED)

        await heading(page, "Результат оплаты")
        result = page.get_by_role("main")
        await expect(result).to_contain_text(NOT_PAID, timeout=60_000)
        problems = missing(
            await result.inner_text(),
            ["Банк, выпустивший карту, отклонил платеж", NOT_CHARGED, f"Лицевой счет № {number}", rub("123.45")],
            [RETURNED],
        )
        again = page.get_by_role("button", name=PAY_AGAIN)
        if not await again.count():
            problems.append(f"no «{PAY_AGAIN}» button")
        assert not problems, f"the declined payment's page: {problems}"
        await fits(page, "journey-payment-declined")

        # «Оплатить еще раз»: the pay dialog of that account, with the same amount.
        await again.click()
        dialog = page.get_by_role("dialog", name=f"Оплата по лицевому счету № {number}")
        await expect(dialog).to_be_visible()
        await expect(dialog.get_by_label("Сумма платежа, ₽")).to_have_value("123,45")
        await fits(page, "journey-pay-again")
        await dialog.get_by_role("button", name="Оплатить", exact=True).click()
        await card_page(page, stack, VISA)
        await heading(page, "Результат оплаты")
        await expect(page.get_by_text(PAID, exact=True)).to_be_visible(timeout=60_000)
        problems = missing(await result.inner_text(), [f"Лицевой счет № {number}", rub("123.45")], [NOT_PAID])
        assert not problems, f"the paid payment's page: {problems}"
        await fits(page, "journey-payment-paid")
        watch.assert_clean("the payer's pages")
    finally:
        await page.context.close()


async def card_page(page: Page, stack: Stack, pan: str) -> None:
    """The emulated bank's card page in the browser, then back on our result page."""
    await page.wait_for_url(f"{stack.url(8090)}/**")
    await page.locator("input[name=pan]").fill(pan)
    await page.locator("input[name=expiry]").fill("12/30")
    await page.locator("input[name=cvc]").fill(f"{100 + secrets.randbelow(900)}")
    await page.get_by_role("button", name="Оплатить").click()
    await page.wait_for_url(re.compile(re.escape(stack.gateway) + r"/payments/[0-9a-f-]+/result(\?.*)?$"))


async def test_6_a_payment_the_bank_reversed_says_the_money_went_back_to_the_card(
    stack: Stack, browser: Browser
) -> None:
    email, headers, account_id = await new_person(stack, KERCH)
    number = KERCH[1]
    # The bank takes the money and then reverses the order (its back office, a fraud check),
    # before the portal has heard of the payment: the callbacks are held back meanwhile.
    await bank(stack, "PUT", "/emulator/settings", json={"callbacks": "off"})
    try:
        started = await start_payment(stack, headers, account_id, "777.77")
        await pay_on_the_banks_page(started, card_form(VISA))
        reversed_ = await bank(
            stack, "POST", "/payment/rest/reverse.do", data={**BANK_LOGIN, "orderId": md_order(started)}
        )
        assert reversed_["errorCode"] == "0", reversed_
    finally:
        await bank(stack, "PUT", "/emulator/settings", json={"callbacks": "on"})

    page, watch = await signed_in(browser, stack.gateway, email)
    try:
        await page.goto(f"{stack.gateway}/payments/{started['id']}/result")
        await heading(page, "Результат оплаты")
        result = page.get_by_role("main")
        await expect(result).to_contain_text(NOT_PAID, timeout=60_000)
        problems = missing(
            await result.inner_text(),
            ["Платеж отменен банком", RETURNED, f"Лицевой счет № {number}", rub("777.77")],
            [NOT_CHARGED, "не списаны"],
        )
        assert not problems, f"the reversed payment's page: {problems}"
        await fits(page, "journey-payment-reversed")
        watch.assert_clean("the payer's pages")
    finally:
        await page.context.close()
    assert (await settled(stack, headers, started["id"]))["failure_reason"] == "reversed"
