"""The staff's payments as the supplier's people live them (issue 22, the web part), in a real
browser (Debian's headless Chromium, driven by Playwright) through the whole stack with the
emulated bank:

1. an operator opens «Платежи», finds a subscriber's paid payment by the account number, opens
   its story (the payment, its timeline in words, its refunds) and gives part of it back
   («Вернуть деньги»: under the threshold, done at once);
2. a supervisor gives back more than the threshold: the refund waits («Ожидает подтверждения
   второго сотрудника»); in «Возвраты на подтверждение» their own approval is refused («Подтвердить возврат должен
   другой сотрудник»); a second supervisor approves it and it is done;
3. in «Сверка с банком» a supervisor runs today's reconciliation, prepared with the emulated bank's
   controls as test_reconciliation.py does (an amount the bank recorded otherwise, an order at
   the bank only): the totals, the differences in words with a link to the payment's story, and
   the CSV downloaded through the cookie session.

Staff menus: «Платежи» is one link more (the operator's six and the supervisor's eight share one
row of their own under the brand at 1280 px); its pages are tabs under it («Поиск платежей»,
for supervisors «Возвраты на подтверждение», «Сверка с банком»). Every screen is checked at
1280, 375 and 360 px wide (no sideways scroll); screenshots land in `var/screenshots/`. Every
page is watched for console errors and CSP violations (the refusal of one's own approval, a
403, is the one expected).
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import aiohttp
import httpx
import pytest
from operator_support import make_operator
from payments_support import V1, eventually, payer, start_payment
from playwright.async_api import Browser, Locator, Page, expect
from web_support import Watch, chromium, fits, heading, menu, plain, signed_in

from lka_acquirer_emulator.testing import Browser as CardPayer
from lka_acquirer_emulator.testing import card_form
from lka_common.testing.portal import Subscriber, new_address
from lka_common.testing.stack import Stack

pytestmark = pytest.mark.slow

VISA = "4111 1111 1111 1111"
STAFF_HOME = "Заявки на добавление счетов"
OPERATOR_MENU = ["Заявки", "Обращения", "Обратная связь", "Реестр счетов", "Платежи", "Профиль"]
SUPERVISOR_MENU = [*OPERATOR_MENU[:-1], "Журнал действий", "Задания", "Сотрудники", "Профиль"]
OPERATOR_TABS = ["Поиск платежей", "Сверка с банком"]
SUPERVISOR_TABS = ["Поиск платежей", "Возвраты на подтверждение", "Сверка с банком"]
AWAITING = "Ожидает подтверждения второго сотрудника"
SAME_ACTOR = "Подтвердить возврат должен другой сотрудник"


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as launched:
        yield launched


@pytest.fixture
async def http(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=20) as client:
        yield client


def md_order(started: dict[str, Any]) -> str:
    return str(parse_qs(urlsplit(started["confirmation_url"]).query)["mdOrder"][0])


async def paid(http: httpx.AsyncClient, me: Subscriber, account_id: str, amount: str) -> dict[str, Any]:
    """A payment of `amount` paid by card on the emulated bank's page, once settled here."""
    started = await start_payment(http, me, account_id, amount)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as session:
        await CardPayer(session).pay(started["confirmation_url"], card_form(VISA))

    async def succeeded() -> dict[str, Any] | None:
        body: dict[str, Any] = (await http.get(f"{V1}/payments/{started['id']}", headers=me.headers)).json()
        return body if body["status"] == "succeeded" else None

    done = await eventually(succeeded, f"payment {started['id']} succeeded")
    return {**done, "md_order": md_order(started)}


async def menu_row(page: Page, labels: list[str]) -> None:
    """The staff's links, in order, on one row of their own under the brand at 1280 px."""
    links = menu(page).get_by_role("link")
    await expect(links).to_have_text(labels)
    tops = set()
    for link in await links.all():
        box = await link.bounding_box()
        assert box is not None
        tops.add(round(box["y"]))
    assert len(tops) == 1, f"the staff menu wraps at 1280 px: link tops {sorted(tops)}"
    brand = await page.get_by_role("banner").get_by_role("link", name=re.compile("Крымэнерго")).bounding_box()
    first = await links.first.bounding_box()
    assert brand is not None and first is not None
    assert first["y"] >= brand["y"] + brand["height"] - 1, "the crowded menu is not under the brand"


def tabs(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Разделы платежей")


async def section(page: Page, title: str, expected_tabs: list[str]) -> None:
    """A page of «Платежи» through the menu, then its tab."""
    await menu(page).get_by_role("link", name="Платежи").click()
    await heading(page, "Платежи абонентов")
    await expect(tabs(page).get_by_role("link")).to_have_text(expected_tabs)
    await tabs(page).get_by_role("link", name=title).click()
    await heading(page, title)


def row_of(page: Page, amount: str) -> Locator:
    """The lookup's row of a payment of `amount` (e.g. «12 500,00», spaces as the page has them)."""
    pattern = re.compile(re.escape(amount).replace(r"\ ", r"\s"))
    return page.get_by_role("row").filter(has_text=pattern)


def facts(page: Page, term: str) -> Locator:
    return page.locator("dl > div").filter(has=page.get_by_text(term, exact=True)).locator("dd")


async def test_staff_find_refund_approve_and_reconcile_in_the_browser(
    browser: Browser, http: httpx.AsyncClient, stack: Stack, stack_env: tuple[dict[str, str], str, int]
) -> None:
    env = stack_env[0]
    me, account_id = await payer(http, stack)
    big = await paid(http, me, account_id, "12500.00")
    operator = await make_operator(env, new_address())
    first = await make_operator(env, new_address(), role="supervisor")
    second = await make_operator(env, new_address(), role="supervisor")

    page, watch = await signed_in(browser, stack.gateway, operator.email, STAFF_HOME, operator)
    await menu_row(page, OPERATOR_MENU)
    await operator_refunds_part(page, big)
    watch.assert_clean("the operator's pages")

    page, watch = await signed_in(browser, stack.gateway, first.email, STAFF_HOME, first)
    await menu_row(page, SUPERVISOR_MENU)
    await supervisor_cannot_approve_their_own(page, watch, big)
    watch.assert_clean("the first supervisor's pages")

    page, watch = await signed_in(browser, stack.gateway, second.email, STAFF_HOME, second)
    await second_supervisor_approves(page, big)

    mismatched, bank_only = await prepare_the_day(http, stack, me, account_id)
    await supervisor_reconciles(page, watch, big, mismatched, bank_only)
    watch.assert_clean("the second supervisor's pages")


async def operator_refunds_part(page: Page, payment: dict[str, Any]) -> None:
    await menu(page).get_by_role("link", name="Платежи").click()
    await heading(page, "Платежи абонентов")
    await expect(tabs(page).get_by_role("link")).to_have_text(OPERATOR_TABS)
    await page.get_by_label("Номер лицевого счета").fill(payment["account_number"])
    await page.get_by_label("Статус").select_option(label="Оплачен")
    await page.get_by_role("button", name="Найти").click()
    await expect(page).to_have_url(re.compile(rf"number={payment['account_number']}"))
    row = row_of(page, "12 500,00")
    await expect(row).to_have_count(1)
    await expect(row).to_contain_text(f"№ {payment['account_number']}")
    await expect(row.locator(".badge")).to_have_text("Оплачен")
    await fits(page, "staff-payments")

    await row.get_by_role("link").click()
    await heading(page, f"Платеж по лицевому счету № {payment['account_number']}")
    await expect(facts(page, "Можно вернуть")).to_have_text(re.compile(r"12\s500,00\s₽"))
    await expect(facts(page, "Заказ в банке")).to_have_text(payment["md_order"])
    story = page.get_by_role("region", name="История платежа")
    await expect(story.get_by_role("listitem").first).to_contain_text("Заказ зарегистрирован в банке")
    await expect(story).to_contain_text("Статус запрошен в банке")
    await expect(page.get_by_role("region", name="Возвраты")).to_contain_text("Возвратов по платежу не было.")

    refund = page.get_by_role("region", name="Вернуть деньги")
    amount = refund.get_by_label("Сумма возврата, ₽")
    await expect(amount).to_have_value("12500,00")  # what is left, unless changed
    await refund.get_by_role("button", name="Вернуть деньги").click()
    await expect(refund.get_by_label("Причина возврата")).to_have_accessible_description("Укажите причину возврата")
    await amount.fill("12500,01")
    await refund.get_by_label("Причина возврата").fill("Двойная оплата по ошибке")
    await refund.get_by_role("button", name="Вернуть деньги").click()
    await expect(amount).to_have_accessible_description(re.compile("Сумма возврата больше, чем осталось вернуть"))
    await amount.fill("500,00")
    await fits(page, "staff-refund-form")
    await refund.get_by_role("button", name="Вернуть деньги").click()
    done = page.get_by_role("status").filter(has_text="выполнен: деньги возвращены на карту плательщика")
    await expect(done).to_have_text(re.compile(r"Возврат 500,00\s₽ выполнен"))
    refunds = page.get_by_role("region", name="Возвраты")
    first_refund = refunds.get_by_role("row").filter(has_text="Двойная оплата по ошибке")
    await expect(first_refund.locator(".badge")).to_have_text("Выполнен")
    await expect(facts(page, "Возвращено")).to_have_text(re.compile(r"500,00\s₽"))
    await expect(facts(page, "Можно вернуть")).to_have_text(re.compile(r"12\s000,00\s₽"))
    await expect(amount).to_have_value("12000,00")
    await expect(story).to_contain_text("Деньги возвращены на карту")
    await fits(page, "staff-payment-story")


async def supervisor_cannot_approve_their_own(page: Page, watch: Watch, payment: dict[str, Any]) -> None:
    await menu(page).get_by_role("link", name="Платежи").click()
    await heading(page, "Платежи абонентов")
    await page.get_by_label("Номер лицевого счета").fill(payment["account_number"])
    await page.get_by_role("button", name="Найти").click()
    await row_of(page, "12 500,00").get_by_role("link").click()
    await heading(page, f"Платеж по лицевому счету № {payment['account_number']}")

    refund = page.get_by_role("region", name="Вернуть деньги")
    await refund.get_by_label("Сумма возврата, ₽").fill("11000,00")
    await refund.get_by_label("Причина возврата").fill("Переплата за год, заявление абонента")
    async with page.expect_response(re.compile(r"/api/v1/operator/payments/[^/]+/refunds$")) as answer:
        await refund.get_by_role("button", name="Вернуть деньги").click()
    created = await answer.value
    assert created.status == 201, await created.text()
    refund_id = (await created.json())["id"]
    # Their own approval below is refused: the one failed call the test provokes.
    watch.expected.add((403, f"{V1}/operator/refunds/{refund_id}/approve"))
    created_note = page.get_by_role("status").filter(has_text=AWAITING)
    await expect(created_note).to_contain_text(re.compile(r"Возврат 11\s000,00\s₽ создан"))
    waiting = page.get_by_role("region", name="Возвраты").get_by_role("row").filter(has_text="Переплата за год")
    await expect(waiting.locator(".badge")).to_have_text("Ожидает подтверждения")
    await expect(waiting).to_contain_text(AWAITING)
    await expect(facts(page, "Можно вернуть")).to_have_text(re.compile(r"1\s000,00\s₽"))
    await fits(page, "staff-refund-awaiting")

    await section(page, "Возвраты на подтверждение", SUPERVISOR_TABS)
    card = page.get_by_role("listitem").filter(has_text="Переплата за год")
    await expect(card).to_contain_text("запросили Вы")
    await card.get_by_role("button", name="Подтвердить").click()
    dialog = page.get_by_role("dialog", name="Подтвердить возврат?")
    async with page.expect_response(re.compile(r"/api/v1/operator/refunds/[^/]+/approve$")) as refusal:
        await dialog.get_by_role("button", name="Подтвердить").click()
    refused = await refusal.value
    assert (refused.status, (await refused.json())["code"]) == (403, "same_actor")
    await expect(dialog.get_by_role("alert")).to_have_text(f"{SAME_ACTOR}: Вы сами запросили этот возврат")
    await fits(page, "staff-refund-same-actor")
    await dialog.get_by_role("button", name="Отмена").click()
    await expect(card.locator(".badge")).to_have_text("Ожидает подтверждения")


async def second_supervisor_approves(page: Page, payment: dict[str, Any]) -> None:
    await section(page, "Возвраты на подтверждение", SUPERVISOR_TABS)
    card = page.get_by_role("listitem").filter(has_text="Переплата за год")
    await expect(card).to_contain_text(re.compile(r"Возврат 11\s000,00\s₽"))
    await expect(card).not_to_contain_text("запросили Вы")
    await fits(page, "staff-refund-queue")
    await card.get_by_role("button", name="Подтвердить").click()
    await page.get_by_role("dialog", name="Подтвердить возврат?").get_by_role("button", name="Подтвердить").click()
    approved = page.get_by_role("status").filter(has_text="подтвержден и выполнен")
    await expect(approved).to_have_text(re.compile(r"Возврат 11\s000,00\s₽ подтвержден и выполнен"))
    await expect(card).to_have_count(0)
    await expect(page.get_by_text("Возвратов, ожидающих подтверждения, нет.")).to_be_visible()

    origin = "{0.scheme}://{0.netloc}".format(urlsplit(page.url))
    await page.goto(f"{origin}/operator/payments/{payment['id']}")
    await heading(page, f"Платеж по лицевому счету № {payment['account_number']}")
    await expect(facts(page, "Возвращено")).to_have_text(re.compile(r"11\s500,00\s₽"))
    story = page.get_by_role("region", name="История платежа")
    await expect(story).to_contain_text("Возврат подтвержден вторым сотрудником")


async def prepare_the_day(
    http: httpx.AsyncClient, stack: Stack, me: Subscriber, account_id: str
) -> tuple[dict[str, Any], str]:
    """Today at the bank: the big payment (refunded through the portal, so matched), one more whose
    amount the bank recorded otherwise, and an order the portal never made."""
    mismatched = await paid(http, me, account_id, "102.00")
    async with httpx.AsyncClient(base_url=stack.url(8090), timeout=20) as emulator:
        answer = await emulator.put(f"/emulator/orders/{mismatched['md_order']}/amount", json={"amount": 12000})
        assert answer.status_code == 200, answer.text
        made = await emulator.post("/emulator/orders", json={"order_number": uuid.uuid4().hex, "amount": 10500})
        assert made.status_code == 201, made.text
    return mismatched, str(made.json()["mdOrder"])


async def supervisor_reconciles(
    page: Page, watch: Watch, big: dict[str, Any], mismatched: dict[str, Any], bank_only: str
) -> None:
    today = datetime.now(ZoneInfo("Europe/Simferopol")).date()
    day = today.isoformat()
    # A day never reconciled is a 404 the page says in words («не проводилась»).
    for asked in ((today - timedelta(days=1)).isoformat(), day):
        watch.expected.add((404, f"{V1}/operator/reconciliations/{asked}"))

    await section(page, "Сверка с банком", SUPERVISOR_TABS)
    await page.get_by_label("День сверки", exact=True).fill(day)
    await page.get_by_role("button", name="Запустить сверку").click()
    totals = page.get_by_role("region", name=re.compile("^Итоги за"))
    await expect(totals.get_by_role("heading")).to_have_text(f"Итоги за {today.strftime('%d.%m.%Y')}")
    await expect(totals.locator(".badge")).to_have_text("Завершена")
    # Ours: 12500 - 500 - 11000 and 102; the bank's: the same refunds, 120 for the 102, and 105.
    await expect(facts(page, "Итого по банку")).to_have_text(re.compile(r"1\s225,00\s₽"))
    await expect(facts(page, "Итого у нас")).to_have_text(re.compile(r"1\s102,00\s₽"))
    await expect(facts(page, "Совпало платежей")).to_have_text("1")
    await expect(facts(page, "Расхождений")).to_have_text("2")

    table = page.get_by_role("table", name="Расхождения")
    amount_row = table.get_by_role("row").filter(has_text=mismatched["md_order"])
    await expect(amount_row.get_by_role("cell").nth(0)).to_have_text("Суммы не совпадают")
    await expect(amount_row).to_contain_text("Требует проверки")
    assert re.search(r"120,00 ₽.*102,00 ₽", plain(await amount_row.inner_text()), re.S)
    bank_row = table.get_by_role("row").filter(has_text=bank_only)
    await expect(bank_row.get_by_role("cell").nth(0)).to_have_text("Есть в банке, нет у нас")
    await expect(bank_row).to_contain_text("нет у нас")
    await expect(table.get_by_role("row").filter(has_text=big["md_order"])).to_have_count(0)
    await fits(page, "staff-reconciliation")

    async with page.expect_download() as downloading:
        await totals.get_by_role("link", name="Скачать CSV").click()
    download = await downloading.value
    assert download.suggested_filename == f"reconciliation-{day}.csv"
    saved = await download.path()
    assert saved is not None
    lines = list(csv.DictReader(io.StringIO(Path(saved).read_text(encoding="utf-8"))))
    assert {(line["kind"], line["acquirer_order_id"], line["resolution"]) for line in lines} == {
        ("amount_mismatch", mismatched["md_order"], "needs_review"),
        ("missing_here", bank_only, "needs_review"),
    }

    await amount_row.get_by_role("link", name=re.compile("^История платежа")).click()
    await heading(page, f"Платеж по лицевому счету № {mismatched['account_number']}")
    await expect(facts(page, "Заказ в банке")).to_have_text(mismatched["md_order"])
