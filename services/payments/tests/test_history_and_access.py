"""`GET /accounts/{id}/payments` (online and billing-registered, newest first, paginated), and
the access projection following accounts' link events."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from lka_common.events.accounts import AccountLinked, AccountUnlinked
from lka_common.events.billing import BillingPaymentRegistered
from lka_common.events.envelope import CloudEvent
from lka_payments.service_layer import access, billing

EVENT = CloudEvent(id="-", source="/billing", type="-")


async def registered(uow_factory: Any, me: Any, kopecks: int, paid_at: datetime, lka_payment_id: Any = None) -> str:
    billing_id = f"B-{uuid.uuid4().hex[:10]}"
    data = BillingPaymentRegistered(
        region_code="simferopol",
        account_number=me.account_number,
        billing_payment_id=billing_id,
        amount_kopecks=kopecks,
        paid_at=paid_at,
        channel="Почта России",
        lka_payment_id=lka_payment_id,
    )
    for _ in range(2):  # billing may send it twice: the second changes nothing
        async with uow_factory() as uow:
            await billing.payment_registered(uow, data, EVENT)
            await uow.commit()
    return billing_id


async def test_history_lists_online_and_billing_payments_newest_first(
    api: httpx.AsyncClient, payer: Any, start: Any, uow_factory: Any
) -> None:
    me = await payer()
    old = await registered(uow_factory, me, 120000, datetime.now(UTC) - timedelta(days=30))
    online = await start(me, "10.00")
    await registered(uow_factory, me, 1000, datetime.now(UTC), lka_payment_id=uuid.UUID(online["id"]))

    listed = (await api.get(f"/accounts/{me.account_id}/payments", headers=me.headers)).json()
    assert [(p["id"], p["source"], p["amount"]) for p in listed] == [
        (online["id"], "online", "10.00"),
        (old, "billing", "1200.00"),
    ]
    assert listed[1]["channel"] == "Почта России" and listed[1]["status"] == "succeeded"

    page = (await api.get(f"/accounts/{me.account_id}/payments?limit=1&offset=1", headers=me.headers)).json()
    assert [p["id"] for p in page] == [old]
    assert (await api.get(f"/accounts/{me.account_id}/payments?limit=201", headers=me.headers)).status_code == 422


async def test_history_of_someone_elses_account_is_404(api: httpx.AsyncClient, payer: Any) -> None:
    me, other = await payer(), await payer()
    assert (await api.get(f"/accounts/{other.account_id}/payments", headers=me.headers)).status_code == 404


async def test_an_unlinked_account_can_no_longer_be_paid(api: httpx.AsyncClient, payer: Any, uow_factory: Any) -> None:
    me = await payer()
    data = AccountUnlinked(
        user_id=me.user_id, account_id=me.account_id, region_code="simferopol", account_number=me.account_number
    )
    async with uow_factory() as uow:
        await access.account_unlinked(uow, data, EVENT)
        await uow.commit()
    body = {"account_id": str(me.account_id), "amount": "1.00"}
    answer = await api.post("/payments", json=body, headers={**me.headers, "Idempotency-Key": "k"})
    assert answer.status_code == 404


async def test_an_unlink_that_overtakes_its_link_leaves_the_account_unpayable(
    api: httpx.AsyncClient, payer: Any, uow_factory: Any
) -> None:
    me = await payer()  # linked already: this is another account, linked and unlinked later
    account_id, number, linked_at = uuid.uuid4(), "7007007", datetime.now(UTC)
    names = {"user_id": me.user_id, "account_id": account_id, "region_code": "simferopol", "account_number": number}
    link = (access.account_linked, AccountLinked(**names, linked_via="surname"), linked_at)
    unlink = (access.account_unlinked, AccountUnlinked(**names), linked_at + timedelta(seconds=1))
    for handler, data, at in (unlink, link):  # the later event is delivered first
        async with uow_factory() as uow:
            await handler(uow, data, CloudEvent(id=uuid.uuid4().hex, source="/lka/accounts", type="-", time=at))
            await uow.commit()

    assert (await api.get(f"/accounts/{account_id}/payments", headers=me.headers)).status_code == 404
    body = {"account_id": str(account_id), "amount": "1.00"}
    answer = await api.post("/payments", json=body, headers={**me.headers, "Idempotency-Key": uuid.uuid4().hex})
    assert answer.status_code == 404
