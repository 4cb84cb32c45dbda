"""Estimates, bills and the paperless switch as a subscriber meets them (issue 23, the web part), in
a real browser (Debian's headless Chromium, driven by Playwright) through the whole stack, with the
test playing billing (billing_support.py: an account of its own, its tariff, meter and bills,
published on `lka.events` exactly as billing would):

1. a reading submitted on «Показания» says what it will roughly cost — «Предварительный расчет:
   97,45 ₽ за … по тарифу «…»», said as an estimate and not as a debt — and the history keeps the
   figure in its own column;
2. «Квитанции» lists a bill billing published (the month in Russian, the total, the due date), its
   «Скачать PDF» downloads the PDF through the cookie session (`application/pdf`, bytes `%PDF`), the
   bill opens in full (lines per zone, opening balance, payments, penalty, total, due date), and
   «Электронная квитанция вместо бумажной» turns on and off, saying so each time in the server's
   words; at 1280 px and again at 375 px.

Screens are checked at 1280, 375 and 360 px wide (no sideways scroll); screenshots land in
`var/screenshots/` (git-ignored). Every page is watched for console errors and CSP violations.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from billing_support import V1, bill, household, meter, new_number, projected, publish, tariff
from playwright.async_api import Browser, Download, Page, expect
from web_support import PHONE_375, chromium, fits, heading, plain, signed_in

from lka_common.testing.events import eventually
from lka_common.testing.stack import Stack

pytestmark = pytest.mark.slow

SERIAL = "M230-WEB"
PAPERLESS = "Электронная квитанция вместо бумажной"
PAPERLESS_ON = "Бумажная квитанция больше не будет доставляться"
PAPERLESS_OFF = "Квитанции снова будут доставляться на бумаге"


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as launched:
        yield launched


@pytest.fixture
async def http(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=20) as client:
        yield client


# ---------- 1. a reading's estimate, after the submission and in the history ----------


async def test_1_a_reading_says_its_estimate_and_the_history_keeps_it(
    http: httpx.AsyncClient, stack: Stack, stack_env: tuple[dict[str, str], str, int], browser: Browser
) -> None:
    number = new_number()
    tariff_id = f"WEB-2Z-{secrets.token_hex(3)}"
    await publish(stack, tariff(tariff_id, T1=649, T2=325))  # 6.49 by day, 3.25 by night
    home = await household(http, stack, stack_env, number, tariff_id)
    await publish(stack, meter(number, SERIAL, 6, T1="1000", T2="500"))
    await projected(stack_env, "readings", "SELECT 1 FROM tariffs WHERE tariff_id = $1", tariff_id)
    await projected(
        stack_env,
        "readings",
        "SELECT 1 FROM account_tariffs WHERE account_number = $1 AND tariff_id = $2",
        number,
        tariff_id,
    )

    async def the_meter() -> bool:
        found = await http.get(f"{V1}/accounts/{home.account_id}/meters", headers=home.me.headers)
        return found.status_code == 200 and any(m["serial_number"] == SERIAL for m in found.json())

    await eventually(the_meter, "the meter in readings", timeout=30, interval=0.3)

    page, watch = await signed_in(browser, stack.gateway, home.me.email, password=home.me.password)
    await page.get_by_role("navigation").get_by_role("link", name="Показания").click()
    await heading(page, "Показания")
    card = page.locator("article", has=page.get_by_role("heading", name=f"Счетчик № {SERIAL}"))
    # 5 kWh × 6.49 + 20 kWh × 3.25 = 32.45 + 65.00
    await card.get_by_role("textbox", name=re.compile("^T1")).fill("1005")
    await card.get_by_role("textbox", name=re.compile("^T2")).fill("520")
    await card.get_by_role("button", name="Передать показания").click()
    await expect(card.get_by_text(re.compile("Показания переданы и будут учтены за"))).to_be_visible()

    said = card.get_by_role("status").get_by_text(re.compile("^Предварительный расчет:"))
    await expect(said).to_be_visible()
    sentence = plain(await said.inner_text())
    expected = r"Предварительный расчет: 97,45 ₽ за ([а-я]+ \d{4}) г\. по тарифу «" + re.escape(tariff_id)
    expected += r"»\. Это (.+)"
    shown = re.fullmatch(expected, sentence)
    assert shown, sentence
    assert "а не задолженность" in shown.group(2), sentence

    # The history: the same figure, in its own column, for the month the reading counts for.
    history = page.locator("table", has=page.get_by_role("columnheader", name="Предварительный расчет"))
    rows = history.locator("tbody tr")
    await expect(rows).to_have_count(1)
    await expect(rows.first.locator("td[data-label='Предварительный расчет']")).to_have_text(re.compile(r"97,45\s₽"))
    assert plain(await rows.first.locator("td[data-label='Учтены за']").inner_text()) == shown.group(1)
    await expect(page.get_by_text(re.compile("^Предварительный расчет — оценка"))).to_be_visible()
    await fits(page, "readings-estimate")

    # After a reload (the history from the API, not the form's answer) the figure stays.
    await page.reload()
    await expect(rows.first.locator("td[data-label='Предварительный расчет']")).to_have_text(re.compile(r"97,45\s₽"))
    watch.assert_clean("the estimate")


# ---------- 2. «Квитанции»: the list, the PDF, a bill in full, paperless ----------


async def pdf_of(page: Page, link_name: re.Pattern[str]) -> tuple[Download, dict[str, str], bytes]:
    """Clicks «Скачать PDF»: the download, the headers of the PDF's answer and the bytes saved."""
    async with (
        page.expect_response(re.compile(r"/api/v1/accounts/[^/]+/bills/[^/]+\.pdf$")) as answered,
        page.expect_download() as downloading,
    ):
        await page.get_by_role("link", name=link_name).click()
    response = await answered.value
    assert response.status == 200, await response.text()
    download = await downloading.value
    saved = Path(await download.path())
    return download, await response.all_headers(), saved.read_bytes()


async def paperless_of(http: httpx.AsyncClient, home: Any) -> bool:
    answer = await http.get(f"{V1}/accounts/{home.account_id}/paperless", headers=home.me.headers)
    assert answer.status_code == 200, answer.text
    return bool(answer.json()["enabled"])


async def test_2_bills_are_listed_their_pdf_downloads_and_paperless_switches(
    http: httpx.AsyncClient, stack: Stack, stack_env: tuple[dict[str, str], str, int], browser: Browser
) -> None:
    number = new_number()
    home = await household(http, stack, stack_env, number)
    await publish(stack, bill(number, "2026-11"))

    async def listed() -> list[dict[str, Any]]:
        answer = await http.get(f"{V1}/accounts/{home.account_id}/bills", headers=home.me.headers)
        return answer.json() if answer.status_code == 200 else []  # type: ignore[no-any-return]

    await eventually(listed, "the bill listed", timeout=30, interval=0.3)

    page, watch = await signed_in(browser, stack.gateway, home.me.email, password=home.me.password)
    await page.get_by_role("link", name=f"Квитанции по лицевому счету № {number}").click()
    await heading(page, "Квитанции")
    await expect(page.get_by_role("heading", name=f"Квитанции по лицевому счету № {number}")).to_be_visible()
    row = page.locator("tr", has=page.get_by_role("rowheader", name="ноябрь 2026"))
    await expect(row).to_have_count(1)
    assert re.search(r"1 308,01 ₽", plain(await row.inner_text())), await row.inner_text()
    await expect(row).to_contain_text("10.12.2026")
    await fits(page, "bills-list")

    # The PDF, through the cookie session: a PDF file, named after the account and the month.
    download, headers, data = await pdf_of(page, re.compile("^Скачать PDF: квитанция за ноябрь 2026"))
    assert headers["content-type"] == "application/pdf", headers
    assert data.startswith(b"%PDF"), data[:16]
    assert download.suggested_filename == f"kvitanciya-{number}-2026-11.pdf"

    # The bill in full.
    await row.get_by_role("link", name=re.compile("^Подробнее")).click()
    await heading(page, "Квитанция за ноябрь 2026 г.")
    day = page.locator("tr", has=page.get_by_role("rowheader", name="Электроэнергия, день"))
    cells = [plain(text) for text in await day.locator("td").all_inner_texts()]
    assert cells == ["T1", "127", "6,49 ₽/кВт·ч", "824,23 ₽"], cells
    night = page.locator("tr", has=page.get_by_role("rowheader", name="Электроэнергия, ночь"))
    cells = [plain(text) for text in await night.locator("td").all_inner_texts()]
    assert cells == ["T2", "45,5", "3,25 ₽/кВт·ч", "147,88 ₽"], cells
    totals = plain(await page.get_by_role("region", name="Расчет суммы к оплате").inner_text())
    for part in (
        "Задолженность на начало месяца 1 523,40 ₽",
        "Оплачено в течение месяца 1 200,00 ₽",
        "Пеня 12,50 ₽",
        "Оплатить до 10.12.2026",
        "К оплате 1 308,01 ₽",
    ):
        assert part in totals, totals
    await fits(page, "bill-detail")

    # Paperless: on, said in the server's words, and kept.
    await page.get_by_role("link", name="← Все квитанции").click()
    await heading(page, "Квитанции")
    switch = page.get_by_role("switch", name=PAPERLESS)
    await expect(switch).not_to_be_checked()
    await expect(page.get_by_text(re.compile("с квитанцией в формате PDF во вложении"))).to_be_visible()
    await switch.click()
    await expect(page.get_by_role("status").get_by_text(re.compile(PAPERLESS_ON))).to_be_visible()
    await expect(switch).to_be_checked()
    await expect(page.get_by_text(re.compile("^Подключена по лицевому счету"))).to_be_visible()
    assert await paperless_of(http, home) is True
    await fits(page, "bills-paperless-on")
    await page.reload()
    await expect(page.get_by_role("switch", name=PAPERLESS)).to_be_checked()

    # At 375 px: the bill's PDF from its own page, then paperless off again.
    await page.set_viewport_size(PHONE_375)
    await page.get_by_role("link", name=re.compile("^Подробнее")).first.click()
    await heading(page, "Квитанция за ноябрь 2026 г.")
    _, headers, data = await pdf_of(page, re.compile("^Скачать PDF"))
    assert headers["content-type"] == "application/pdf" and data.startswith(b"%PDF"), headers
    await page.go_back()
    await heading(page, "Квитанции")
    switch = page.get_by_role("switch", name=PAPERLESS)
    await expect(switch).to_be_checked()
    await switch.click()
    await expect(page.get_by_role("status").get_by_text(PAPERLESS_OFF)).to_be_visible()
    await expect(switch).not_to_be_checked()
    await expect(page.get_by_text("Не подключена по лицевому счету", exact=False)).to_be_visible()
    assert await paperless_of(http, home) is False
    await fits(page, "bills-paperless-off")
    watch.assert_clean("bills")
