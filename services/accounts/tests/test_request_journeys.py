"""Link requests as the people involved live them (issue 18, items 1, 2 and 12; docs/contract.md §2):
a number that cannot be an account is refused at the field; a request keeps what was entered and
says what happens next; it can be withdrawn; a rejected one corrected; and an operator's queue
shows who asked, what they entered beside billing's data, and the account's history."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, NamedTuple

import asyncpg
import httpx
import pytest

from lka_accounts.domain import messages
from lka_common.testing.tokens import TokenFactory

REQUEST_LINKED = "Лицевой счет успешно привязан к учетной записи"
LIMIT = 10  # failed attempts per account an hour, the setting's default


class Who(NamedTuple):
    user_id: uuid.UUID
    headers: dict[str, str]


def someone(tokens: TokenFactory, email: str | None) -> Who:
    """A subscriber whose access token carries this e-mail (or none)."""
    user_id = uuid.uuid4()
    return Who(user_id, {"Authorization": f"Bearer {tokens.issue(user_id, email=email)}"})


async def a_request(api: httpx.AsyncClient, who: Any, number: str, **proof: str) -> dict[str, Any]:
    body = {"region_code": "simferopol", "number": number, **(proof or {"surname_prefix": "Щук"})}
    response = await api.post("/accounts", json=body, headers=who.headers)
    assert response.status_code == 202, response.text
    request: dict[str, Any] = response.json()["request"]
    return request


async def mine(api: httpx.AsyncClient, who: Any) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in (await api.get("/link-requests", headers=who.headers)).json()}


async def queue(api: httpx.AsyncClient, operator: Any, status: str = "pending") -> dict[str, dict[str, Any]]:
    response = await api.get(f"/operator/link-requests?status={status}&limit=200", headers=operator.headers)
    assert response.status_code == 200, response.text
    return {r["id"]: r for r in response.json()}


# ---------- the account number's format ----------


@pytest.mark.parametrize("number", ["12ab", "91 000101", "91-000101", "9100010/1", "٩١٠٠", "1" * 21, "Л123"])
async def test_a_number_that_cannot_be_an_account_is_refused_at_the_field_and_counts_nothing(
    api: httpx.AsyncClient, person: Any, db: asyncpg.Pool, number: str
) -> None:
    me = person()
    request = await a_request(api, me, "1234567")
    attempts_before = await db.fetchval("SELECT count(*) FROM link_attempts")
    body = {"region_code": "simferopol", "number": number, "last_payment_amount": "100.00"}

    created = await api.post("/accounts", json=body, headers=me.headers)
    edited = await api.put(f"/link-requests/{request['id']}", json=body, headers=me.headers)

    for answer in (created, edited):
        assert answer.status_code == 422, answer.text
        problem = answer.json()
        assert (problem["code"], problem["detail"]) == ("invalid_account_number", messages.INVALID_ACCOUNT_NUMBER)
        assert problem["errors"] == [{"field": "number", "message": messages.INVALID_ACCOUNT_NUMBER}]
    assert list(await mine(api, me)) == [request["id"]]
    assert (await mine(api, me))[request["id"]]["number"] == "1234567"
    assert await db.fetchval("SELECT count(*) FROM link_attempts") == attempts_before


async def test_the_number_format_is_in_the_document(api: httpx.AsyncClient) -> None:
    base = str(api.base_url).removesuffix("/api/v1/").removesuffix("/api/v1")
    async with httpx.AsyncClient(base_url=base) as root:
        schemas = (await root.get("/openapi.json")).json()["components"]["schemas"]
    assert schemas["LinkIn"]["properties"]["number"]["pattern"] == "^[0-9]{1,20}$"
    assert schemas["RejectIn"]["properties"]["comment"]["pattern"] == r"\S"


# ---------- what a request keeps and says ----------


async def test_a_request_keeps_what_was_entered_and_the_requesters_address_and_says_what_happens_next(
    api: httpx.AsyncClient, tokens: TokenFactory, billing: Any, db: asyncpg.Pool
) -> None:
    account = await billing()
    me = someone(tokens, "ivanov@mail.ru")

    asked = await api.post(
        "/accounts",
        json={"region_code": "simferopol", "number": account.number, "last_payment_amount": "1523,4"},
        headers=me.headers,
    )
    letters = await a_request(api, me, "55555", surname_prefix="жук")

    assert asked.status_code == 202, asked.text
    body = asked.json()
    assert body["message"] == messages.REQUEST_CREATED
    assert body["explanation"] == messages.REQUEST_EXPLAINED
    assert "в течение 3 рабочих дней" in body["explanation"] and "письмом" in body["explanation"]
    assert body["request"]["proof"] == {"last_payment_amount": "1523.40"}
    assert body["request"]["note"] == messages.REQUEST_EXPLAINED
    assert letters["proof"] == {"surname_prefix": "ЖУК"}
    listed = await mine(api, me)
    assert listed[body["request"]["id"]]["proof"] == {"last_payment_amount": "1523.40"}
    row = await db.fetchrow(
        "SELECT proof_amount_kopecks, proof_letters, requester_email FROM link_requests WHERE id = $1",
        uuid.UUID(body["request"]["id"]),
    )
    assert tuple(row) == (152340, None, "ivanov@mail.ru")


async def test_asking_again_keeps_one_request_with_the_newest_proof(api: httpx.AsyncClient, person: Any) -> None:
    me = person()
    first = await a_request(api, me, "7007007", last_payment_amount="10.00")
    again = await a_request(api, me, "7007007", surname_prefix="Абв")

    assert again["id"] == first["id"]
    assert again["proof"] == {"surname_prefix": "АБВ"}


# ---------- withdrawing ----------


async def test_a_pending_or_rejected_request_is_withdrawn_once_and_leaves_the_operators_queue(
    api: httpx.AsyncClient, person: Any, number: Any, outbox: Any
) -> None:
    me, operator = person(), person("operator")
    pending = await a_request(api, me, number())
    rejected = await a_request(api, me, number())
    reject = f"/operator/link-requests/{rejected['id']}/reject"
    assert (await api.post(reject, json={"comment": "Нет"}, headers=operator.headers)).status_code == 200

    answers = [await api.delete(f"/link-requests/{r['id']}", headers=me.headers) for r in (pending, rejected)]
    again = await api.delete(f"/link-requests/{pending['id']}", headers=me.headers)

    for answer in (*answers, again):
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"message": "Заявка отозвана"}
    listed = await mine(api, me)
    assert {listed[r["id"]]["status"] for r in (pending, rejected)} == {"withdrawn"}
    assert listed[pending["id"]]["note"] is None
    assert pending["id"] not in await queue(api, operator)
    assert set(await queue(api, operator, "withdrawn")) >= {pending["id"], rejected["id"]}
    (event,) = await outbox("accounts.link_request.withdrawn.v1", request_id=pending["id"])
    assert event == {
        "request_id": pending["id"],
        "user_id": str(me.user_id),
        "region_code": "simferopol",
        "account_number": pending["number"],
        "status": "withdrawn",
    }
    # Nobody decides or corrects it any more.
    approve = await api.post(f"/operator/link-requests/{pending['id']}/approve", headers=operator.headers)
    body = {"region_code": "simferopol", "number": pending["number"], "surname_prefix": "Ива"}
    edited = await api.put(f"/link-requests/{pending['id']}", json=body, headers=me.headers)
    assert (approve.status_code, approve.json()["code"]) == (409, "request_withdrawn")
    assert (edited.status_code, edited.json()["code"]) == (409, "request_withdrawn")


async def test_only_the_owner_withdraws_and_staff_not_at_all(api: httpx.AsyncClient, person: Any, number: Any) -> None:
    owner, stranger = person(), person()
    request = await a_request(api, owner, number())

    foreign = await api.delete(f"/link-requests/{request['id']}", headers=stranger.headers)
    unknown = await api.delete(f"/link-requests/{uuid.uuid4()}", headers=stranger.headers)
    staff = await api.delete(f"/link-requests/{request['id']}", headers=person("operator").headers)

    assert (foreign.status_code, unknown.status_code) == (404, 404)
    assert foreign.json() == unknown.json()
    assert (staff.status_code, staff.json()["code"]) == (403, "staff_not_allowed")
    assert (await mine(api, owner))[request["id"]]["status"] == "pending"


# ---------- correcting a rejected request ----------


async def test_a_rejected_request_corrected_with_wrong_data_waits_again_as_a_fresh_request(
    api: httpx.AsyncClient, person: Any, number: Any, outbox: Any
) -> None:
    me, operator = person(), person("operator")
    request = await a_request(api, me, number())
    reject = f"/operator/link-requests/{request['id']}/reject"
    assert (await api.post(reject, json={"comment": "Проверьте номер"}, headers=operator.headers)).status_code == 200
    assert (await mine(api, me))[request["id"]]["note"] == messages.REJECTED_NOTE
    corrected = number()

    answer = await api.put(
        f"/link-requests/{request['id']}",
        json={"region_code": "yalta", "number": corrected, "last_payment_amount": "321.00"},
        headers=me.headers,
    )

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["status"], body["message"], body["explanation"]) == (
        "pending",
        messages.REQUEST_UPDATED,
        messages.REQUEST_EXPLAINED,
    )
    again = body["request"]
    assert (again["id"], again["status"], again["comment"], again["region_code"], again["number"]) == (
        request["id"],
        "pending",
        None,
        "yalta",
        corrected,
    )
    assert again["proof"] == {"last_payment_amount": "321.00"}
    assert datetime.fromisoformat(again["created_at"]) > datetime.fromisoformat(request["created_at"])
    assert again["created_at"] == again["updated_at"]
    assert request["id"] in await queue(api, operator)
    created = await outbox("accounts.link_request.created.v1", request_id=request["id"])
    assert [e["account_number"] for e in created] == [request["number"], corrected]


async def test_a_rejected_request_corrected_with_the_right_data_links_at_once(
    api: httpx.AsyncClient, person: Any, billing: Any, outbox: Any
) -> None:
    account = await billing(owner_surname="Ковалёв")
    me, operator = person(), person("operator")
    request = await a_request(api, me, account.number)
    reject = f"/operator/link-requests/{request['id']}/reject"
    assert (await api.post(reject, json={"comment": "Не совпадает"}, headers=operator.headers)).status_code == 200

    answer = await api.put(
        f"/link-requests/{request['id']}",
        json={"region_code": "simferopol", "number": account.number, "surname_prefix": "ков"},
        headers=me.headers,
    )

    assert answer.status_code == 200, answer.text
    assert answer.json() == {"status": "linked", "message": REQUEST_LINKED}
    assert [a["number"] for a in (await api.get("/accounts", headers=me.headers)).json()] == [account.number]
    assert (await mine(api, me))[request["id"]]["status"] == "approved"
    resolved = await outbox("accounts.link_request.resolved.v1", request_id=request["id"])
    assert [e["status"] for e in resolved] == ["rejected", "approved"]


async def test_a_rejected_request_cannot_become_a_second_open_request_for_one_account(
    api: httpx.AsyncClient, person: Any, number: Any
) -> None:
    me, operator = person(), person("operator")
    first = await a_request(api, me, number())
    reject = f"/operator/link-requests/{first['id']}/reject"
    assert (await api.post(reject, json={"comment": "Нет"}, headers=operator.headers)).status_code == 200
    second = await a_request(api, me, first["number"])  # a new one for the same account
    assert second["id"] != first["id"]

    body = {"region_code": "simferopol", "number": first["number"], "surname_prefix": "Абв"}
    answer = await api.put(f"/link-requests/{first['id']}", json=body, headers=me.headers)

    assert (answer.status_code, answer.json()["code"]) == (409, "duplicate_request")
    assert (await mine(api, me))[first["id"]]["status"] == "rejected"


# ---------- the operator's card ----------


async def test_an_operators_card_shows_who_what_billing_says_and_the_accounts_history(
    api: httpx.AsyncClient, tokens: TokenFactory, person: Any, billing: Any, number: Any
) -> None:
    account = await billing(owner_surname="Ёжикова")
    operator = person("operator")
    earlier = someone(tokens, "petrova.a@example.ru")
    me = someone(tokens, "ivanov@mail.ru")
    old = await a_request(api, earlier, account.number, surname_prefix="Жук")
    reject = f"/operator/link-requests/{old['id']}/reject"
    assert (await api.post(reject, json={"comment": "Нет"}, headers=operator.headers)).status_code == 200
    request = await a_request(api, me, account.number, last_payment_amount="987.60")
    lost = await a_request(api, me, number(), surname_prefix="Ива")

    cards = await queue(api, operator)

    card = cards[request["id"]]
    assert (card["user_id"], card["requester_email"]) == (str(me.user_id), "iv***@mail.ru")
    assert card["proof"] == {"last_payment_amount": "987.60"}
    assert card["billing"] == {
        "surname_prefix": "ЁЖИ",
        "last_payment": {"amount": "987.65", "date": "2026-10-20"},
        "proof_matches": False,
    }
    [told] = card["history"]["requests"]
    assert (told["id"], told["requester_email"], told["status"]) == (old["id"], "pe***@example.ru", "rejected")
    assert told["decided_at"] is not None
    failed = card["history"]["failed_attempts"]
    assert (failed["days"], failed["count"], len(failed["times"])) == (30, 2, 2)
    assert "ivanov@mail.ru" not in str(cards) and "petrova" not in str(cards)
    # A number billing does not know: nothing of billing's, and no other requests.
    unknown = cards[lost["id"]]
    assert unknown["billing"] is None
    assert unknown["proof"] == {"surname_prefix": "ИВА"}
    assert unknown["history"] == {"requests": [], "failed_attempts": unknown["history"]["failed_attempts"]}
    assert unknown["history"]["failed_attempts"]["count"] == 1


async def test_the_card_says_when_the_right_proof_came_past_the_accounts_limit(
    api: httpx.AsyncClient, tokens: TokenFactory, person: Any, billing: Any
) -> None:
    account = await billing()
    for _ in range(LIMIT):  # strangers fail on the account: from now on even a right proof is a request
        await a_request(api, person(), account.number, surname_prefix="Абв")
    me = someone(tokens, None)
    request = await a_request(api, me, account.number, last_payment_amount="987.65")

    card = (await queue(api, person("operator")))[request["id"]]

    assert card["requester_email"] is None
    assert card["billing"]["proof_matches"] is True
    assert card["history"]["failed_attempts"]["count"] == LIMIT + 1
    assert len(card["history"]["failed_attempts"]["times"]) == 5
    assert len(card["history"]["requests"]) == LIMIT


async def test_a_rejection_needs_a_reason_that_is_not_blank(api: httpx.AsyncClient, person: Any, number: Any) -> None:
    request = await a_request(api, person(), number())
    operator = person("operator")

    for comment in ("", "   ", "\n\t"):
        answer = await api.post(
            f"/operator/link-requests/{request['id']}/reject", json={"comment": comment}, headers=operator.headers
        )
        assert answer.status_code == 422, answer.text
        assert answer.json()["errors"] == [{"field": "comment", "message": "Укажите причину отказа"}]
    assert (await queue(api, operator))[request["id"]]["status"] == "pending"
