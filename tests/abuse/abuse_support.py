"""The abuse suite's shared parts: the secrets a run used, and the world it seeds.

Every password, access and refresh token, confirmation and reset token and full card number
the suite sends is written down in `Secrets` when it is made, so the leak scan
(test_leaks.py) can look for exactly those in the logs and the database dumps.

`seed_world` walks the real flows through the gateway — register, confirm from the letter,
sign in, refresh, link demo accounts, ask for a link request, submit a reading, pay with a
test card on the emulated bank's page asking it to keep the card, start a basket, set an
autopay, switch paperless on, receive a bill published as billing would, file an appeal with
a file, recover and change a password, merge two profiles; as the operator, refund part of a
payment and reconcile a day — and returns the ids those flows made, so the fuzzer and the
BOLA matrix hit real objects.
"""

from __future__ import annotations

import importlib
import json
import secrets
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

import aiohttp
import httpx

from lka_acquirer_emulator.testing import Browser, card_form
from lka_common.events.billing import BillingBillIssued, BillLine
from lka_common.scheduler.clock import LOCAL_TIME
from lka_common.testing import events
from lka_common.testing.files import small_pdf
from lka_common.testing.portal import CONFIRMATION_SUBJECT, StaffMember, letter, token_from, totp_code
from lka_common.testing.stack import Stack
from lka_gateway.openapi_merge import gateway_document

# Polled every 0.3 s with a deadline for a whole stack on a shared machine.
eventually = partial(events.eventually, timeout=30, interval=0.3)

T = TypeVar("T")
V1 = "/api/v1"
SERVICE_PORTS = {"identity": 8001, "accounts": 8002, "readings": 8003, "payments": 8004, "notifications": 8005}
RESET_SUBJECT = "Восстановление доступа"
PAID = "Оплата прошла успешно"

# Demo accounts of the billing simulator (tools/billing_simulator/README.md): region, number,
# the owner's first letters, the meter's serial and its last T1. Each actor gets its own.
ALICE_ACCOUNT = ("simferopol", "91000101", "ИВА")
BOB_ACCOUNT = ("yalta", "91000202", "ЁЛК")
DAVE_ACCOUNT = ("feodosiya", "91000505", "КИМ")
ALICE_SECOND = ("bakhchisaraysky_district", "91000404", "ФЕД")  # her basket's second account
SAM_ACCOUNT = ("kerch", "91000303", "ПЕТ")  # the stateful run's: it unlinks and links it again
# Asked for with wrong letters: a link request for an operator (the deliberate 202).
ALICE_WRONG = ("kerch", "91000303", "ЖЖЖ")
BOB_WRONG = ("bakhchisaraysky_district", "91000404", "ЖЖЖ")
DAVE_WRONG = ("kerch", "91000303", "ЪЪЪ")

# docs/contract.md §2's calls by who may make them, as `METHOD /path` under /api/v1 (the public ones
# are its list; test_bola_matrix.py checks the documents declare a token exactly elsewhere).
OPERATOR_ROUTES = {
    "GET /operator/link-requests",
    "POST /operator/link-requests/{request_id}/approve",
    "POST /operator/link-requests/{request_id}/reject",
    "GET /operator/billing-accounts/{region_code}/{number}",
    "GET /operator/feedback",
    "GET /operator/appeals",
    "POST /operator/appeals/{appeal_id}/assign",
    "POST /operator/appeals/{appeal_id}/messages",
    "GET /operator/payments",
    "GET /operator/payments/{payment_id}",
    "POST /operator/payments/{payment_id}/refunds",
    "GET /operator/refunds",
    "POST /operator/refunds/{refund_id}/approve",
    "POST /operator/refunds/{refund_id}/reject",
    "POST /operator/reconciliations",
    "GET /operator/reconciliations/{day}",
    "GET /operator/reconciliations/{day}.csv",
    "GET /operator/audit",
    "GET /operator/jobs",
    "GET /staff",
    "POST /staff/invitations",
    "POST /staff/{user_id}/disable",
    "POST /staff/{user_id}/enable",
    "POST /staff/{user_id}/reset-mfa",
}
# Of those, the supervisors' only (docs/contract.md §4): the seeded operator is refused them too.
SUPERVISOR_ROUTES = {
    "POST /operator/refunds/{refund_id}/approve",
    "POST /operator/refunds/{refund_id}/reject",
    "GET /operator/audit",
    "GET /operator/jobs",
    "GET /staff",
    "POST /staff/invitations",
    "POST /staff/{user_id}/disable",
    "POST /staff/{user_id}/enable",
    "POST /staff/{user_id}/reset-mfa",
}
PUBLIC_ROUTES = {
    "POST /auth/register",
    "POST /auth/email/confirm",
    "POST /auth/email/resend",
    "POST /auth/login",
    "POST /auth/login/mfa",
    "POST /auth/refresh",
    "POST /auth/password/forgot",
    "POST /auth/password/reset",
    "POST /auth/password/reset/check",
    "GET /.well-known/jwks.json",
    "GET /regions",
    "POST /public/readings",
    "POST /public/readings/meter",
    "GET /payments/acquirer/rbs/callback",
    "POST /payments/acquirer/rbs/callback",
    "POST /staff/invitations/accept",
    "GET /public/unsubscribe",
    "POST /public/unsubscribe",
}
TOKEN_OPTIONAL = {"POST /feedback"}


def run_card(prefix: str) -> str:
    """A Luhn-valid card number of this run's own (the emulator pays any valid Visa and
    Mastercard). Not the well-known test cards: the fuzzer writes digit strings such as
    "41111111111…" into paths, which the leak scan then took for the Visa test card."""
    body = prefix + "".join(str(secrets.randbelow(10)) for _ in range(15 - len(prefix)))
    total = 0
    for position, digit in enumerate(reversed(body)):
        value = int(digit) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return body + str((10 - total % 10) % 10)


def masked(pan: str) -> str:
    """The card number as payments shows and stores it."""
    return f"{pan[:6]}******{pan[-4:]}"


VISA = run_card("411111")  # alice's, kept by the bank (her saved card)
MASTERCARD = run_card("555555")
DAVE_CARD = run_card("510510")  # dave's saved card, for the fuzzer's DELETE /cards/{card_id}


def service_document(name: str) -> dict[str, Any]:
    """The service's OpenAPI document as its app serves it at /openapi.json (no server needed)."""
    bootstrap = importlib.import_module(f"lka_{name}.bootstrap")
    settings_module = importlib.import_module(f"lka_{name}.settings")
    settings_class = getattr(settings_module, f"{name.capitalize()}Settings")
    document: dict[str, Any] = bootstrap.build_app(settings_class()).openapi()
    return document


# Built once, when the test modules are collected: each service's document, and the gateway's
# (`/api/openapi.json`) made by the gateway's own `gateway_document` (the services' merged, and
# the calls it answers itself). test_fuzz.py proves they equal what the stack serves.
DOCUMENTS = {name: service_document(name) for name in SERVICE_PORTS}
MERGED = gateway_document(DOCUMENTS)


@dataclass
class Secrets:
    """What must never appear in a log line or a database row, by kind."""

    found: dict[str, set[str]] = field(default_factory=dict)

    def add(self, kind: str, value: str) -> str:
        self.found.setdefault(kind, set()).add(value)
        return value

    def tokens(self, pair: dict[str, Any]) -> dict[str, Any]:
        """Remember an access/refresh pair from a sign-in or a refresh."""
        self.add("access token", pair["access_token"])
        self.add("refresh token", pair["refresh_token"])
        return pair

    def needles(self) -> list[tuple[str, str]]:
        """(kind, text) pairs to look for: each secret as sent and as it would look written
        into JSON with ASCII escapes or percent-encoded into a URL; an access token's
        signature alone too (a token cut in the middle still gives itself away)."""
        out: set[tuple[str, str]] = set()
        for kind, values in self.found.items():
            for value in values:
                forms = {value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1], quote(value)}
                if kind == "card number":
                    forms |= {value.replace(" ", ""), value.replace(" ", "-")}
                if kind == "access token":
                    forms.add(value.rsplit(".", 1)[-1])
                out |= {(kind, form) for form in forms if len(form) >= 8}
        return sorted(out)


@dataclass
class Actor:
    email: str
    password: str
    access_token: str
    refresh_token: str
    user_id: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


@dataclass
class World:
    """Who is signed in and the ids of their objects (see seed_world)."""

    alice: Actor
    bob: Actor
    dave: Actor  # fuzzed by destructive calls (DELETE, logout), so alice's objects stay
    sam: Actor  # the stateful run's subscriber
    operator: Actor
    alice_account: str
    alice_request: str
    alice_meter: str
    alice_reading: str
    alice_payment: str
    alice_card: str
    alice_second_account: str
    alice_basket: str
    alice_bill: str
    alice_appeal: str
    alice_attachment: str
    bob_account: str
    bob_request: str
    bob_payment: str
    bob_appeal: str
    bob_attachment: str
    dave_account: str
    dave_request: str
    dave_card: str
    dave_appeal: str
    refund: str  # the operator's, of part of bob's payment
    reconciled_day: str  # a day the operator reconciled (YYYY-MM-DD)


def new_password() -> str:
    # Random per run, so a match in a dump is this run's secret and nothing else.
    return f"Abuse-{secrets.token_urlsafe(12)}-Пароль"


def new_email(name: str) -> str:
    return f"abuse-{name}-{uuid.uuid4().hex[:8]}@example.ru"


def checked(response: httpx.Response, *statuses: int) -> Any:
    assert response.status_code in statuses, f"{response.request.method} {response.request.url}: {response.text}"
    return response.json() if response.content else None


async def register(http: httpx.AsyncClient, stack: Stack, vault: Secrets, name: str) -> tuple[str, str]:
    """A confirmed subscriber: (e-mail, password)."""
    email, password = new_email(name), vault.add("password", new_password())
    body = {"email": email, "password": password, "password_confirm": password, "personal_data_consent": True}
    checked(await http.post(f"{V1}/auth/register", json=body), 201)
    token = vault.add(
        "confirmation token", token_from(await letter(http, stack.mail, email, CONFIRMATION_SUBJECT), "/confirm-email")
    )
    checked(await http.post(f"{V1}/auth/email/confirm", json={"token": token}), 200)
    return email, password


async def sign_in(http: httpx.AsyncClient, vault: Secrets, email: str, password: str) -> Actor:
    credentials = {"email": email, "password": password}
    pair = vault.tokens(checked(await http.post(f"{V1}/auth/login", json=credentials), 200))
    # A refresh right away: the actor goes on with the rotated pair, the first one is spent.
    rotated = await http.post(f"{V1}/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    pair = vault.tokens(checked(rotated, 200))
    headers = {"Authorization": f"Bearer {pair['access_token']}"}
    profile = checked(await http.get(f"{V1}/profile", headers=headers), 200)
    return Actor(email, password, pair["access_token"], pair["refresh_token"], str(profile["user_id"]))


def make_operator(env: dict[str, str], email: str, password: str) -> StaffMember:
    """`make operator`: a confirmed user with the operator role in the stack's identity database,
    with the second factor it printed (tried again a few times: on a machine shared with other
    test runs, PostgreSQL's 100 connections can be all taken for a moment)."""
    argv = [sys.executable, "-m", "lka_identity.entrypoints.operator", "--email", email, "--password", password]
    for _ in range(5):
        done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60, check=False)
        if done.returncode == 0 or "remaining connection slots" not in done.stderr:
            break
        time.sleep(3)
    assert done.returncode == 0, done.stdout + done.stderr
    return StaffMember.from_output(email, password, done.stdout)


async def sign_in_staff(http: httpx.AsyncClient, vault: Secrets, member: StaffMember) -> Actor:
    """Both steps of a staff sign-in; the second factor's secrets (the TOTP key, the recovery
    codes, the step's token and code) go to the leak scan with the rest."""
    vault.add("totp secret", member.otpauth_uri.split("secret=", 1)[1].split("&", 1)[0])
    for code in member.recovery_codes:
        vault.add("recovery code", code)
    credentials = {"email": member.email, "password": member.password}
    first = checked(await http.post(f"{V1}/auth/login", json=credentials), 200)
    second = {"mfa_token": vault.add("mfa token", first["mfa_token"]), "code": await totp_code(member.otpauth_uri)}
    pair = vault.tokens(checked(await http.post(f"{V1}/auth/login/mfa", json=second), 200))
    headers = {"Authorization": f"Bearer {pair['access_token']}"}
    profile = checked(await http.get(f"{V1}/profile", headers=headers), 200)
    return Actor(member.email, member.password, pair["access_token"], pair["refresh_token"], str(profile["user_id"]))


async def link(http: httpx.AsyncClient, actor: Actor, account: tuple[str, str, str], status: int) -> dict[str, Any]:
    region, number, letters = account
    body = {"region_code": region, "number": number, "surname_prefix": letters}
    answer: dict[str, Any] = checked(await http.post(f"{V1}/accounts", json=body, headers=actor.headers), status)
    return answer


async def start_payment(
    http: httpx.AsyncClient, actor: Actor, account_id: str, amount: str, **way: Any
) -> dict[str, Any]:
    """`POST /payments` (`way`: method, save_card, card_id), again with the same key until
    payments has heard of the link."""
    headers = {**actor.headers, "Idempotency-Key": str(uuid.uuid4())}
    body = {"account_id": account_id, "amount": amount, **way}

    async def probe() -> dict[str, Any] | None:
        response = await http.post(f"{V1}/payments", json=body, headers=headers)
        if response.status_code == 404:
            return None
        started: dict[str, Any] = checked(response, 201)
        return started

    return await eventually(probe, "payments knows the linked account")


async def pay(http: httpx.AsyncClient, vault: Secrets, actor: Actor, started: dict[str, Any], pan: str) -> None:
    """Through the emulated bank's card page (no JavaScript), then until the payment settles."""
    card = card_form(vault.add("card number", pan))
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as session:
        visit = await Browser(session).pay(started["confirmation_url"], card)
    assert urlsplit(visit.final_url).path == f"/payments/{started['id']}/result", visit.final_url

    async def settled() -> dict[str, Any] | None:
        body: dict[str, Any] = checked(await http.get(f"{V1}/payments/{started['id']}", headers=actor.headers), 200)
        return body if body["status"] != "pending" else None

    result = await eventually(settled, f"payment {started['id']} settled")
    assert result["status"] == "succeeded", result


async def saved_card(http: httpx.AsyncClient, actor: Actor, pan: str) -> str:
    """The id of the card `GET /cards` lists for this number (kept by the bank on its page)."""
    cards = checked(await http.get(f"{V1}/cards", headers=actor.headers), 200)
    (card,) = [c for c in cards if c["pan_masked"] == masked(pan)]
    return str(card["id"])


async def save_card(
    http: httpx.AsyncClient, vault: Secrets, actor: Actor, account_id: str, amount: str, pan: str
) -> tuple[str, str]:
    """(payment id, card id): a payment on the bank's card page asking it to keep the card."""
    started = await start_payment(http, actor, account_id, amount, save_card=True)
    await pay(http, vault, actor, started, pan)
    return str(started["id"]), await saved_card(http, actor, pan)


async def set_autopay(http: httpx.AsyncClient, actor: Actor, account_id: str, card_id: str) -> None:
    """On a day two weeks off, so neither its letter nor its payment comes during the run."""
    day = (datetime.now(LOCAL_TIME).day + 13) % 28 + 1
    body = {"card_id": card_id, "day_of_month": day, "max_amount": "1500.00"}
    checked(await http.put(f"{V1}/accounts/{account_id}/autopay", json=body, headers=actor.headers), 200)


async def start_basket(http: httpx.AsyncClient, actor: Actor, account_ids: list[str]) -> str:
    """A basket of these accounts (left on the bank's card page), again with the same key
    until payments has heard of every link."""
    headers = {**actor.headers, "Idempotency-Key": str(uuid.uuid4())}
    body = {"items": [{"account_id": account, "amount": "10.00"} for account in account_ids], "method": "card"}

    async def probe() -> str | None:
        response = await http.post(f"{V1}/payments/basket", json=body, headers=headers)
        return None if response.status_code == 404 else str(checked(response, 201)["id"])

    return await eventually(probe, "payments knows every account of the basket")


async def publish_bill(http: httpx.AsyncClient, stack: Stack, actor: Actor, account_id: str) -> str:
    """A bill for alice's demo account, published on `lka.events` as billing would; its id
    once accounts lists it."""
    region, number, _ = ALICE_ACCOUNT
    bill_id = f"ABUSE-{uuid.uuid4().hex[:12]}"
    line = BillLine(title="Электроэнергия", zone="T1", quantity_kwh=127, price_kopecks=649, amount_kopecks=82423)
    bill = BillingBillIssued(
        bill_id=bill_id,
        region_code=region,
        account_number=number,
        period="2026-11",
        issued_at=datetime.now(UTC),
        opening_balance_kopecks=152340,
        lines=[line],
        payments_kopecks=120000,
        penalty_kopecks=0,
        total_due_kopecks=114763,
        due_date=date(2026, 12, 10),
    )
    await events.publish_event(stack.amqp_url, bill)

    async def listed() -> bool:
        bills = checked(await http.get(f"{V1}/accounts/{account_id}/bills", headers=actor.headers), 200)
        return bill_id in [b["id"] for b in bills]

    await eventually(listed, f"bill {bill_id} listed")
    return bill_id


async def file_appeal(http: httpx.AsyncClient, actor: Actor, account_id: str | None = None) -> tuple[str, str]:
    """(appeal id, attachment id): an appeal with a PDF, multipart as the cabinet's form sends it."""
    fields = {"topic": "accounts", "text": "Проверка доступа к обращению"}
    if account_id:
        fields["account_id"] = account_id
    files = [("attachments", ("квитанция.pdf", small_pdf(), "application/pdf"))]

    async def probe() -> str | None:
        response = await http.post(f"{V1}/appeals", data=fields, files=files, headers=actor.headers)
        return None if response.status_code == 404 else str(checked(response, 201)["id"])

    appeal_id = await eventually(probe, "notifications knows the linked account")
    detail = checked(await http.get(f"{V1}/appeals/{appeal_id}", headers=actor.headers), 200)
    return appeal_id, str(detail["messages"][0]["attachments"][0]["id"])


async def operator_objects(http: httpx.AsyncClient, operator: Actor, payment_id: str) -> tuple[str, str]:
    """(refund id, day): the operator refunds one rouble of a payment and reconciles yesterday."""
    headers = {**operator.headers, "Idempotency-Key": str(uuid.uuid4())}
    body = {"amount": "1.00", "reason": "Проверка доступа"}
    refund = checked(await http.post(f"{V1}/operator/payments/{payment_id}/refunds", json=body, headers=headers), 201)
    day = (datetime.now(LOCAL_TIME).date() - timedelta(days=1)).isoformat()
    checked(await http.post(f"{V1}/operator/reconciliations", json={"date": day}, headers=operator.headers), 202)
    return str(refund["id"]), day


async def submit_reading(http: httpx.AsyncClient, actor: Actor, account_id: str) -> tuple[str, str]:
    """(meter id, reading id): one more kWh than the meter's last reading."""

    async def meters() -> list[dict[str, Any]] | None:
        found: list[dict[str, Any]] = checked(
            await http.get(f"{V1}/accounts/{account_id}/meters", headers=actor.headers), 200, 404
        )
        return found or None

    meter = (await eventually(meters, "readings knows the linked account's meters"))[0]
    last = meter["last_reading"]["values"] if meter["last_reading"] else {}
    values = {zone: float(last.get(zone, 0)) + 1 for zone in meter["zones"]}
    body = {"meter_id": meter["id"], "values": values}
    reading = checked(await http.post(f"{V1}/accounts/{account_id}/readings", json=body, headers=actor.headers), 201)
    return str(meter["id"]), str(reading["id"])


async def recover_change_and_merge(http: httpx.AsyncClient, stack: Stack, vault: Secrets) -> None:
    """The flows that carry the other secrets: password recovery with the letter's token, a
    password change, and a merge that sends another profile's password."""
    email, _ = await register(http, stack, vault, "carol")
    checked(await http.post(f"{V1}/auth/password/forgot", json={"email": email}), 202)
    token = vault.add(
        "reset token", token_from(await letter(http, stack.mail, email, RESET_SUBJECT), "/password/reset")
    )
    reset = vault.add("password", new_password())
    body = {"token": token, "password": reset, "password_confirm": reset}
    checked(await http.post(f"{V1}/auth/password/reset", json=body), 200)
    # At once: the reset ends every session issued before it, not one opened right after it.
    carol = await sign_in(http, vault, email, reset)
    changed = vault.add("password", new_password())
    body = {"current_password": reset, "password": changed, "password_confirm": changed}
    checked(await http.post(f"{V1}/profile/password", json=body, headers=carol.headers), 200)
    carol = await sign_in(http, vault, email, changed)
    other_email, other_password = await register(http, stack, vault, "erin")
    body = {"email": other_email, "password": other_password}
    checked(await http.post(f"{V1}/profile/merge", json=body, headers=carol.headers), 200)
    checked(await http.post(f"{V1}/auth/logout", headers=carol.headers), 204)


async def seed_world(http: httpx.AsyncClient, stack: Stack, vault: Secrets, env: dict[str, str]) -> World:
    operator_email, operator_password = new_email("operator"), vault.add("password", new_password())
    operator = await sign_in_staff(http, vault, make_operator(env, operator_email, operator_password))

    actors = []
    for name in ("alice", "bob", "dave", "sam"):
        email, password = await register(http, stack, vault, name)
        actors.append(await sign_in(http, vault, email, password))
    alice, bob, dave, sam = actors

    alice_account = str((await link(http, alice, ALICE_ACCOUNT, 201))["account"]["id"])
    bob_account = str((await link(http, bob, BOB_ACCOUNT, 201))["account"]["id"])
    dave_account = str((await link(http, dave, DAVE_ACCOUNT, 201))["account"]["id"])
    alice_request = str((await link(http, alice, ALICE_WRONG, 202))["request"]["id"])
    bob_request = str((await link(http, bob, BOB_WRONG, 202))["request"]["id"])
    dave_request = str((await link(http, dave, DAVE_WRONG, 202))["request"]["id"])

    alice_second_account = str((await link(http, alice, ALICE_SECOND, 201))["account"]["id"])

    alice_meter, alice_reading = await submit_reading(http, alice, alice_account)
    alice_payment, alice_card = await save_card(http, vault, alice, alice_account, "100.00", VISA)
    bob_payment = await start_payment(http, bob, bob_account, "55.50")
    await pay(http, vault, bob, bob_payment, MASTERCARD)
    _, dave_card = await save_card(http, vault, dave, dave_account, "20.00", DAVE_CARD)
    await set_autopay(http, alice, alice_account, alice_card)
    await set_autopay(http, dave, dave_account, dave_card)  # the fuzzer's DELETE …/autopay ends dave's
    alice_basket = await start_basket(http, alice, [alice_account, alice_second_account])
    body = {"enabled": True}  # before the bill: it comes as a letter with the PDF too
    checked(await http.put(f"{V1}/accounts/{alice_account}/paperless", json=body, headers=alice.headers), 200)
    alice_bill = await publish_bill(http, stack, alice, alice_account)
    alice_appeal, alice_attachment = await file_appeal(http, alice, alice_account)
    bob_appeal, bob_attachment = await file_appeal(http, bob)
    dave_appeal, _ = await file_appeal(http, dave)
    refund, reconciled_day = await operator_objects(http, operator, str(bob_payment["id"]))
    await recover_change_and_merge(http, stack, vault)

    return World(
        alice=alice,
        bob=bob,
        dave=dave,
        sam=sam,
        operator=operator,
        alice_account=alice_account,
        alice_request=alice_request,
        alice_meter=alice_meter,
        alice_reading=alice_reading,
        alice_payment=alice_payment,
        alice_card=alice_card,
        alice_second_account=alice_second_account,
        alice_basket=alice_basket,
        alice_bill=alice_bill,
        alice_appeal=alice_appeal,
        alice_attachment=alice_attachment,
        bob_account=bob_account,
        bob_request=bob_request,
        bob_payment=str(bob_payment["id"]),
        bob_appeal=bob_appeal,
        bob_attachment=bob_attachment,
        dave_account=dave_account,
        dave_request=dave_request,
        dave_card=dave_card,
        dave_appeal=dave_appeal,
        refund=refund,
        reconciled_day=reconciled_day,
    )
