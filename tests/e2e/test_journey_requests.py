"""Link requests (заявки) as the people involved live them (issue 18 "The journeys as a person
lives them", items 1, 2, 11 and 12), in a real browser (Debian's headless Chromium, driven by
Playwright) through the whole stack:

1. a subscriber who types an impossible account number is told so at the field; one whose
   amount does not match is told that it did not match, that a specialist of the supplier will
   look at the request within 3 working days and that the answer comes by letter, sees on the
   request's card what they entered, and can withdraw the request (after a confirmation);
2. a rejected request is no dead end: its card keeps the operator's reason with «Редактировать»
   and «Отозвать»; corrected with wrong data it waits for an operator again, corrected with the
   right data it links the account at once; decided requests leave «Мои счета» (the linked
   account itself is listed);
11. staff land on their work queue with the staff's menu (also test_web_operator.py);
12. an operator judges a request from its card: who asked (a masked e-mail), what they entered
   and what billing says side by side, the account's history (other people's requests, failed
   attempts); both decisions ask for a confirmation, and a rejection without a reason is
   refused at the field.

Screens where layout is the point are checked at 1280, 375 and 360 px wide (no sideways scroll);
screenshots land in `var/screenshots/` (git-ignored). Every page is watched for console errors
and CSP violations.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from operator_support import make_operator, registry_entry
from playwright.async_api import Browser, Locator, Page, expect
from web_support import chromium, fits, heading, signed_in

from lka_common.testing.portal import bearer, register_and_confirm, sign_in
from lka_common.testing.stack import Stack

pytestmark = pytest.mark.slow

# The billing simulator's demo accounts (tools/billing_simulator/README.md), one per journey.
SIMFEROPOL = ("Городской округ Симферополь", "simferopol", "91000101")  # Иванов, 1200.00 on 2026-10-15
YALTA = ("Городской округ Ялта", "yalta", "91000202")  # Ёлкина, 950.00
KERCH = ("Городской округ Керчь", "kerch", "91000303")  # Петров, 3000.00
FEODOSIYA = ("Городской округ Феодосия", "feodosiya", "91000505")  # Ким, no last payment

REQUEST_CREATED = "Создана заявка на добавление счета к учетной записи"
NOT_MATCHED = "Указанные данные не совпали с данными биллинга или лицевой счет не найден"
REVIEW = re.compile(r"специалист ГУП РК «Крымэнерго» в течение 3 рабочих дней.*письм")
REQUEST_LINKED = "Лицевой счет успешно привязан к учетной записи"
WITHDRAWN = "Заявка отозвана"
BAD_NUMBER = "Номер лицевого счета состоит только из цифр"
NO_REASON = "Укажите причину отказа"
BILLING_UNKNOWN = "Счет не найден в биллинге"
STAFF_MENU = ["Заявки", "Обращения", "Обратная связь", "Реестр счетов", "Платежи", "Профиль"]


@pytest.fixture(scope="module")
async def setting(stack: Stack, stack_env: tuple[dict[str, str], str, int]) -> dict[str, Any]:
    """An operator (their e-mail and API headers), once the demo accounts are in the registry."""
    email = f"op-{secrets.token_hex(5)}@example.ru"
    member = await make_operator(stack_env[0], email)
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=15) as http:
        headers = await member.sign_in(http)
        for _, code, number in (SIMFEROPOL, YALTA, KERCH, FEODOSIYA):
            await registry_entry(http, headers, (code, number))
    return {"email": email, "headers": headers, "member": member}


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as launched:
        yield launched


async def new_person(stack: Stack, prefix: str) -> tuple[str, dict[str, str]]:
    """A confirmed subscriber whose address starts with `prefix` (so its masked form is known)."""
    email = f"{prefix}{secrets.token_hex(5)}@example.ru"
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=15) as http:
        await register_and_confirm(http, stack.mail, email)
        return email, bearer(await sign_in(http, email))


async def api(stack: Stack, method: str, path: str, headers: dict[str, str], body: Any = None) -> httpx.Response:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=15) as http:
        return await http.request(method, f"/api/v1{path}", json=body, headers=headers)


async def file_request(stack: Stack, headers: dict[str, str], code: str, number: str, **proof: str) -> str:
    answer = await api(stack, "POST", "/accounts", headers, {"region_code": code, "number": number, **proof})
    assert answer.status_code == 202, answer.text
    return str(answer.json()["request"]["id"])


async def reject(stack: Stack, operator: dict[str, str], request_id: str, comment: str) -> None:
    answer = await api(stack, "POST", f"/operator/link-requests/{request_id}/reject", operator, {"comment": comment})
    assert answer.status_code == 200, answer.text


def masked(email: str) -> str:
    local, domain = email.split("@")
    return f"{local[:2]}***@{domain}"


def requests_section(page: Page) -> Locator:
    return page.get_by_role("region", name="Заявки на добавление счетов")


def request_card(where: Locator, number: str) -> Locator:
    return where.get_by_role("listitem").filter(has=where.page.get_by_text(f"Лицевой счет № {number}", exact=True))


async def open_add_form(page: Page, region: str, number: str) -> Locator:
    await page.get_by_role("button", name="Добавить", exact=True).click()
    adding = page.locator("#add-account")
    await expect(adding.get_by_role("heading", name="Добавление лицевого счета")).to_be_visible()
    await adding.get_by_label("Регион").select_option(label=region)
    await adding.get_by_label("Номер лицевого счета").fill(number)
    return adding


# ---------- 1. a wrong amount, an impossible number, withdrawing ----------


async def test_1_a_request_says_why_and_when_shows_what_was_entered_and_can_be_withdrawn(
    stack: Stack, setting: dict[str, Any], browser: Browser
) -> None:
    region, code, number = YALTA
    email, headers = await new_person(stack, "wa")
    # The API refuses an account number that cannot exist, at the field, for a new request and an edit.
    refused = await api(
        stack, "POST", "/accounts", headers, {"region_code": code, "number": "12ab", "last_payment_amount": "1.00"}
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "invalid_account_number"
    assert [e["field"] for e in refused.json()["errors"]] == ["number"]
    assert BAD_NUMBER in refused.json()["errors"][0]["message"]

    page, watch = await signed_in(browser, stack.gateway, email, "Мои счета")
    try:
        # «12ab»: said at the field, nothing filed.
        adding = await open_add_form(page, region, "12ab")
        await adding.get_by_role("textbox", name="Сумма последнего платежа").fill("100,00")
        await adding.get_by_role("button", name="Добавить", exact=True).click()
        field = adding.get_by_label("Номер лицевого счета")
        await expect(field).to_have_attribute("aria-invalid", "true")
        await expect(field).to_have_accessible_description(re.compile(BAD_NUMBER))
        assert (await api(stack, "GET", "/link-requests", headers)).json() == []
        await fits(page, "journey-number-refused")

        # A wrong amount: the manual's sentence, why, who looks at it, how long, and the letter.
        await field.fill(number)
        await adding.get_by_role("button", name="Добавить", exact=True).click()
        told = page.get_by_role("status").filter(has_text=REQUEST_CREATED)
        await expect(told).to_be_visible()
        await expect(told).to_contain_text(NOT_MATCHED)
        await expect(told).to_contain_text(REVIEW)
        await expect(page.locator(".alert-success")).to_have_count(0)  # not a green «done»

        # The card: what they entered, and the same explanation.
        card = request_card(requests_section(page), number)
        await expect(card).to_contain_text("На рассмотрении")
        await expect(card).to_contain_text(re.compile(r"Вы указали: сумма последнего платежа 100,00\s₽"))
        await expect(card).to_contain_text(REVIEW)
        await fits(page, "journey-request-created")

        # «Отозвать», confirmed in a dialog; the request leaves the page and the operators' queue.
        await card.get_by_role("button", name=f"Отозвать заявку по лицевому счету № {number}").click()
        dialog = page.get_by_role("dialog", name="Отозвать заявку?")
        await expect(dialog).to_contain_text(f"№ {number}")
        await dialog.get_by_role("button", name="Отмена").click()
        await expect(dialog).to_be_hidden()
        await expect(card).to_contain_text("На рассмотрении")
        await card.get_by_role("button", name=f"Отозвать заявку по лицевому счету № {number}").click()
        await fits(page, "journey-withdraw-dialog")
        await dialog.get_by_role("button", name="Отозвать", exact=True).click()
        await expect(page.get_by_role("status").filter(has_text=WITHDRAWN)).to_be_visible()
        await expect(card).to_have_count(0)
        watch.assert_clean("the subscriber's pages")
    finally:
        await page.context.close()

    [mine] = (await api(stack, "GET", "/link-requests", headers)).json()
    assert (mine["status"], mine["proof"]) == ("withdrawn", {"last_payment_amount": "100.00"})
    queue = (await api(stack, "GET", "/operator/link-requests?status=pending&limit=200", setting["headers"])).json()
    assert mine["id"] not in [r["id"] for r in queue]


# ---------- 2. a rejected request, corrected; decided ones leave the list ----------


async def test_2_a_rejected_request_is_corrected_or_withdrawn_and_decided_ones_leave_the_list(
    stack: Stack, setting: dict[str, Any], browser: Browser
) -> None:
    _, code, number = KERCH
    operator = setting["headers"]
    email, headers = await new_person(stack, "rj")
    kerch = await file_request(stack, headers, code, number, surname_prefix="Абв")
    unknown = f"97{secrets.randbelow(10**8):08d}"
    lost = await file_request(stack, headers, "sudak", unknown, last_payment_amount="10.00")
    feodosiya = await file_request(stack, headers, FEODOSIYA[1], FEODOSIYA[2], surname_prefix="Абв")
    reason = f"Первые буквы фамилии не совпадают ({secrets.token_hex(3)})"
    await reject(stack, operator, kerch, reason)
    await reject(stack, operator, lost, "Такого счета нет в биллинге")
    approved = await api(stack, "POST", f"/operator/link-requests/{feodosiya}/approve", operator)
    assert approved.status_code == 200, approved.text

    page, watch = await signed_in(browser, stack.gateway, email, "Мои счета")
    try:
        section = requests_section(page)
        # The approved request is gone (its account is listed); the rejected ones stay, each with its way out.
        await expect(page.get_by_role("heading", name=f"Лицевой счет № {FEODOSIYA[2]}")).to_be_visible()
        await expect(request_card(section, FEODOSIYA[2])).to_have_count(0)
        card = request_card(section, number)
        await expect(card.locator(".badge")).to_have_text("Отклонена")
        await expect(card).to_contain_text(f"Комментарий оператора: {reason}")
        await expect(card).to_contain_text("Вы указали: первые три буквы фамилии АБВ")
        await expect(
            card.get_by_role("button", name=f"Редактировать заявку по лицевому счету № {number}")
        ).to_be_visible()
        await expect(card.get_by_role("button", name=f"Отозвать заявку по лицевому счету № {number}")).to_be_visible()
        await fits(page, "journey-rejected")

        # The other rejected one is withdrawn: it leaves the page.
        other = request_card(section, unknown)
        await other.get_by_role("button", name=f"Отозвать заявку по лицевому счету № {unknown}").click()
        await (
            page.get_by_role("dialog", name="Отозвать заявку?")
            .get_by_role("button", name="Отозвать", exact=True)
            .click()
        )
        await expect(page.get_by_role("status").filter(has_text=WITHDRAWN)).to_be_visible()
        await expect(other).to_have_count(0)

        # Corrected with wrong data again: back to an operator, with what was entered now.
        await card.get_by_role("button", name=f"Редактировать заявку по лицевому счету № {number}").click()
        editing = card.get_by_role("heading", name="Редактирование заявки")
        await expect(editing).to_be_visible()
        await card.get_by_role("radio", name="Первые три буквы фамилии владельца").check()
        await card.get_by_role("textbox", name="Первые три буквы фамилии владельца").fill("Пар")
        await card.get_by_role("button", name="Отправить").click()
        await expect(card.locator(".badge")).to_have_text("На рассмотрении")
        await expect(card).to_contain_text("Вы указали: первые три буквы фамилии ПАР")
        await expect(card).not_to_contain_text(reason)
        await expect(card).to_contain_text(REVIEW)
        queue = (await api(stack, "GET", "/operator/link-requests?status=pending&limit=200", operator)).json()
        assert kerch in [r["id"] for r in queue]

        # Rejected once more, then corrected with the right letters: linked at once.
        await reject(stack, operator, kerch, reason)
        await page.reload()
        await heading(page, "Мои счета")
        await expect(card.locator(".badge")).to_have_text("Отклонена")
        await card.get_by_role("button", name=f"Редактировать заявку по лицевому счету № {number}").click()
        await card.get_by_role("radio", name="Первые три буквы фамилии владельца").check()
        await card.get_by_role("textbox", name="Первые три буквы фамилии владельца").fill("пет")
        await card.get_by_role("button", name="Отправить").click()
        await expect(page.get_by_role("status").filter(has_text=REQUEST_LINKED)).to_be_visible()
        await expect(page.get_by_role("heading", name=f"Лицевой счет № {number}")).to_be_visible()
        await expect(card).to_have_count(0)
        # No request is left to show: nor is the section, nor its hint.
        await expect(section).to_have_count(0)
        await fits(page, "journey-corrected")
        watch.assert_clean("the subscriber's pages")
    finally:
        await page.context.close()

    statuses = {r["id"]: r["status"] for r in (await api(stack, "GET", "/link-requests", headers)).json()}
    assert statuses == {kerch: "approved", lost: "withdrawn", feodosiya: "approved"}


# ---------- 11 and 12. the operator's home and the card a request is judged from ----------


async def test_12_an_operator_judges_a_request_from_its_card_and_confirms_each_decision(
    stack: Stack, setting: dict[str, Any], browser: Browser
) -> None:
    region, code, number = SIMFEROPOL
    operator = setting["headers"]
    earlier_email, earlier = await new_person(stack, "eb")
    email, headers = await new_person(stack, "kc")
    # Someone else asked for this account before and was refused; then our subscriber gets the amount wrong.
    earlier_id = await file_request(stack, earlier, code, number, surname_prefix="Жук")
    await reject(stack, operator, earlier_id, "Владелец не подтвердил")
    request_id = await file_request(stack, headers, code, number, last_payment_amount="1100.00")
    unknown = f"96{secrets.randbelow(10**8):08d}"
    await file_request(stack, headers, "sudak", unknown, surname_prefix="Ива")
    blank = await api(stack, "POST", f"/operator/link-requests/{request_id}/reject", operator, {"comment": "   "})
    assert blank.status_code == 422, blank.text
    assert [e["message"] for e in blank.json()["errors"]] == [NO_REASON]

    queue = "Заявки на добавление счетов"
    page, watch = await signed_in(browser, stack.gateway, setting["email"], queue, setting["member"])
    try:
        # 11: staff land on their queue, with the staff's menu.
        await expect(page.get_by_role("navigation", name="Основное меню").get_by_role("link")).to_have_text(STAFF_MENU)
        main = page.get_by_role("main")
        card = request_card(main, number)
        await expect(card).to_contain_text(region)
        await expect(card).to_contain_text(f"абонент {masked(email)}")
        await expect(card).not_to_contain_text(re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-"))  # no UUID
        # Side by side: what the subscriber entered, what billing says.
        compare = card.get_by_role("table", name="Сверка с данными биллинга")
        amount_row = compare.get_by_role("row").filter(has_text="Сумма последнего платежа")
        await expect(amount_row).to_contain_text(re.compile(r"1\s100,00\s₽"))
        await expect(amount_row).to_contain_text(re.compile(r"1\s200,00\s₽ от 15\.10\.2026"))
        letters_row = compare.get_by_role("row").filter(has_text="Первые три буквы фамилии")
        await expect(letters_row).to_contain_text("ИВА")
        await expect(card).to_contain_text("не совпадают")
        # The account's history: the earlier request, and the failed attempts.
        history = card.get_by_role("region", name="История по счету")
        earlier_item = history.get_by_role("listitem").filter(has_text=masked(earlier_email))
        await expect(earlier_item).to_contain_text("Отклонена")
        await expect(history).to_contain_text(re.compile(r"Неудачных попыток привязать счет за 30 дней: 2"))
        # A number billing does not know: no billing data, just that.
        lost = request_card(main, unknown)
        await expect(lost).to_contain_text(BILLING_UNKNOWN)
        await expect(lost).to_contain_text("ИВА")
        await fits(page, "journey-operator-card")

        # «Отклонить»: a dialog; an empty reason is refused at the field.
        await lost.get_by_role("button", name="Отклонить", exact=True).click()
        dialog = page.get_by_role("dialog", name="Отклонить заявку?")
        await expect(dialog).to_contain_text(f"№ {unknown}")
        await dialog.get_by_role("button", name="Отклонить заявку").click()
        reason = dialog.get_by_label("Причина отказа (ее увидит абонент)")
        await expect(reason).to_have_attribute("aria-invalid", "true")
        await expect(reason).to_have_accessible_description(re.compile(NO_REASON))
        await fits(page, "journey-operator-reject")
        await reason.fill("Счет не найден в биллинге, проверьте номер по квитанции")
        await dialog.get_by_role("button", name="Отклонить заявку").click()
        await expect(
            page.get_by_role("status").filter(has_text=f"Заявка по счету № {unknown} отклонена")
        ).to_be_visible()
        await expect(lost).to_have_count(0)

        # «Одобрить»: nothing happens until confirmed.
        await card.get_by_role("button", name="Одобрить").click()
        confirm = page.get_by_role("dialog", name="Одобрить заявку?")
        await expect(confirm).to_contain_text(f"№ {number}")
        await expect(confirm).to_contain_text(masked(email))
        await fits(page, "journey-operator-approve")
        await confirm.get_by_role("button", name="Отмена").click()
        await expect(confirm).to_be_hidden()
        still = (await api(stack, "GET", "/link-requests", headers)).json()
        assert {r["id"]: r["status"] for r in still}[request_id] == "pending"
        await card.get_by_role("button", name="Одобрить").click()
        await confirm.get_by_role("button", name="Одобрить", exact=True).click()
        await expect(page.get_by_role("status").filter(has_text=f"Заявка по счету № {number} одобрена")).to_be_visible()
        await expect(card).to_have_count(0)
        watch.assert_clean("the operator's pages")
    finally:
        await page.context.close()

    linked = (await api(stack, "GET", "/accounts", headers)).json()
    assert [a["number"] for a in linked] == [number]
