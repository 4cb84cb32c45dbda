"""`GET /accounts/{id}/payments` (online and billing-registered, newest first, paginated; of a
shared account, others' online payments only once settled with money, and never with their card),
`expires_at` of a pending
payment, and the access projection following accounts' link events."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from lka_acquirer_emulator.testing import Browser, card_form
from lka_common.events.accounts import AccountLinked, AccountUnlinked
from lka_common.events.billing import BillingPaymentRegistered
from lka_common.events.envelope import CloudEvent
from lka_payments.domain.model import Outcome
from lka_payments.service_layer import access, billing, settlement

EVENT = CloudEvent(id="-", source="/billing", type="-")
VISA, DECLINED_CARD = "4111 1111 1111 1111", "4000 0000 0000 0002"


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


# ---------- who sees which online payment of a shared account (issue 18, item 5) ----------


async def co_owner(uow_factory: Any, tokens: Any, me: Any) -> Any:
    """Another profile with `me`'s account linked too: what it needs to pay and read."""
    user_id = uuid.uuid4()
    names = {"account_id": me.account_id, "region_code": "simferopol", "account_number": me.account_number}
    async with uow_factory() as uow:
        await access.account_linked(uow, AccountLinked(user_id=user_id, **names, linked_via="surname"), EVENT)
        await uow.commit()
    email = f"co-{user_id.hex[:8]}@example.ru"
    headers = {"Authorization": f"Bearer {tokens.issue(user_id, email=email)}"}
    return me._replace(user_id=user_id, email=email, headers=headers)


async def paid_with(api: httpx.AsyncClient, browser: Browser, who: Any, started: dict[str, Any], pan: str) -> str:
    """Through the bank's page with this card; the settled status (read, so settled on read)."""
    await browser.pay(started["confirmation_url"], card_form(pan))
    body = (await api.get(f"/payments/{started['id']}", headers=who.headers)).json()
    assert body["status"] != "pending", body
    return str(body["status"])


async def listed(api: httpx.AsyncClient, who: Any) -> dict[str, str]:
    answer = await api.get(f"/accounts/{who.account_id}/payments", headers=who.headers)
    assert answer.status_code == 200, answer.text
    return {item["id"]: item["status"] for item in answer.json()}


async def test_a_co_owner_sees_others_settled_payments_and_never_their_unfinished_attempts(
    api: httpx.AsyncClient, payer: Any, start: Any, browser: Browser, uow_factory: Any, tokens: Any, db: Any
) -> None:
    me = await payer()
    other = await co_owner(uow_factory, tokens, me)
    # The other profile's attempts: left on the bank's page, declined, lapsed; and two that paid.
    left = await start(other, "7.00")
    declined = await start(other, "400000.00")
    assert await paid_with(api, browser, other, declined, DECLINED_CARD) == "failed"
    lapsed = await start(other, "3.00")
    await settlement.record(uow_factory(), uuid.UUID(lapsed["id"]), Outcome("expired", "expired"))
    paid = await start(other, "500.00")
    assert await paid_with(api, browser, other, paid, VISA) == "succeeded"
    returned = await start(other, "600.00")
    assert await paid_with(api, browser, other, returned, VISA) == "succeeded"
    await db.execute("UPDATE payments SET status = 'refunded' WHERE id = $1::uuid", returned["id"])
    # Mine: one left on the bank's page, one declined.
    mine_left = await start(me, "11.00")
    mine_declined = await start(me, "12.00")
    assert await paid_with(api, browser, me, mine_declined, DECLINED_CARD) == "failed"
    from_post = await registered(uow_factory, me, 95000, datetime.now(UTC) - timedelta(days=3))

    assert await listed(api, me) == {
        mine_left["id"]: "pending",
        mine_declined["id"]: "failed",
        paid["id"]: "succeeded",
        returned["id"]: "refunded",
        from_post: "succeeded",
    }
    assert await listed(api, other) == {
        left["id"]: "pending",
        declined["id"]: "failed",
        lapsed["id"]: "expired",
        paid["id"]: "succeeded",
        returned["id"]: "refunded",
        from_post: "succeeded",
    }
    # Another's attempt is not theirs to read one by one either (as before).
    assert (await api.get(f"/payments/{left['id']}", headers=me.headers)).status_code == 404


async def cards(api: httpx.AsyncClient, who: Any) -> dict[str, Any]:
    answer = await api.get(f"/accounts/{who.account_id}/payments", headers=who.headers)
    assert answer.status_code == 200, answer.text
    return {item["id"]: item["card"] for item in answer.json()}


async def test_a_co_owner_sees_that_another_paid_and_not_with_which_card(
    api: httpx.AsyncClient, payer: Any, start: Any, browser: Browser, uow_factory: Any, tokens: Any
) -> None:
    me = await payer()
    other = await co_owner(uow_factory, tokens, me)
    theirs = await start(other, "500.00")
    assert await paid_with(api, browser, other, theirs, VISA) == "succeeded"
    mine = await start(me, "20.00")
    assert await paid_with(api, browser, me, mine, VISA) == "succeeded"
    card = {"brand": "visa", "pan_masked": "411111******1111"}

    assert await cards(api, me) == {theirs["id"]: None, mine["id"]: card}
    assert await cards(api, other) == {theirs["id"]: card, mine["id"]: None}


async def test_a_pending_payment_says_when_the_banks_page_lapses_and_names_its_account(
    api: httpx.AsyncClient, payer: Any, start: Any, browser: Browser, settings: Any
) -> None:
    me = await payer()
    started = await start(me, "42.00")

    pending = (await api.get(f"/payments/{started['id']}", headers=me.headers)).json()
    assert (pending["status"], pending["account_number"]) == ("pending", me.account_number)
    lapses = datetime.fromisoformat(pending["created_at"]) + timedelta(seconds=settings.rbs_session_timeout_s)
    assert datetime.fromisoformat(pending["expires_at"]) == lapses
    (item,) = (await api.get(f"/accounts/{me.account_id}/payments", headers=me.headers)).json()
    assert (item["id"], item["status"], datetime.fromisoformat(item["expires_at"])) == (
        started["id"],
        "pending",
        lapses,
    )

    assert await paid_with(api, browser, me, started, VISA) == "succeeded"
    paid = (await api.get(f"/payments/{started['id']}", headers=me.headers)).json()
    assert (paid["expires_at"], paid["account_number"]) == (None, me.account_number)
    (item,) = (await api.get(f"/accounts/{me.account_id}/payments", headers=me.headers)).json()
    assert item["expires_at"] is None
