"""Linking a personal account (the manual's «Добавление лицевого счета»; docs/contract.md §2 accounts):
by the last payment or the surname's letters, else a request nobody can tell from a miss."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

LINKED = "Счет успешно привязан к Вашей учетной записи"
REQUESTED = "Создана заявка на добавление счета к учетной записи"
# One sentence for a wrong proof and an unknown number; who reviews it, how soon, and the letter.
EXPLAINED = (
    "Указанные данные не совпали с данными биллинга или лицевой счет не найден. Заявку рассмотрит специалист"
    " ГУП РК «Крымэнерго» в течение 3 рабочих дней, о решении мы сообщим письмом на адрес электронной почты"
    " учетной записи."
)


async def test_the_right_last_payment_amount_links_the_account_and_shows_its_balance(
    api: httpx.AsyncClient, person: Any, billing: Any, outbox: Any
) -> None:
    account = await billing(debt_kopecks=152340, penalty_kopecks=1250)
    subscriber = person()

    response = await api.post(
        "/accounts",
        json={"region_code": "simferopol", "number": account.number, "last_payment_amount": "987.65"},
        headers=subscriber.headers,
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["status"], body["message"]) == ("linked", LINKED)
    shown = body["account"]
    assert shown["region"] == {"code": "simferopol", "name": "Городской округ Симферополь"}
    assert (shown["number"], shown["address"]) == (account.number, account.address)
    assert (shown["debt"], shown["penalty"], shown["amount_due"], shown["pending_payments"]) == (
        "1523.40",
        "12.50",
        "1535.90",
        "0.00",
    )
    assert shown["balance_as_of"].startswith("2026-11-01T03:00:00")
    listed = (await api.get("/accounts", headers=subscriber.headers)).json()
    assert listed == [shown]
    (linked,) = await outbox("accounts.account.linked.v1", user_id=subscriber.user_id)
    assert linked == {
        "user_id": str(subscriber.user_id),
        "account_id": shown["id"],
        "region_code": "simferopol",
        "account_number": account.number,
        "linked_via": "last_payment",
    }


@pytest.mark.parametrize("amount", ["987.65", "987,65", " 987.65 "])
async def test_the_amount_is_compared_to_the_kopeck_however_it_is_written(
    api: httpx.AsyncClient, person: Any, billing: Any, amount: str
) -> None:
    account = await billing()

    response = await api.post(
        "/accounts",
        json={"region_code": "simferopol", "number": account.number, "last_payment_amount": amount},
        headers=person().headers,
    )

    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("surname", "letters"),
    [
        ("Иванов", "Ива"),
        ("Иванов", "иВА"),
        ("Ёлкина", "Елк"),
        ("Ёлкина", "ёлк"),
        ("Елкина", "ЁЛК"),
        ("Пономарёва", "пон"),
        ("ФЁДОРОВ", "фед"),
        ("Федоров", "Фёд"),
    ],
)
async def test_surname_letters_link_whatever_their_case_and_with_ye_for_yo(
    api: httpx.AsyncClient, person: Any, billing: Any, outbox: Any, surname: str, letters: str
) -> None:
    account = await billing(owner_surname=surname, region_code="kerch")
    subscriber = person()

    response = await api.post(
        "/accounts",
        json={"region_code": "kerch", "number": account.number, "surname_prefix": letters},
        headers=subscriber.headers,
    )

    assert response.status_code == 201, response.text
    (linked,) = await outbox("accounts.account.linked.v1", user_id=subscriber.user_id)
    assert linked["linked_via"] == "surname"


async def test_a_wrong_amount_wrong_letters_and_an_unknown_number_all_create_the_same_request(
    api: httpx.AsyncClient, person: Any, billing: Any, number: Any, outbox: Any
) -> None:
    known = await billing()
    attempts = {
        "amount": {"number": known.number, "last_payment_amount": "987.66"},
        "letters": {"number": known.number, "surname_prefix": "Пет"},
        "unknown": {"number": number(), "surname_prefix": "Ива"},
    }
    answers = {}
    for name, attempt in attempts.items():
        subscriber = person()
        response = await api.post(
            "/accounts", json={"region_code": "simferopol", **attempt}, headers=subscriber.headers
        )
        answers[name] = response
        assert response.status_code == 202, response.text
        body = response.json()
        assert (body["status"], body["message"]) == ("request_created", REQUESTED)
        request = body["request"]
        assert set(request) == {
            *("id", "region_code", "number", "status", "comment", "created_at", "updated_at", "proof", "note")
        }
        assert (request["number"], request["status"], request["comment"]) == (attempt["number"], "pending", None)
        assert (body["explanation"], request["note"]) == (EXPLAINED, EXPLAINED)
        entered = {k: v for k, v in attempt.items() if k != "number"}
        assert request["proof"] == {k: v.upper() for k, v in entered.items()}
        (created,) = await outbox("accounts.link_request.created.v1", user_id=subscriber.user_id)
        assert created == {
            "request_id": request["id"],
            "user_id": str(subscriber.user_id),
            "region_code": "simferopol",
            "account_number": attempt["number"],
            "status": "pending",
        }
        assert (await api.get("/accounts", headers=subscriber.headers)).json() == []
    # Nothing but the echoed number and proof, the request id and times tells the three apart.
    shapes = {name: {k: v for k, v in r.json().items() if k != "request"} for name, r in answers.items()}
    assert shapes["amount"] == shapes["letters"] == shapes["unknown"]
    assert {r.headers["content-type"] for r in answers.values()} == {"application/json"}


async def test_asking_again_for_the_same_account_keeps_one_open_request(
    api: httpx.AsyncClient, person: Any, billing: Any, outbox: Any
) -> None:
    account = await billing()
    subscriber = person()
    body = {"region_code": "simferopol", "number": account.number, "surname_prefix": "Сид"}

    first = await api.post("/accounts", json=body, headers=subscriber.headers)
    second = await api.post("/accounts", json={**body, "surname_prefix": "Пет"}, headers=subscriber.headers)

    assert first.json()["request"]["id"] == second.json()["request"]["id"]
    assert len((await api.get("/link-requests", headers=subscriber.headers)).json()) == 1
    assert len(await outbox("accounts.link_request.created.v1", user_id=subscriber.user_id)) == 1


async def test_an_account_already_linked_to_the_caller_is_409(
    api: httpx.AsyncClient, person: Any, billing: Any
) -> None:
    account = await billing()
    subscriber = person()
    body = {"region_code": "simferopol", "number": account.number, "surname_prefix": "Ива"}
    assert (await api.post("/accounts", json=body, headers=subscriber.headers)).status_code == 201

    again = await api.post("/accounts", json=body, headers=subscriber.headers)

    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    assert again.json()["code"] == "already_linked"
    assert len((await api.get("/accounts", headers=subscriber.headers)).json()) == 1


async def test_one_account_can_be_linked_to_several_profiles(api: httpx.AsyncClient, person: Any, billing: Any) -> None:
    account = await billing()
    husband, wife = person(), person()
    body = {"region_code": "simferopol", "number": account.number, "surname_prefix": "Ива"}

    first = await api.post("/accounts", json=body, headers=husband.headers)
    second = await api.post("/accounts", json=body, headers=wife.headers)

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["account"]["id"] == second.json()["account"]["id"]


async def test_an_overpaid_account_owes_nothing_and_shows_a_negative_debt(
    api: httpx.AsyncClient, person: Any, billing: Any
) -> None:
    account = await billing(debt_kopecks=-50000, penalty_kopecks=1000, last_payment=None)
    subscriber = person()
    body = {"region_code": "simferopol", "number": account.number, "surname_prefix": "ива"}

    shown = (await api.post("/accounts", json=body, headers=subscriber.headers)).json()["account"]

    assert (shown["debt"], shown["penalty"], shown["amount_due"]) == ("-500.00", "10.00", "0.00")


async def test_without_a_last_payment_only_the_letters_can_prove_the_account(
    api: httpx.AsyncClient, person: Any, billing: Any
) -> None:
    account = await billing(last_payment=None)
    body = {"region_code": "simferopol", "number": account.number, "last_payment_amount": "0.01"}

    response = await api.post("/accounts", json=body, headers=person().headers)

    assert response.status_code == 202


async def test_a_decomposed_yo_links_like_a_composed_one_from_billing_and_from_the_keyboard(
    api: httpx.AsyncClient, person: Any, billing: Any
) -> None:
    # «Ё» as one code point (U+0401) or as «Е» and a combining diaeresis (U+0415 U+0308): the
    # same letter to a person, and to the comparison after NFC, on either side.
    composed, decomposed = "\u0401", "\u0415\u0308"
    answers = {}
    for stored in (composed, decomposed):
        for typed in (composed, decomposed):
            account = await billing(owner_surname=f"{stored}лкина", region_code="yalta")
            body = {"region_code": "yalta", "number": account.number, "surname_prefix": f"{typed}лк"}
            response = await api.post("/accounts", json=body, headers=person().headers)
            answers[(stored == decomposed, typed == decomposed)] = response.status_code

    assert answers == {(False, False): 201, (False, True): 201, (True, False): 201, (True, True): 201}
