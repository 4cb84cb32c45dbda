"""Refunds through the API against the emulated bank: within what was paid (partial sums, and
requests at once), four eyes above the threshold (a supervisor other than the requester), the
bank's refusal, idempotency, the event, the letter, the story and the audit."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import asyncpg
import httpx
import pytest

from lka_acquirer_emulator.testing import Browser, card_form
from lka_common.testing.tokens import TokenFactory

VISA = "4111 1111 1111 1111"


@pytest.fixture
def staff(tokens: TokenFactory) -> Any:
    def make(role: str = "operator") -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens.issue(uuid.uuid4(), role=role, email=None)}"}

    return make


async def paid(api: httpx.AsyncClient, payer: Any, start: Any, browser: Browser, eventually: Any, amount: str) -> str:
    me = await payer()
    started = await start(me, amount)
    await browser.pay(started["confirmation_url"], card_form(VISA))

    async def done() -> bool:
        body = (await api.get(f"/payments/{started['id']}", headers=me.headers)).json()
        return body["status"] == "succeeded"

    await eventually(done)
    return str(started["id"])


async def refund(
    api: httpx.AsyncClient, who: dict[str, str], payment_id: str, amount: str, key: str | None = None
) -> httpx.Response:
    headers = {**who, "Idempotency-Key": key or uuid.uuid4().hex}
    body = {"amount": amount, "reason": "Ошибочный платеж"}
    return await api.post(f"/operator/payments/{payment_id}/refunds", json=body, headers=headers)


async def test_partial_refunds_sum_to_at_most_what_was_paid(
    api: httpx.AsyncClient,
    payer: Any,
    start: Any,
    browser: Browser,
    eventually: Any,
    staff: Any,
    outbox: Any,
    db: asyncpg.Pool,
) -> None:
    payment_id = await paid(api, payer, start, browser, eventually, "1000.00")
    operator = staff()

    first = await refund(api, operator, payment_id, "300.00")
    assert (first.status_code, first.json()["status"]) == (201, "succeeded"), first.text
    over = await refund(api, operator, payment_id, "700.01")
    assert (over.status_code, over.json()["code"]) == (422, "refund_above_paid")
    assert "700.00" in over.json()["detail"]
    rest = await refund(api, operator, payment_id, "700.00")
    assert rest.json()["status"] == "succeeded", rest.text

    story = (await api.get(f"/operator/payments/{payment_id}", headers=operator)).json()
    assert (story["payment"]["status"], story["payment"]["refunded_amount"]) == ("refunded", "1000.00")
    assert [r["amount"] for r in story["refunds"]] == ["300.00", "700.00"]
    kinds = [line["kind"] for line in story["events"]]
    assert kinds[0] == "order_registered" and kinds.count("refund_succeeded") == 2
    assert "callback_received" in kinds and "event_published" in kinds
    events = await outbox("payments.payment.refunded.v1", payment_id=payment_id)
    assert sorted(e["amount_kopecks"] for e in events) == [30000, 70000]
    letters = [d for d in await outbox("notifications.letter.send.v1") if d["template"] == "payment_refunded"]
    assert any(d["params"]["order_id"] == story["payment"]["acquirer_order_id"] for d in letters)
    gone = await refund(api, operator, payment_id, "1.00")
    assert (gone.status_code, gone.json()["code"]) == (409, "payment_not_refundable")
    actions = await db.fetch("SELECT action, outcome FROM audit_records WHERE object_id = $1", payment_id)
    assert {("refund.request", "ok"), ("payment.read", "ok"), ("refund.request", "refused:refund_above_paid")} <= {
        (a["action"], a["outcome"]) for a in actions
    }


async def test_requests_at_once_never_give_back_more_than_was_paid(
    api: httpx.AsyncClient, payer: Any, start: Any, browser: Browser, eventually: Any, staff: Any
) -> None:
    payment_id = await paid(api, payer, start, browser, eventually, "100.00")
    answers = await asyncio.gather(*(refund(api, staff(), payment_id, "30.00") for _ in range(5)))
    codes = sorted(a.status_code for a in answers)
    assert codes == [201, 201, 201, 422, 422], [a.text for a in answers]
    story = (await api.get(f"/operator/payments/{payment_id}", headers=staff())).json()
    assert story["payment"]["refunded_amount"] == "90.00"


async def test_the_same_key_twice_is_the_same_refund(
    api: httpx.AsyncClient, payer: Any, start: Any, browser: Browser, eventually: Any, staff: Any
) -> None:
    payment_id = await paid(api, payer, start, browser, eventually, "50.00")
    operator, key = staff(), uuid.uuid4().hex
    first, again = [await refund(api, operator, payment_id, "10.00", key) for _ in range(2)]
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    other_body = await refund(api, operator, payment_id, "11.00", key)
    assert (other_body.status_code, other_body.json()["code"]) == (422, "idempotency_key_reused")


async def test_above_the_threshold_a_second_person_decides(
    api: httpx.AsyncClient, payer: Any, start: Any, browser: Browser, eventually: Any, staff: Any, outbox: Any
) -> None:
    payment_id = await paid(api, payer, start, browser, eventually, "15000.00")
    requester = staff("supervisor")
    waiting = await refund(api, requester, payment_id, "12000.00")
    assert (waiting.status_code, waiting.json()["status"]) == (201, "awaiting_approval"), waiting.text
    refund_id = waiting.json()["id"]

    own = await api.post(f"/operator/refunds/{refund_id}/approve", headers=requester)
    assert (own.status_code, own.json()["code"]) == (403, "same_actor")
    by_operator = await api.post(f"/operator/refunds/{refund_id}/approve", headers=staff())
    assert by_operator.status_code == 403
    queue = (await api.get("/operator/refunds?status=awaiting_approval", headers=staff())).json()
    assert refund_id in [r["id"] for r in queue]

    approved = await api.post(f"/operator/refunds/{refund_id}/approve", headers=staff("supervisor"))
    assert (approved.status_code, approved.json()["status"]) == (200, "succeeded"), approved.text
    again = await api.post(f"/operator/refunds/{refund_id}/approve", headers=staff("supervisor"))
    assert (again.status_code, again.json()["code"]) == (409, "refund_not_awaiting")
    assert await outbox("payments.payment.refunded.v1", refund_id=refund_id)

    rest = await refund(api, requester, payment_id, "3000.00")  # under the threshold: at once
    assert rest.json()["status"] == "succeeded", rest.text


async def test_a_rejected_refund_frees_its_amount(
    api: httpx.AsyncClient, payer: Any, start: Any, browser: Browser, eventually: Any, staff: Any
) -> None:
    payment_id = await paid(api, payer, start, browser, eventually, "20000.00")
    waiting = (await refund(api, staff(), payment_id, "20000.00")).json()
    assert (await refund(api, staff(), payment_id, "1.00")).status_code == 422
    body = {"comment": "Нет заявления абонента"}
    rejected = await api.post(f"/operator/refunds/{waiting['id']}/reject", json=body, headers=staff("supervisor"))
    assert (rejected.status_code, rejected.json()["status"]) == (200, "rejected"), rejected.text
    assert (await refund(api, staff(), payment_id, "1.00")).json()["status"] == "succeeded"


async def test_the_banks_refusal_fails_the_refund_and_frees_its_amount(
    api: httpx.AsyncClient,
    payer: Any,
    start: Any,
    browser: Browser,
    eventually: Any,
    staff: Any,
    emulator: Any,
    db: asyncpg.Pool,
) -> None:
    payment_id = await paid(api, payer, start, browser, eventually, "40.00")
    order_id = await db.fetchval("SELECT acquirer_order_id FROM payments WHERE id = $1", uuid.UUID(payment_id))
    emulator.gateway.store.get(order_id).refunded_amount = 4000  # given back at the bank behind our back
    failed = (await refund(api, staff(), payment_id, "10.00")).json()
    assert (failed["status"], failed["failure_reason"]) == ("failed", "acquirer_refused:7")


async def test_staff_routes_are_not_a_subscribers(api: httpx.AsyncClient, payer: Any) -> None:
    me = await payer()
    assert (await api.get("/operator/payments", headers=me.headers)).status_code == 403
    assert (await refund(api, me.headers, str(uuid.uuid4()), "1.00")).status_code == 403


async def test_the_lookup_finds_an_accounts_payments(
    api: httpx.AsyncClient, payer: Any, start: Any, staff: Any
) -> None:
    me = await payer()
    started = await start(me, "12.34")
    found = await api.get(
        "/operator/payments", params={"region_code": "simferopol", "account_number": me.account_number}, headers=staff()
    )
    assert [p["id"] for p in found.json()] == [started["id"]]
    assert found.json()[0]["refunded_amount"] == "0.00"
    none = await api.get(
        "/operator/payments", params={"account_number": me.account_number, "status": "succeeded"}, headers=staff()
    )
    assert none.json() == []
