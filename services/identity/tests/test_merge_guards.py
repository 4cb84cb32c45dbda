"""What a merge may not take: a registration nobody confirmed (anyone can register any address
with a password of their choosing), and anything of the supplier's staff (docs/contract.md §4)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

ATTACKER_PASSWORD = "Пароль-злоумышленника-2026"
OWNER_PASSWORD = "Пароль-владельца-ящика-2026"
NEW_PASSWORD = "Новый-пароль-владельца-2026"


async def registered_days_ago(db: asyncpg.Pool, user_id: str, days: int) -> None:
    await db.execute(
        "UPDATE users SET created_at = now() - make_interval(days => $2) WHERE id = $1::uuid", user_id, days
    )


def register_form(email: str, password: str) -> dict[str, Any]:
    return {"email": email, "password": password, "password_confirm": password, "personal_data_consent": True}


async def test_an_attacker_cannot_merge_away_a_victims_address_registered_unconfirmed(
    portal: Any, db: asyncpg.Pool
) -> None:
    attacker = await portal.signed_in()
    victim_email = portal.new_email()
    squatted = await portal.register(victim_email, ATTACKER_PASSWORD)

    wrong = await portal.post(
        "/profile/merge", {"email": victim_email, "password": "Не-тот-пароль-2026"}, token=attacker.access_token
    )
    response = await portal.post(
        "/profile/merge", {"email": victim_email, "password": ATTACKER_PASSWORD}, token=attacker.access_token
    )

    # Without the password a stranger learns nothing; with it, the registration is not taken.
    assert wrong.status_code == 401 and wrong.json()["code"] == "invalid_credentials"
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "merge_source_unconfirmed"
    assert response.json()["detail"] == (
        "Адрес электронной почты этой учетной записи не подтвержден. "
        "Подтвердите его по ссылке из письма, затем объедините учетные записи"
    )
    row = await db.fetchrow("SELECT merged_into, email_confirmed_at FROM users WHERE id = $1::uuid", squatted.user_id)
    assert (row["merged_into"], row["email_confirmed_at"]) == (None, None)
    assert await portal.messages(attacker.user_id, "identity.profiles.merged.v1") == []
    # The owner of the mailbox can take the address back by recovery at once…
    assert (await portal.post("/auth/password/forgot", {"email": victim_email})).status_code == 202
    reset = {"token": await portal.reset_token(victim_email), "password": OWNER_PASSWORD}
    assert (await portal.post("/auth/password/reset", {**reset, "password_confirm": OWNER_PASSWORD})).status_code == 200
    owner = await portal.sign_in(portal.person(victim_email, OWNER_PASSWORD))
    assert (await portal.get("/profile", owner.access_token)).json()["email_confirmed"] is True
    assert (await portal.post("/auth/login", {"email": victim_email, "password": ATTACKER_PASSWORD})).status_code == 401


async def test_after_a_refused_merge_the_victim_registers_confirms_and_signs_in_once_it_lapsed(
    portal: Any, db: asyncpg.Pool
) -> None:
    attacker = await portal.signed_in()
    victim_email = portal.new_email()
    squatted = await portal.register(victim_email, ATTACKER_PASSWORD)
    merge = {"email": victim_email, "password": ATTACKER_PASSWORD}
    assert (await portal.post("/profile/merge", merge, token=attacker.access_token)).status_code == 409
    await registered_days_ago(db, squatted.user_id, 8)

    registered = await portal.post("/auth/register", register_form(victim_email, OWNER_PASSWORD))

    assert registered.status_code == 201
    assert (await portal.letters(victim_email))[-1]["template"] == "email_confirmation"
    token = await portal.confirmation_token(victim_email)
    assert (await portal.post("/auth/email/confirm", {"token": token})).status_code == 200
    owner = await portal.sign_in(portal.person(victim_email, OWNER_PASSWORD))
    assert (await portal.get("/profile", owner.access_token)).status_code == 200
    # And now that the address is confirmed, a merge by the attacker still needs the owner's password.
    again = await portal.post("/profile/merge", merge, token=attacker.access_token)
    assert again.status_code == 401 and again.json()["code"] == "invalid_credentials"


async def staff_member(portal: Any, db: asyncpg.Pool, asvs_hash: str, role: str = "operator") -> Any:
    """A confirmed staff profile (as `make operator` makes it, its second factor enrolled), signed
    in with both steps; password PASSWORD."""
    return await portal.staff(role)


async def test_staff_may_not_merge_a_subscribers_profile(portal: Any, db: asyncpg.Pool, asvs_hash: str) -> None:
    subscriber = await portal.signed_in(password=OWNER_PASSWORD)

    for role in ("operator", "supervisor"):
        staff = await staff_member(portal, db, asvs_hash, role)
        response = await portal.post(
            "/profile/merge", {"email": subscriber.email, "password": OWNER_PASSWORD}, token=staff.access_token
        )

        assert response.status_code == 403
        assert response.json()["code"] == "staff_not_allowed"
        assert response.json()["detail"].startswith("Сотрудникам поставщика это действие недоступно")
    assert await db.fetchval("SELECT merged_into FROM users WHERE id = $1::uuid", subscriber.user_id) is None
    assert (await portal.get("/profile", subscriber.access_token)).status_code == 200


async def test_a_staff_profile_cannot_be_merged_and_answers_as_wrong_credentials(
    portal: Any, db: asyncpg.Pool, asvs_hash: str
) -> None:
    staff = await staff_member(portal, db, asvs_hash)
    subscriber = await portal.signed_in(password=OWNER_PASSWORD)

    right = await portal.post(
        "/profile/merge", {"email": staff.email, "password": staff.password}, token=subscriber.access_token
    )
    unknown = await portal.post(
        "/profile/merge", {"email": portal.new_email(), "password": staff.password}, token=subscriber.access_token
    )

    assert right.status_code == unknown.status_code == 401
    assert right.json() == unknown.json()
    assert right.json()["code"] == "invalid_credentials"
    assert await db.fetchval("SELECT merged_into FROM users WHERE id = $1::uuid", staff.user_id) is None
    assert (await portal.get("/profile", staff.access_token)).status_code == 200


async def test_staff_keep_sign_in_profile_password_change_and_sign_out(
    portal: Any, db: asyncpg.Pool, asvs_hash: str, insert_user: Callable[..., Awaitable[Any]]
) -> None:
    staff = await staff_member(portal, db, asvs_hash)

    profile = await portal.get("/profile", staff.access_token)
    change = await portal.post(
        "/profile/password",
        {"current_password": staff.password, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
        token=staff.access_token,
    )
    merge = await portal.post(
        "/profile/merge",
        {"email": (await insert_user(asvs_hash)).email, "password": staff.password},
        token=staff.access_token,
    )
    logout = await portal.post("/auth/logout", {}, token=staff.access_token)

    assert (profile.status_code, profile.json()["role"]) == (200, "operator")
    assert change.status_code == 200
    assert merge.status_code == 403
    assert logout.status_code == 204
