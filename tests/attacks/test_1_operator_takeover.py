"""Item 1 of the outside review: an operator's role taken over through `make operator`.

The attacker registered `op-x@…` with a password of his own and never confirmed it; staff
later ran `make operator` with that address, which promoted his row, kept his password and
confirmed the address: he signed in as an operator, read every account's link proofs in the
registry and approved his own link requests. Staff are now separate profiles (docs/contract.md §4):
the command only ever makes a new one, and staff cannot act as subscribers.
"""

from __future__ import annotations

import re

import httpx
from attack_support import V1, address, link_body, login, make_operator, password, register, rows, staff, subscriber

from lka_common.testing.stack import Stack

CYRILLIC = re.compile("[А-Яа-яЁё]")


async def test_make_operator_refuses_an_address_a_stranger_registered_and_changes_nothing(
    http: httpx.AsyncClient, attack_stack: Stack, attack_env: dict[str, str]
) -> None:
    target, attackers_password = address("op-x"), password()
    await register(http, target, attackers_password)  # never confirmed
    before = await rows(attack_env, "identity", "SELECT * FROM users WHERE email = $1", target)

    made = make_operator(attack_env, target, password())

    assert made.returncode == 1, made.stdout + made.stderr
    said = made.stdout + made.stderr
    assert CYRILLIC.search(said), said  # a Russian message for the person at the console
    after = await rows(attack_env, "identity", "SELECT * FROM users WHERE email = $1", target)
    assert [dict(r) for r in after] == [dict(r) for r in before]  # no role, no confirmation, same password
    assert after[0]["role"] == "subscriber" and after[0]["email_confirmed_at"] is None
    signed_in = await login(http, target, attackers_password)
    assert signed_in.status_code == 403, signed_in.text
    assert signed_in.json()["code"] == "email_not_confirmed"


async def test_make_operator_refuses_a_confirmed_subscribers_address(
    http: httpx.AsyncClient, attack_stack: Stack, attack_env: dict[str, str]
) -> None:
    email, own_password, headers = await subscriber(http, attack_stack.mail, "subscriber")

    made = make_operator(attack_env, email, password())

    assert made.returncode == 1, made.stdout + made.stderr
    profile = await http.get(f"{V1}/profile", headers=headers)
    assert profile.json()["role"] == "subscriber"
    again = await login(http, email, own_password)
    assert again.status_code == 200 and "mfa_required" not in again.json()
    registry = await http.get(
        f"{V1}/operator/link-requests", headers={"Authorization": f"Bearer {again.json()['access_token']}"}
    )
    assert registry.status_code == 403


async def test_an_operator_cannot_act_as_a_subscriber(
    http: httpx.AsyncClient, attack_stack: Stack, attack_env: dict[str, str]
) -> None:
    """Staff who could file link requests could approve their own (item 6): they file none."""
    operator = await staff(http, attack_env, "operator")
    wrong_letters = link_body("bakhchisaraysky_district", "91000404", "ЖЖЖ")
    right_letters = link_body("simferopol", "91000101", "ИВА")
    for body in (wrong_letters, right_letters):
        answer = await http.post(f"{V1}/accounts", json=body, headers=operator)
        assert answer.status_code == 403, answer.text
        assert answer.json()["code"] == "staff_not_allowed"
    paid = await http.post(
        f"{V1}/payments",
        json={"account_id": "00000000-0000-4000-8000-000000000001", "amount": "10.00"},
        headers={**operator, "Idempotency-Key": "attack-operator-pays"},
    )
    assert (paid.status_code, paid.json()["code"]) == (403, "staff_not_allowed")
    reading = await http.post(
        f"{V1}/accounts/00000000-0000-4000-8000-000000000001/readings",
        json={"meter_id": "00000000-0000-4000-8000-000000000002", "values": {"T1": 1}},
        headers=operator,
    )
    assert (reading.status_code, reading.json()["code"]) == (403, "staff_not_allowed")
    filed = await rows(attack_env, "accounts", "SELECT count(*) AS n FROM link_requests WHERE number = '91000404'")
    assert filed[0]["n"] == 0
