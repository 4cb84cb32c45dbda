"""Letters as a person lives them (issue 18 "The journeys as a person lives them", item 3), in a
real browser (Debian's headless Chromium, driven by Playwright) through the whole stack.

A subscriber who simply uses the portal for an hour — links an account, files three link
requests, submits ten readings — gets a letter for each decision of an operator and each
verdict of billing: thirteen letters a person needs, plus the confirmation of their address,
past the per-recipient cap of ten an hour. The cap is for letters a stranger can cause
(services/notifications/README.md, "Letter policy"); none of these is suppressed, and the
person sees every one of them on the mail catcher's page.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from operator_support import make_operator, registry_entry
from playwright.async_api import Browser, Page, expect
from web_support import Watch, chromium, heading, visitor

from lka_common.testing.portal import CONFIRMATION_SUBJECT, PASSWORD, bearer, register_and_confirm, sign_in
from lka_common.testing.stack import Stack

pytestmark = pytest.mark.slow

# The billing simulator's demo accounts (tools/billing_simulator/README.md).
SIMFEROPOL = ("Городской округ Симферополь", "simferopol", "91000101")  # Иванов; meter CE102-0101, one zone
YALTA = ("Городской округ Ялта", "yalta", "91000202")
KERCH = ("Городской округ Керчь", "kerch", "91000303")
FEODOSIYA = ("Городской округ Феодосия", "feodosiya", "91000505")
SERIAL = "CE102-0101"
READINGS = 10
REQUEST_CREATED = "Создана заявка на добавление счета к учетной записи"


@pytest.fixture(scope="module")
def stack_env(stack_env: tuple[dict[str, str], str, int]) -> tuple[dict[str, str], str, int]:
    """The stack of conftest.py, with billing answering readings within half a second."""
    env, marker, offset = stack_env
    return env | {"LKA_BILLING_SIMULATOR_ANSWER_DELAY_S": "0.5"}, marker, offset


@pytest.fixture(scope="module")
async def operator(stack: Stack, stack_env: tuple[dict[str, str], str, int]) -> dict[str, str]:
    """An operator's API headers, once the demo accounts are in the registry."""
    email = f"op-{secrets.token_hex(5)}@example.ru"
    member = await make_operator(stack_env[0], email)
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=15) as http:
        headers = await member.sign_in(http)
        for _, code, number in (SIMFEROPOL, YALTA, KERCH, FEODOSIYA):
            await registry_entry(http, headers, (code, number))
    return headers


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as launched:
        yield launched


async def api(stack: Stack, method: str, path: str, headers: dict[str, str], body: Any = None) -> httpx.Response:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=15) as http:
        return await http.request(method, f"/api/v1{path}", json=body, headers=headers)


async def add_account(page: Page, region: str, number: str, letters: str) -> None:
    """«Добавить» on «Мои счета» with the first three letters of the owner's surname."""
    await page.get_by_role("button", name="Добавить", exact=True).click()
    adding = page.locator("#add-account")
    await expect(adding.get_by_role("heading", name="Добавление лицевого счета")).to_be_visible()
    await adding.get_by_label("Регион").select_option(label=region)
    await adding.get_by_label("Номер лицевого счета").fill(number)
    await adding.get_by_role("radio", name="Первые три буквы фамилии владельца").check()
    await adding.get_by_role("textbox", name="Первые три буквы фамилии владельца").fill(letters)
    await adding.get_by_role("button", name="Добавить", exact=True).click()


async def subjects_in_the_catcher(
    page: Page, mail: str, email: str, wanted: set[str], expected: int, timeout: float = 60
) -> list[str]:
    """The subjects among `wanted` of the letters to `email` on the mail catcher's page, once it
    shows `expected` of them (reloaded until then), or what it shows after `timeout` seconds.
    Other letters (a security notice of a sign-in from a new browser, say) are not counted."""
    mine = page.locator("article").filter(has=page.get_by_text(email, exact=True))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        await page.goto(f"{mail}/")
        await expect(page.get_by_role("heading", level=1, name="Перехватчик почты ЛКА")).to_be_visible()
        subjects = [subject for subject in await mine.locator("h2").all_inner_texts() if subject in wanted]
        if len(subjects) >= expected or loop.time() > deadline:
            return subjects
        await page.wait_for_timeout(1000)


async def test_a_person_who_uses_the_portal_for_an_hour_gets_every_letter_they_need(
    stack: Stack, operator: dict[str, str], browser: Browser
) -> None:
    email = f"lt{secrets.token_hex(5)}@example.ru"
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=15) as http:
        await register_and_confirm(http, stack.mail, email)  # a letter of its own: capped, the first of the hour
        headers = bearer(await sign_in(http, email))

    page = await (await visitor(browser)).new_page()
    watch = Watch(stack.gateway)
    watch.attach(page)
    try:
        await page.goto(f"{stack.gateway}/")
        await heading(page, "Авторизация")
        await page.get_by_label("Адрес электронной почты").fill(email)
        await page.get_by_label("Пароль", exact=True).fill(PASSWORD)
        await page.get_by_role("button", name="Войти").click()
        await heading(page, "Мои счета")

        # The account of their own, with the right letters; three more with wrong ones: requests.
        await add_account(page, SIMFEROPOL[0], SIMFEROPOL[2], "ИВА")
        await expect(page.get_by_text("Счет успешно привязан к Вашей учетной записи")).to_be_visible()
        for region, _, number in (YALTA, KERCH, FEODOSIYA):
            await add_account(page, region, number, "Абв")
            await expect(page.get_by_role("status").filter(has_text=REQUEST_CREATED)).to_be_visible()
            await expect(page.get_by_text(f"Лицевой счет № {number}", exact=True)).to_be_visible()

        # «Показания»: ten readings of the meter, each a little higher; billing answers each.
        await page.get_by_role("navigation").get_by_role("link", name="Показания").click()
        await heading(page, "Показания")
        meter = page.locator("article", has=page.get_by_role("heading", name=f"Счетчик № {SERIAL}"))
        zone = meter.get_by_role("textbox", name=re.compile("^T1"))
        await expect(zone).to_be_visible()
        hint = await meter.locator(".field-hint").first.inner_text()
        last = re.search(r"Предыдущее: ([\d\s\u00a0,]+)", hint)
        assert last, hint
        start = int(float(re.sub(r"[\s\u00a0]", "", last.group(1)).replace(",", ".")))
        for step in range(1, READINGS + 1):
            await zone.fill(str(start + 10 * step))
            async with page.expect_response(
                lambda r: r.request.method == "POST" and r.url.endswith("/readings")
            ) as posted:
                await meter.get_by_role("button", name="Передать показания").click()
            assert (await posted.value).status == 201, await (await posted.value).text()
            await expect(meter.get_by_text(re.compile("Показания переданы и будут учтены за"))).to_be_visible()
        watch.assert_clean("the subscriber's pages")

        # An operator decides the three requests (by the API): two approved, one rejected.
        requests = {r["number"]: r["id"] for r in (await api(stack, "GET", "/link-requests", headers)).json()}
        for number in (YALTA[2], FEODOSIYA[2]):
            approved = await api(stack, "POST", f"/operator/link-requests/{requests[number]}/approve", operator)
            assert approved.status_code == 200, approved.text
        comment = {"comment": "Первые буквы фамилии не совпадают"}
        rejected = await api(stack, "POST", f"/operator/link-requests/{requests[KERCH[2]]}/reject", operator, comment)
        assert rejected.status_code == 200, rejected.text

        # Every letter, on the mail catcher's page: none suppressed by the cap of ten an hour.
        needed = Counter(
            {
                f"Показания по лицевому счету № {SIMFEROPOL[2]} приняты": READINGS,
                f"Лицевой счет № {YALTA[2]} привязан к учетной записи": 1,
                f"Лицевой счет № {FEODOSIYA[2]} привязан к учетной записи": 1,
                f"Заявка на добавление лицевого счета № {KERCH[2]} отклонена": 1,
            }
        )
        assert needed.total() > 10
        expected = needed + Counter({CONFIRMATION_SUBJECT: 1})
        mail = await page.context.new_page()
        subjects = await subjects_in_the_catcher(mail, stack.mail, email, set(expected), expected.total())
        assert Counter(subjects) == expected, f"missing: {expected - Counter(subjects)}"
    finally:
        await page.context.close()
