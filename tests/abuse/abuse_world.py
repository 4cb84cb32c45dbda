"""The world the abuse suite seeds once per run: the demo accounts and cards, and `seed_world`.

`seed_world` walks the real flows through the gateway — register, confirm from the letter,
sign in, refresh, link demo accounts, ask for a link request, submit a reading, pay with a
test card on the emulated bank's page asking it to keep the card, start a basket, set an
autopay, switch paperless on, receive a bill published as billing would, file an appeal with
a file, recover and change a password, merge two profiles; as the operator, refund part of a
payment and reconcile a day — and returns the ids those flows made, so the fuzzer and the
BOLA matrix hit real objects.
"""

from __future__ import annotations

import httpx
from abuse_actions import (
    file_appeal,
    link,
    operator_objects,
    pay,
    publish_bill,
    run_card,
    save_card,
    set_autopay,
    start_basket,
    start_payment,
    submit_reading,
)
from abuse_actors import (
    Secrets,
    World,
    checked,
    make_operator,
    new_email,
    new_password,
    register,
    sign_in,
    sign_in_staff,
)
from abuse_support import V1

from lka_common.testing.portal import letter, token_from
from lka_common.testing.stack import Stack

RESET_SUBJECT = "Восстановление доступа"

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

VISA = run_card("411111")  # alice's, kept by the bank (her saved card)
MASTERCARD = run_card("555555")
DAVE_CARD = run_card("510510")  # dave's saved card, for the fuzzer's DELETE /cards/{card_id}


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
    alice_bill = await publish_bill(http, stack, alice, alice_account, ALICE_ACCOUNT)
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
