"""Item 2 of the outside review: a stranger's address locked away for good by a merge.

The attacker registered the victim's address with a password he chose (never confirmed: the
letter went to the victim) and merged that profile into his own. From then on the address
could not sign in, registering it only sent «повторная регистрация», and recovery sent
nothing. Now only a confirmed profile can be merged in, so the victim's mailbox stays the key.
"""

from __future__ import annotations

import httpx
from attack_support import RESET_SUBJECT, V1, address, bearer, password, register, rows, subscriber

from lka_common.testing.portal import letter, token_from
from lka_common.testing.stack import Stack


async def test_an_unconfirmed_profile_cannot_be_merged_and_its_owner_recovers_it(
    http: httpx.AsyncClient, attack_stack: Stack, attack_env: dict[str, str]
) -> None:
    _, _, attacker = await subscriber(http, attack_stack.mail, "attacker")
    victim, chosen_by_attacker = address("victim"), password()
    await register(http, victim, chosen_by_attacker)

    merged = await http.post(
        f"{V1}/profile/merge", json={"email": victim, "password": chosen_by_attacker}, headers=attacker
    )

    assert merged.status_code == 409, merged.text
    assert merged.json()["code"] == "merge_source_unconfirmed"
    assert "подтвер" in merged.json()["detail"]
    row = await rows(attack_env, "identity", "SELECT merged_into FROM users WHERE email = $1", victim)
    assert row[0]["merged_into"] is None

    # The victim, with nothing but the mailbox, recovers the address and signs in.
    forgot = await http.post(f"{V1}/auth/password/forgot", json={"email": victim})
    assert forgot.status_code == 202
    token = token_from(await letter(http, attack_stack.mail, victim, RESET_SUBJECT), "/password/reset")
    own = password()
    reset = await http.post(
        f"{V1}/auth/password/reset", json={"token": token, "password": own, "password_confirm": own}
    )
    assert reset.status_code == 200, reset.text
    profile = await http.get(f"{V1}/profile", headers=await bearer(http, victim, own))
    assert profile.json()["email"] == victim and profile.json()["email_confirmed"] is True


async def test_a_confirmed_profile_is_still_merged_with_its_password(
    http: httpx.AsyncClient, attack_stack: Stack
) -> None:
    """The manual's «Объединение учетных записей» keeps working for its real owner."""
    _, _, keeper = await subscriber(http, attack_stack.mail, "keeper")
    other, other_password, _ = await subscriber(http, attack_stack.mail, "other")
    merged = await http.post(f"{V1}/profile/merge", json={"email": other, "password": other_password}, headers=keeper)
    assert merged.status_code == 200, merged.text
    assert merged.json()["message"] == "Учетные записи объединены"
