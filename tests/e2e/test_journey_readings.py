"""Readings as a person lives them (issue 18 "The journeys as a person lives them", items 4
and 8), in a real browser (Debian's headless Chromium, driven by Playwright) through the whole
stack, with the billing simulator playing billing:

4. the consumption chart stays once billing accepts the reading: the month shows at once after
   submitting (provisional until billing's verdict); the status turns «Принято», billing sends
   that reading back as the meter's last one, and the chart still shows the month, its
   consumption being the new reading less the previous accepted one, zone by zone;
8. readings without registration ask region, account number and serial first («Найти
   счетчик»), then show exactly that meter's zones with their names; a mismatch says the same
   «Счет или счетчик не найден» as the submission does, and shows no zones at all.

Screens where layout is the point are checked at 1280, 375 and 360 px wide (no sideways
scroll); screenshots land in `var/screenshots/` (git-ignored). Every page is watched for
console errors and CSP violations.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import AsyncIterator
from decimal import Decimal

import httpx
import pytest
from playwright.async_api import Browser, Locator, Page, expect
from web_support import Watch, chromium, fits, heading, plain, signed_in, visitor

from lka_common.testing.portal import bearer, register_and_confirm, sign_in
from lka_common.testing.stack import Stack

pytestmark = pytest.mark.slow

# The billing simulator's demo accounts (tools/billing_simulator/README.md), one per journey.
YALTA = ("yalta", "91000202", "ЁЛК", "M230-0202")  # T1 день 8123, T2 ночь 3456.5
KERCH = ("Городской округ Керчь", "91000303", "CE303-0303")  # T1 пик, T2 ночь, T3 полупик
NOT_FOUND = "Счет или счетчик не найден"
NO_CONSUMPTION = "Данных о потреблении пока нет"


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as launched:
        yield launched


def kwh(value: Decimal) -> str:
    """12456.5 -> «12 456,5», as the page writes kWh (after `plain`)."""
    whole, _, fraction = f"{value.normalize():f}".partition(".")
    return f"{int(whole):,}".replace(",", " ") + (f",{fraction}" if fraction else "")


def number(shown: str) -> Decimal:
    return Decimal(re.sub(r"\s", "", shown).replace(",", "."))


async def person_with(stack: Stack, account: tuple[str, str, str, str]) -> str:
    """A confirmed subscriber with this demo account linked, once readings knows its meters."""
    email = f"readings-{secrets.token_hex(5)}@example.ru"
    code, number_, letters, _ = account
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=20) as http:
        await register_and_confirm(http, stack.mail, email)
        headers = bearer(await sign_in(http, email))
        body = {"region_code": code, "number": number_, "surname_prefix": letters}
        linked = await http.post("/api/v1/accounts", json=body, headers=headers)
        assert linked.status_code == 201, linked.text
        account_id = linked.json()["account"]["id"]
        for _ in range(100):
            meters = await http.get(f"/api/v1/accounts/{account_id}/meters", headers=headers)
            if meters.status_code == 200 and meters.json():
                return email
            await asyncio.sleep(0.3)
    raise AssertionError("readings never heard of the linked account")


async def previous_values(meter: Locator) -> dict[str, Decimal]:
    """What the meter's card says of the last accepted reading, zone by zone («Предыдущее: 8 123 (…)»)."""
    found: dict[str, Decimal] = {}
    hints = await meter.locator(".field-hint").all_inner_texts()
    for zone, hint in zip(("T1", "T2"), hints, strict=True):
        shown = re.search(r"Предыдущее: ([\d\s,]+?)\s*\(", hint)
        assert shown, hint
        found[zone] = number(shown.group(1))
    return found


async def month_row(page: Page, serial: str, month: str) -> Locator:
    """The row of `month` («декабрь 2026») in the table of the meter's consumption chart, the
    table opened («Показать таблицей») if it is not."""
    chart = page.locator("figure", has=page.get_by_text(f"Счетчик {serial}"))
    table = chart.locator("details")
    if await table.get_attribute("open") is None:
        await table.get_by_text("Показать таблицей").click()
    return table.locator("table tbody tr").filter(has=page.get_by_role("rowheader", name=re.compile(month)))


# ---------- 4. the consumption chart stays once billing accepts the reading ----------


async def test_4_the_consumption_chart_stays_once_billing_accepts_the_reading(stack: Stack, browser: Browser) -> None:
    email = await person_with(stack, YALTA)
    serial = YALTA[3]
    page, watch = await signed_in(browser, stack.gateway, email)
    await page.get_by_role("navigation").get_by_role("link", name="Показания").click()
    await heading(page, "Показания")
    meter = page.locator("article", has=page.get_by_role("heading", name=f"Счетчик № {serial}"))
    await expect(meter.get_by_role("textbox", name=re.compile("^T2"))).to_be_visible()

    # A month's worth over billing's last accepted reading, as the card shows it.
    before = await previous_values(meter)
    used = {"T1": Decimal(137), "T2": Decimal("42.5")}
    new = {zone: before[zone] + used[zone] for zone in before}
    await meter.get_by_role("textbox", name=re.compile("^T1")).fill(kwh(new["T1"]))
    await meter.get_by_role("textbox", name=re.compile("^T2")).fill(kwh(new["T2"]))
    await meter.get_by_role("button", name="Передать показания").click()
    await expect(meter.get_by_text(re.compile("Показания переданы и будут учтены за"))).to_be_visible()
    history = page.locator("table", has=page.get_by_role("columnheader", name="Статус")).locator("tbody tr")
    await expect(history.first).to_contain_text(re.compile(r"T1: " + kwh(new["T1"]).replace(" ", r"\s")))
    month = plain(await history.first.locator("td[data-label='Учтены за']").inner_text())
    expected = [kwh(used["T1"]), kwh(used["T2"]), kwh(used["T1"] + used["T2"])]

    # At once, before billing's verdict: the month with its figures (provisional until then).
    row = await month_row(page, serial, month)
    await expect(row).to_have_count(1)
    assert [plain(text) for text in await row.locator("td").all_inner_texts()] == expected

    # Billing accepts it and sends it back as the meter's last reading: the moment the chart
    # used to lose the month («Данных о потреблении пока нет»).
    status = history.first.locator(".badge")
    for _ in range(60):
        if await status.inner_text() == "Принято" and await previous_values(meter) == new:
            break
        await page.wait_for_timeout(1000)
        await page.reload()
        await expect(status).to_be_visible()
    await expect(status).to_have_text("Принято")
    assert await previous_values(meter) == new, "billing's meter update never reached the page"

    for look in range(2):  # and it stays: once more after a few seconds
        consumption = page.get_by_role("region", name="Потребление по месяцам")
        await expect(page.get_by_text(NO_CONSUMPTION)).to_have_count(0)
        row = await month_row(page, serial, month)
        await expect(row).to_have_count(1)
        cells = [plain(text) for text in await row.locator("td").all_inner_texts()]
        assert cells == expected, (month, cells)
        assert "предварительно" not in plain(await row.inner_text())
        picture = consumption.get_by_role("img", name=re.compile("Потребление"))
        label = plain(await picture.get_attribute("aria-label") or "")
        assert f"{month}: {kwh(used['T1'] + used['T2'])} кВт·ч" in label, label
        if look == 0:
            await fits(page, "readings-consumption")
            await page.wait_for_timeout(3500)
            await page.reload()
            await expect(history.first.locator(".badge")).to_have_text("Принято")
    watch.assert_clean("the consumption chart")


# ---------- 8. readings without registration: the meter first, then its zones ----------


async def test_8_the_public_form_finds_the_meter_first_and_shows_its_zones(stack: Stack, browser: Browser) -> None:
    region, account, serial = KERCH
    context = await visitor(browser)
    page = await context.new_page()
    watch = Watch(stack.gateway)
    watch.attach(page)
    await page.goto(f"{stack.gateway}/")
    await page.get_by_role("main").get_by_role("link", name="Внести показания без регистрации").click()
    await heading(page, "Передача показаний без регистрации")
    form = page.get_by_role("main")
    # Nobody is asked how many zones their meter has: the system knows the meter.
    await expect(form.get_by_text("Количество тарифных зон")).to_have_count(0)
    await expect(form.get_by_role("radio")).to_have_count(0)
    await expect(form.get_by_role("textbox", name=re.compile("^T[123]"))).to_have_count(0)
    await fits(page, "public-readings-find")

    # A serial that is not on the account: the same words as the submission's 404, no zones.
    await form.get_by_label("Регион").select_option(label=region)
    await form.get_by_label("Номер лицевого счета").fill(account)
    await form.get_by_label("Заводской номер счетчика").fill(f"{serial}-X")
    watch.expected.add((404, "/api/v1/public/readings/meter"))
    await form.get_by_role("button", name="Найти счетчик").click()
    await expect(page.get_by_role("alert")).to_contain_text(NOT_FOUND)
    await expect(form.get_by_role("textbox", name=re.compile("^T[123]"))).to_have_count(0)

    # The right serial: exactly that meter's three zones, by their names.
    await form.get_by_label("Заводской номер счетчика").fill(serial)
    async with page.expect_response(re.compile(r"/api/v1/public/readings/meter$")) as answered:
        await form.get_by_role("button", name="Найти счетчик").click()
    found = await answered.value
    assert found.status == 200, await found.text()
    body = await found.json()
    assert set(body) == {"zones", "zone_titles", "digits"}, body
    assert "23456" not in await found.text()  # billing's last reading is nobody's business here
    zones = form.get_by_role("textbox", name=re.compile("^T[123]"))
    await expect(zones).to_have_count(3)
    for title in ("T1 пик", "T2 ночь", "T3 полупик"):
        await expect(form.get_by_role("textbox", name=title)).to_be_visible()
    await expect(form).to_contain_text(serial)
    await fits(page, "public-readings-zones")

    await form.get_by_role("textbox", name="T1 пик").fill("23500")
    await form.get_by_role("textbox", name="T2 ночь").fill("9900,5")
    await form.get_by_role("textbox", name="T3 полупик").fill("4400")
    await form.get_by_role("button", name="Передать показания").click()
    await expect(page.get_by_text(re.compile("Показания переданы и будут учтены за"))).to_be_visible()
    await fits(page, "public-readings-sent")
    watch.assert_clean("the public form")
    await context.close()
