"""Personal accounts end to end, through the gateway (accounts issue, "must hold" 1 and 4):
the docs/contract.md accounts table as a subscriber and an operator meet it, with billing's accounts
either the simulator's demo ones (tools/billing_simulator/README.md) or published by the test
itself on `lka.events` exactly as billing would."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeVar

import aio_pika
import httpx
import pytest
from operator_support import make_operator, registry_entry

from lka_common.events.billing import BillingAccountUpdated, LastPayment
from lka_common.events.envelope import CONTENT_TYPE, new_event
from lka_common.messaging.topology import declare_exchanges
from lka_common.testing import events
from lka_common.testing.amqp import amqp_channel
from lka_common.testing.portal import Subscriber, letter, new_address, new_subscriber
from lka_common.testing.stack import Stack

# Polled every 0.3 s with a deadline for a whole stack on a shared machine.
eventually = partial(events.eventually, timeout=20, interval=0.3)

pytestmark = pytest.mark.slow

T = TypeVar("T")
Account = tuple[str, str]  # (region code, number)

# The simulator's demo accounts (loaded as the stack starts). Every test here fails at most one
# proof on a demo account, far below the per-account limit of 10 failures an hour.
SIMFEROPOL: Account = ("simferopol", "91000101")  # Иванов, last payment 1200.00
YALTA: Account = ("yalta", "91000202")  # Ёлкина, 950.00
KERCH: Account = ("kerch", "91000303")  # Петров, 3000.00, overpaid
FEODOSIYA: Account = ("feodosiya", "91000505")  # Ким, no last payment

LINKED = "Счет успешно привязан к Вашей учетной записи"
REQUEST_CREATED = "Создана заявка на добавление счета к учетной записи"
REQUEST_LINKED = "Лицевой счет успешно привязан к учетной записи"
UNLINKED = "Счет удален из списка Ваших счетов"
LINK_FAILURE_LIMIT = 10  # LKA_ACCOUNTS_LINK_FAILURES_PER_USER / _PER_ACCOUNT defaults


def unknown_number() -> str:
    return f"99{secrets.randbelow(10**8):08d}"


async def link(http: httpx.AsyncClient, who: Subscriber, account: Account, **proof: str) -> httpx.Response:
    region, number = account
    return await http.post(
        "/api/v1/accounts", json={"region_code": region, "number": number, **proof}, headers=who.headers
    )


async def accounts_of(http: httpx.AsyncClient, who: Subscriber) -> list[dict[str, Any]]:
    response = await http.get("/api/v1/accounts", headers=who.headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def requests_of(http: httpx.AsyncClient, who: Subscriber) -> list[dict[str, Any]]:
    response = await http.get("/api/v1/link-requests", headers=who.headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def billing_publishes(
    stack: Stack, region: str, surname: str, debt_kopecks: int = 0, last_payment_kopecks: int | None = None
) -> Account:
    """A new account published as billing does: a persistent `billing.account.updated.v1`
    CloudEvent with source `/billing` on `lka.events` in the stack's vhost."""
    number = f"77{secrets.randbelow(10**8):08d}"
    now = datetime.now(UTC)
    data = BillingAccountUpdated(
        region_code=region,
        number=number,
        owner_surname=surname,
        owner_initials="А. Б.",
        address=f"г. Алушта, ул. Набережная, д. {secrets.randbelow(200) + 1}",
        debt_kopecks=debt_kopecks,
        penalty_kopecks=0,
        last_payment=None
        if last_payment_kopecks is None
        else LastPayment(amount_kopecks=last_payment_kopecks, date=now.date()),
        as_of=now,
    )
    event = new_event(data, source="/billing", subject=f"{region}/{number}")
    message = aio_pika.Message(
        event.to_json(),
        message_id=event.id,
        content_type=CONTENT_TYPE,
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        type=event.type,
    )
    async with amqp_channel(stack.amqp_url) as channel:
        exchanges = await declare_exchanges(channel)
        await exchanges.events.publish(message, routing_key=event.type, mandatory=True, timeout=10)
    return region, number


@pytest.fixture
async def http(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=15) as client:
        yield client


@pytest.fixture
async def person(http: httpx.AsyncClient, stack: Stack) -> Callable[[], Awaitable[Subscriber]]:
    """Makes a fresh confirmed, signed-in subscriber."""
    return lambda: new_subscriber(http, stack.mail)


@pytest.fixture(scope="module")
async def operator(stack: Stack, stack_env: tuple[dict[str, str], str, int]) -> dict[str, str]:
    """A supplier's operator, created as `make operator` does: the headers of their calls."""
    email = new_address()
    member = await make_operator(stack_env[0], email)
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=15) as client:
        return await member.sign_in(client)


@pytest.fixture(scope="module")
async def demo(stack: Stack, operator: dict[str, str]) -> None:
    """The demo accounts are published as the stack starts; wait until the accounts service has them all."""
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=15) as client:
        for account in (SIMFEROPOL, YALTA, KERCH, FEODOSIYA):
            await registry_entry(client, operator, account)


async def test_regions_are_public_the_14_districts_and_11_city_districts(http: httpx.AsyncClient) -> None:
    response = await http.get("/api/v1/regions")

    assert response.status_code == 200
    regions = response.json()
    assert len(regions) == len({r["code"] for r in regions}) == 25
    assert all(set(r) == {"code", "name"} for r in regions)
    assert sum(r["name"].endswith(" район") for r in regions) == 14
    assert sum(r["name"].startswith("Городской округ ") for r in regions) == 11
    assert {"code": "simferopol", "name": "Городской округ Симферополь"} in regions


@pytest.mark.usefixtures("demo")
async def test_the_last_payment_links_the_account_and_the_list_shows_its_balance(
    http: httpx.AsyncClient, person: Callable[[], Awaitable[Subscriber]]
) -> None:
    me = await person()
    assert await accounts_of(http, me) == []

    linked = await link(http, me, SIMFEROPOL, last_payment_amount="1200.00")

    assert linked.status_code == 201, linked.text
    assert (linked.json()["status"], linked.json()["message"]) == ("linked", LINKED)
    [account] = await accounts_of(http, me)
    assert account == linked.json()["account"]
    assert account["region"] == {"code": "simferopol", "name": "Городской округ Симферополь"}
    assert account["number"] == "91000101"
    assert account["address"] == "г. Симферополь, ул. Киевская, д. 12, кв. 5"
    balance = {key: account[key] for key in ("debt", "penalty", "amount_due", "pending_payments")}
    assert balance == {"debt": "1523.40", "penalty": "0.00", "amount_due": "1523.40", "pending_payments": "0.00"}
    assert datetime.fromisoformat(account["balance_as_of"]).tzinfo is not None


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("letters", ["ЕЛК", "ёлк", "Ёлк", "елК"])
async def test_the_surnames_first_letters_link_in_any_case_with_yo_as_ye(
    http: httpx.AsyncClient, person: Callable[[], Awaitable[Subscriber]], letters: str
) -> None:
    me = await person()

    linked = await link(http, me, YALTA, surname_prefix=letters)

    assert linked.status_code == 201, linked.text
    assert linked.json()["message"] == LINKED
    assert [a["number"] for a in await accounts_of(http, me)] == ["91000202"]


@pytest.mark.usefixtures("demo")
async def test_a_wrong_amount_makes_a_request_which_the_right_amount_turns_into_a_link(
    http: httpx.AsyncClient, person: Callable[[], Awaitable[Subscriber]]
) -> None:
    me = await person()

    asked = await link(http, me, KERCH, last_payment_amount="3000.01")

    assert asked.status_code == 202, asked.text
    assert (asked.json()["status"], asked.json()["message"]) == ("request_created", REQUEST_CREATED)
    [request] = await requests_of(http, me)
    assert request["id"] == asked.json()["request"]["id"]
    assert (request["region_code"], request["number"], request["status"]) == ("kerch", "91000303", "pending")
    assert await accounts_of(http, me) == []

    proof = {"region_code": "kerch", "number": "91000303", "last_payment_amount": "3000.00"}
    edited = await http.put(f"/api/v1/link-requests/{request['id']}", json=proof, headers=me.headers)

    assert edited.status_code == 200, edited.text
    assert edited.json() == {"status": "linked", "message": REQUEST_LINKED}
    [account] = await accounts_of(http, me)
    assert (account["number"], account["debt"], account["amount_due"]) == ("91000303", "-250.00", "0.00")
    assert [r["status"] for r in await requests_of(http, me)] == ["approved"]


@pytest.mark.usefixtures("demo")
async def test_an_unknown_number_answers_exactly_like_wrong_letters(
    http: httpx.AsyncClient, person: Callable[[], Awaitable[Subscriber]]
) -> None:
    me = await person()

    wrong = await link(http, me, FEODOSIYA, surname_prefix="Абв")
    unknown = await link(http, me, ("feodosiya", unknown_number()), surname_prefix="Ким")

    assert wrong.status_code == unknown.status_code == 202
    assert wrong.headers["content-type"] == unknown.headers["content-type"]
    assert wrong.json().keys() == unknown.json().keys()
    assert wrong.json()["request"].keys() == unknown.json()["request"].keys()
    for answer in (wrong.json(), unknown.json()):
        assert (answer["status"], answer["message"], answer["request"]["status"]) == (
            "request_created",
            REQUEST_CREATED,
            "pending",
        )
    assert len(await requests_of(http, me)) == 2


async def operator_finds(http: httpx.AsyncClient, operator: dict[str, str], request_id: str) -> dict[str, Any]:
    pending = await http.get(
        "/api/v1/operator/link-requests", params={"status": "pending", "limit": 200}, headers=operator
    )
    assert pending.status_code == 200, pending.text
    [found] = [r for r in pending.json() if r["id"] == request_id]
    return found  # type: ignore[no-any-return]


async def test_an_operator_approves_a_request_for_an_account_billing_published(
    http: httpx.AsyncClient, stack: Stack, person: Callable[[], Awaitable[Subscriber]], operator: dict[str, str]
) -> None:
    account = await billing_publishes(stack, "alushta", "Гусева", debt_kopecks=104_250, last_payment_kopecks=50_000)
    entry = await registry_entry(http, operator, account)
    assert (entry["owner_surname"], entry["debt"], entry["last_payment"]["amount"]) == ("Гусева", "1042.50", "500.00")
    me = await person()
    asked = await link(http, me, account, surname_prefix="Абв")
    request_id = asked.json()["request"]["id"]
    assert (await operator_finds(http, operator, request_id))["status"] == "pending"
    path = f"/api/v1/operator/link-requests/{request_id}/approve"
    assert (await http.post(path, headers=me.headers)).status_code == 403

    approved = await http.post(path, headers=operator)

    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    assert [(r["id"], r["status"]) for r in await requests_of(http, me)] == [(request_id, "approved")]
    [linked] = await accounts_of(http, me)
    assert (linked["region"]["code"], linked["number"], linked["amount_due"]) == (*account, "1042.50")
    await letter(http, stack.mail, me.email, f"Лицевой счет № {account[1]} привязан к учетной записи")


async def test_an_operator_rejects_a_request_with_a_comment_the_subscriber_reads(
    http: httpx.AsyncClient, stack: Stack, person: Callable[[], Awaitable[Subscriber]], operator: dict[str, str]
) -> None:
    me = await person()
    number = unknown_number()
    asked = await link(http, me, ("sudak", number), last_payment_amount="100.00")
    request_id = asked.json()["request"]["id"]
    comment = f"Номер счета не найден, проверьте квитанцию ({secrets.token_hex(3)})"

    rejected = await http.post(
        f"/api/v1/operator/link-requests/{request_id}/reject", json={"comment": comment}, headers=operator
    )

    assert rejected.status_code == 200, rejected.text
    [request] = await requests_of(http, me)
    assert (request["id"], request["status"], request["comment"]) == (request_id, "rejected", comment)
    assert await accounts_of(http, me) == []
    await letter(http, stack.mail, me.email, f"Заявка на добавление лицевого счета № {number} отклонена")


@pytest.mark.usefixtures("demo")
async def test_a_removed_account_leaves_the_list(
    http: httpx.AsyncClient, person: Callable[[], Awaitable[Subscriber]]
) -> None:
    me = await person()
    account_id = (await link(http, me, SIMFEROPOL, last_payment_amount="1200,00")).json()["account"]["id"]

    removed = await http.delete(f"/api/v1/accounts/{account_id}", headers=me.headers)

    assert removed.status_code == 200
    assert removed.json() == {"message": UNLINKED}
    assert await accounts_of(http, me) == []
    assert (await http.delete(f"/api/v1/accounts/{account_id}", headers=me.headers)).status_code == 404


@pytest.mark.usefixtures("demo")
async def test_linking_the_same_account_twice_is_409(
    http: httpx.AsyncClient, person: Callable[[], Awaitable[Subscriber]]
) -> None:
    me = await person()
    assert (await link(http, me, FEODOSIYA, surname_prefix="Ким")).status_code == 201

    again = await link(http, me, FEODOSIYA, surname_prefix="КИМ")

    assert again.status_code == 409
    assert again.json()["code"] == "already_linked"
    assert len(await accounts_of(http, me)) == 1


@pytest.mark.usefixtures("demo")
async def test_another_subscribers_account_cannot_be_removed(
    http: httpx.AsyncClient, person: Callable[[], Awaitable[Subscriber]]
) -> None:
    owner, stranger = await person(), await person()
    account_id = (await link(http, owner, YALTA, last_payment_amount="950.00")).json()["account"]["id"]

    refused = await http.delete(f"/api/v1/accounts/{account_id}", headers=stranger.headers)

    assert refused.status_code == 404
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert [a["id"] for a in await accounts_of(http, owner)] == [account_id]


async def test_past_the_guessing_limit_even_the_right_letters_get_429(
    http: httpx.AsyncClient, stack: Stack, person: Callable[[], Awaitable[Subscriber]], operator: dict[str, str]
) -> None:
    account = await billing_publishes(stack, "yevpatoriya", "Лебедев")
    await registry_entry(http, operator, account)
    guesser = await person()
    for _ in range(LINK_FAILURE_LIMIT):
        assert (await link(http, guesser, account, surname_prefix="Абв")).status_code == 202

    right = await link(http, guesser, account, surname_prefix="леб")

    assert right.status_code == 429
    assert right.json()["code"] == "too_many_attempts"
    assert 0 < int(right.headers["retry-after"]) <= 3600
    assert await accounts_of(http, guesser) == []


@pytest.mark.usefixtures("demo")
async def test_after_a_merge_the_survivor_lists_both_profiles_accounts(
    http: httpx.AsyncClient, person: Callable[[], Awaitable[Subscriber]]
) -> None:
    survivor, merged = await person(), await person()
    assert (await link(http, survivor, SIMFEROPOL, last_payment_amount="1200.00")).status_code == 201
    assert (await link(http, merged, KERCH, surname_prefix="Пет")).status_code == 201

    body = {"email": merged.email, "password": merged.password}
    answer = await http.post("/api/v1/profile/merge", json=body, headers=survivor.headers)
    assert answer.status_code == 200, answer.text

    async def both() -> list[str] | None:
        numbers = sorted(a["number"] for a in await accounts_of(http, survivor))
        return numbers if numbers == ["91000101", "91000303"] else None

    await eventually(both, "the merged profile's account listed for the survivor")
