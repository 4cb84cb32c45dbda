"""Bills: billing's `billing.bill.issued.v1` taken once, listed newest first for the account's
subscribers only, shown one by one and as a PDF; the paperless switch with its event, and the
letter with the PDF each new bill sends to the subscribers who turned paper off."""

from __future__ import annotations

import base64
import io
import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import asyncpg
import httpx
import pytest
from pypdf import PdfReader

from lka_accounts.service_layer import bill_delivery
from lka_accounts.settings import AccountsSettings
from lka_common.db import make_engine, make_sessionmaker
from lka_common.events.billing import BillingBillIssued, BillLine
from lka_common.events.envelope import CloudEvent
from lka_common.testing.events import outbox_data
from lka_common.uow import UnitOfWork


def bill_data(number: str, period: str = "2026-11", bill_id: str | None = None) -> BillingBillIssued:
    return BillingBillIssued(
        bill_id=bill_id or f"B-{number}-{period}",
        region_code="simferopol",
        account_number=number,
        period=period,
        issued_at=datetime(2026, 12, 1, 3, tzinfo=UTC),
        opening_balance_kopecks=152340,
        lines=[
            BillLine(
                title="Электроэнергия, день",
                zone="T1",
                quantity_kwh=Decimal(127),
                price_kopecks=649,
                amount_kopecks=82423,
            ),
            BillLine(
                title="Электроэнергия, ночь",
                zone="T2",
                quantity_kwh=Decimal("45.5"),
                price_kopecks=325,
                amount_kopecks=14788,
            ),
        ],
        payments_kopecks=120000,
        penalty_kopecks=1250,
        total_due_kopecks=130801,
        due_date=date(2026, 12, 10),
    )


@pytest.fixture(scope="module")
async def issue(settings: AccountsSettings) -> Any:
    """`await issue(data)`: billing's bill through the consumer's own handler."""
    engine = make_engine(settings, pool_size=1)

    async def run(data: BillingBillIssued) -> None:
        event = CloudEvent(id=str(uuid.uuid4()), source="/billing", type=data.event_type)
        async with UnitOfWork(make_sessionmaker(engine), settings.source) as uow:
            await bill_delivery.bill_issued(settings.payee, uow, data, event)
            await uow.commit()

    yield run
    await engine.dispose()


async def linked(api: httpx.AsyncClient, person: Any, billing: Any) -> tuple[Any, str, str]:
    account = await billing()
    me = person()
    body = {"region_code": "simferopol", "number": account.number, "surname_prefix": "Ива"}
    answer = await api.post("/accounts", json=body, headers=me.headers)
    assert answer.status_code == 201, answer.text
    return me, answer.json()["account"]["id"], account.number


async def test_bills_are_listed_newest_first_and_shown_one_by_one(
    api: httpx.AsyncClient, person: Any, billing: Any, issue: Any
) -> None:
    me, account_id, number = await linked(api, person, billing)
    await issue(bill_data(number, "2026-10"))
    await issue(bill_data(number, "2026-11"))
    await issue(bill_data(number, "2026-11"))  # billing says it again: the same bill

    listed = (await api.get(f"/accounts/{account_id}/bills", headers=me.headers)).json()

    assert [bill["period"] for bill in listed] == ["2026-11", "2026-10"]
    newest = listed[0]
    assert newest["id"] == f"B-{number}-2026-11"
    assert (newest["total_due"], newest["charged"], newest["due_date"]) == ("1308.01", "972.11", "2026-12-10")
    assert newest["lines"][1] == {
        "title": "Электроэнергия, ночь",
        "zone": "T2",
        "quantity_kwh": 45.5,
        "price": "3.25",
        "amount": "147.88",
    }
    assert newest["pdf_url"] == f"/api/v1/accounts/{account_id}/bills/{newest['id']}.pdf"
    one = await api.get(f"/accounts/{account_id}/bills/{newest['id']}", headers=me.headers)
    assert one.json() == newest


async def test_the_pdf_is_a_russian_bill_with_selectable_text(
    api: httpx.AsyncClient, person: Any, billing: Any, issue: Any
) -> None:
    me, account_id, number = await linked(api, person, billing)
    await issue(bill_data(number))

    answer = await api.get(f"/accounts/{account_id}/bills/B-{number}-2026-11.pdf", headers=me.headers)

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"] == f'inline; filename="kvitanciya-{number}-2026-11.pdf"'
    text = PdfReader(io.BytesIO(answer.content)).pages[0].extract_text()
    for words in (f"Лицевой счет № {number}", "Иванов И. И.", "1 308,01", "10.12.2026", "ГУП РК «Крымэнерго»", "Пени"):
        assert words in text


async def test_another_subscribers_account_or_bill_is_not_found(
    api: httpx.AsyncClient, person: Any, billing: Any, issue: Any
) -> None:
    owner, account_id, number = await linked(api, person, billing)
    _, other_account_id, other_number = await linked(api, person, billing)
    await issue(bill_data(number))
    await issue(bill_data(other_number))
    stranger = person()
    mine = f"/accounts/{account_id}/bills"

    answers = [
        await api.get(mine, headers=stranger.headers),
        await api.get(f"{mine}/B-{number}-2026-11", headers=stranger.headers),
        await api.get(f"{mine}/B-{number}-2026-11.pdf", headers=stranger.headers),
        # The owner asking for another account's bill under their own account.
        await api.get(f"{mine}/B-{other_number}-2026-11", headers=owner.headers),
        await api.get(f"{mine}/B-{other_number}-2026-11.pdf", headers=owner.headers),
        await api.get(f"{mine}/NO-SUCH-BILL", headers=owner.headers),
        await api.put(f"/accounts/{account_id}/paperless", json={"enabled": True}, headers=stranger.headers),
    ]

    assert [answer.status_code for answer in answers] == [404] * 7
    assert {answer.json()["code"] for answer in answers} == {"not_found"}
    assert other_account_id != account_id


async def test_paperless_on_sends_the_next_bill_as_a_letter_with_its_pdf_and_off_sends_none(
    api: httpx.AsyncClient, person: Any, billing: Any, issue: Any, db: asyncpg.Pool
) -> None:
    me, account_id, number = await linked(api, person, billing)
    url = f"/accounts/{account_id}/paperless"
    assert (await api.get(url, headers=me.headers)).json() == {
        "account_id": account_id,
        "enabled": False,
        "message": None,
    }

    on = await api.put(url, json={"enabled": True}, headers=me.headers)
    again = await api.put(url, json={"enabled": True}, headers=me.headers)
    await issue(bill_data(number, "2026-11"))
    off = await api.put(url, json={"enabled": False}, headers=me.headers)
    await issue(bill_data(number, "2026-12"))

    assert (on.status_code, on.json()["enabled"], again.status_code) == (200, True, 200)
    assert on.json()["message"].startswith("Бумажная квитанция больше не будет доставляться")
    assert off.json() == {
        "account_id": account_id,
        "enabled": False,
        "message": "Квитанции снова будут доставляться на бумаге",
    }
    changes = await outbox_data(db, "accounts.paperless.changed.v1", account_id=account_id)
    assert changes == [
        {
            "account_id": account_id,
            "region_code": "simferopol",
            "account_number": number,
            "user_id": str(me.user_id),
            "enabled": enabled,
        }
        for enabled in (True, False)
    ]
    letters = [
        letter
        for letter in await outbox_data(db, "notifications.letter.send.v1", user_id=str(me.user_id))
        if letter["template"] == "bill_issued"
    ]
    (letter,) = letters  # the November bill only
    assert letter["params"] == {
        "account_number": number,
        "month": "ноябрь 2026 г.",
        "total_due": "1 308,01",
        "due_date": "10.12.2026",
    }
    (attachment,) = letter["attachments"]
    assert (attachment["filename"], attachment["content_type"]) == (
        f"kvitanciya-{number}-2026-11.pdf",
        "application/pdf",
    )
    assert base64.b64decode(attachment["content_base64"]).startswith(b"%PDF")


async def test_staff_cannot_switch_paperless(api: httpx.AsyncClient, person: Any) -> None:
    operator = person("operator")

    answer = await api.put(f"/accounts/{uuid.uuid4()}/paperless", json={"enabled": True}, headers=operator.headers)

    assert (answer.status_code, answer.json()["code"]) == (403, "staff_not_allowed")
    assert json.loads(answer.text)["detail"]
