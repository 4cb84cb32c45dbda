"""`make operator`: the command that makes a profile for the supplier's staff, only ever a new
one; and the demo subscriber's command, which is a different one (docs/contract.md §4)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import jwt
import pytest

from lka_common import auth
from lka_common.testing.portal import otpauth_uri_in, recovery_codes_in
from lka_identity.domain import users as domain_users

Command = Callable[..., Awaitable[tuple[int, str, str]]]
OPERATOR = "lka_identity.entrypoints.operator"
DEMO = "lka_identity.entrypoints.demo_subscriber"
STAFF_FACTOR = "lka_identity.entrypoints.staff_factor"
ADMIN_PASSWORD = "Пароль-администратора-2026"
ATTACKER_PASSWORD = "Пароль-злоумышленника-2026"


def role_of(token: str) -> str:
    return str(jwt.decode(token, options={"verify_signature": False})["role"])


async def snapshot(db: asyncpg.Pool, email: str) -> dict[str, Any]:
    """Everything identity keeps about the address: its rows, its tokens, what it published."""
    row = await db.fetchrow("SELECT * FROM users WHERE lower(email) = lower($1)", email)
    assert row is not None
    user_id = row["id"]
    return {
        "user": dict(row),
        "tokens": await db.fetchval("SELECT count(*) FROM one_time_tokens WHERE user_id = $1", user_id),
        "consents": await db.fetchval("SELECT count(*) FROM consents WHERE user_id = $1", user_id),
        "outbox": await db.fetchval("SELECT count(*) FROM outbox WHERE body::jsonb ->> 'subject' = $1", str(user_id)),
        "rows": await db.fetchval("SELECT count(*) FROM users WHERE lower(email) = lower($1)", email),
    }


def made(portal: Any, email: str, out: str) -> Any:
    """The staff member the command made, with the second factor it printed."""
    person = portal.person(email)
    person.otpauth_uri = otpauth_uri_in(out)
    person.recovery_codes = recovery_codes_in(out)
    return person


async def test_the_operator_command_creates_a_confirmed_operator(portal: Any, command: Command) -> None:
    email = portal.new_email()

    code, out, err = await command(OPERATOR, "--email", email, "--password", portal.password)

    assert code == 0, err
    assert f"Создан оператор {email}" in out
    person = made(portal, email, out)
    assert person.otpauth_uri.startswith("otpauth://totp/") and "secret=" in person.otpauth_uri
    assert len(set(person.recovery_codes)) == 10
    person = await portal.sign_in(person)
    assert role_of(person.access_token) == "operator"
    profile = (await portal.get("/profile", person.access_token)).json()
    assert (profile["role"], profile["email_confirmed"]) == ("operator", True)


async def test_role_supervisor_creates_a_supervisor_whose_address_registers_like_any_known_one(
    portal: Any, command: Command, db: asyncpg.Pool
) -> None:
    email = portal.new_email()

    code, out, err = await command(OPERATOR, "--email", email, "--password", portal.password, "--role", "supervisor")

    assert code == 0, err
    assert "роль supervisor" in out
    supervisor = await portal.sign_in(made(portal, email, out))
    assert role_of(supervisor.access_token) == "supervisor"
    before = await snapshot(db, email)
    # A stranger registering the supervisor's address learns nothing and gets nothing.
    register = {"email": email, "password": ATTACKER_PASSWORD, "password_confirm": ATTACKER_PASSWORD}
    again = await portal.post("/auth/register", {**register, "personal_data_consent": True})
    fresh = await portal.post(
        "/auth/register", {**register, "email": portal.new_email(), "personal_data_consent": True}
    )
    assert (again.status_code, again.json()) == (fresh.status_code, fresh.json())
    assert [letter["template"] for letter in await portal.letters(email)] == ["registration_repeated"]
    after = await snapshot(db, email)
    assert after["user"] == before["user"] and after["rows"] == 1
    stranger = await portal.post("/auth/login", {"email": email, "password": ATTACKER_PASSWORD})
    assert stranger.status_code == 401
    assert role_of((await portal.sign_in(supervisor)).access_token) == "supervisor"


async def test_an_attackers_unconfirmed_registration_is_never_made_staff(
    portal: Any, command: Command, db: asyncpg.Pool
) -> None:
    # The attacker guesses the address the supplier will give its next operator.
    email = f"op-{portal.new_email()}"
    await portal.register(email, ATTACKER_PASSWORD)
    before = await snapshot(db, email)

    code, out, err = await command(OPERATOR, "--email", email, "--password", ADMIN_PASSWORD)

    assert code == 1
    assert "уже занят" in err and "Ничего не изменено" in err, out + err
    assert await snapshot(db, email) == before
    attacker = await portal.post("/auth/login", {"email": email, "password": ATTACKER_PASSWORD})
    assert attacker.status_code == 403 and attacker.json()["code"] == "email_not_confirmed"
    admin = await portal.post("/auth/login", {"email": email, "password": ADMIN_PASSWORD})
    assert admin.status_code == 401


async def test_the_same_address_twice_the_second_run_exits_1_and_changes_nothing(
    portal: Any, command: Command, db: asyncpg.Pool
) -> None:
    email = portal.new_email()
    code, out, _ = await command(OPERATOR, "--email", email, "--password", portal.password)
    assert code == 0
    before = await snapshot(db, email)

    second = await command(OPERATOR, "--email", email.upper(), "--password", ADMIN_PASSWORD)
    third = await command(OPERATOR, "--email", email, "--password", ADMIN_PASSWORD, "--role", "supervisor")

    for code, _, err in (second, third):
        assert code == 1 and "уже занят" in err
    assert await snapshot(db, email) == before
    assert "otpauth://" not in second[1] + third[1]
    person = await portal.sign_in(made(portal, email, out))
    assert role_of(person.access_token) == "operator"
    assert (await portal.post("/auth/login", {"email": email, "password": ADMIN_PASSWORD})).status_code == 401


async def test_a_subscribers_address_confirmed_or_merged_is_refused_as_it_is(
    portal: Any, command: Command, db: asyncpg.Pool
) -> None:
    target = await portal.signed_in()
    merged = await portal.signed_in()
    merge = {"email": merged.email, "password": merged.password}
    assert (await portal.post("/profile/merge", merge, token=target.access_token)).status_code == 200
    confirmed = await portal.signed_in()

    for person in (confirmed, merged):
        before = await snapshot(db, person.email)
        code, _, err = await command(OPERATOR, "--email", person.email, "--password", ADMIN_PASSWORD)
        assert code == 1 and "уже занят" in err
        assert await snapshot(db, person.email) == before
    assert role_of((await portal.sign_in(confirmed)).access_token) == "subscriber"


async def test_the_operator_command_refuses_a_weak_password_in_russian(portal: Any, command: Command) -> None:
    code, _, err = await command(OPERATOR, "--email", portal.new_email(), "--password", "йцукен123")

    assert code != 0
    assert "Пароль не принят" in err


async def test_the_operator_command_makes_no_subscriber(portal: Any, command: Command, db: asyncpg.Pool) -> None:
    email = portal.new_email()

    code, _, err = await command(OPERATOR, "--email", email, "--password", portal.password, "--role", "subscriber")

    assert code == 2
    assert "не роль сотрудника" in err and "demo_subscriber" in err
    assert await db.fetchval("SELECT count(*) FROM users WHERE lower(email) = lower($1)", email) == 0


async def test_the_demo_subscriber_is_created_once_and_left_alone_afterwards(
    portal: Any, command: Command, db: asyncpg.Pool
) -> None:
    email = portal.new_email()

    first = await command(DEMO, "--email", email, "--password", portal.password)
    before = await snapshot(db, email)
    second = await command(DEMO, "--email", email, "--password", ADMIN_PASSWORD)

    assert first[0] == 0 and "создан" in first[1], first[2]
    assert second[0] == 0 and "ничего не изменено" in second[1], second[2]
    assert await snapshot(db, email) == before
    person = await portal.sign_in(portal.person(email))
    assert role_of(person.access_token) == "subscriber"
    assert (await portal.get("/profile", person.access_token)).json()["email_confirmed"] is True


async def test_the_demo_command_leaves_someone_elses_registration_unconfirmed(
    portal: Any, command: Command, db: asyncpg.Pool
) -> None:
    email = portal.new_email()
    await portal.register(email, ATTACKER_PASSWORD)
    before = await snapshot(db, email)

    code, _, err = await command(DEMO, "--email", email, "--password", portal.password)

    assert code == 0, err
    assert await snapshot(db, email) == before
    assert before["user"]["email_confirmed_at"] is None


async def test_the_database_refuses_to_turn_a_subscriber_into_staff(portal: Any, db: asyncpg.Pool) -> None:
    person = await portal.signed_in()

    with pytest.raises(asyncpg.RaiseError, match="cannot go from role subscriber to operator"):
        await db.execute("UPDATE users SET role = 'operator' WHERE id = $1::uuid", person.user_id)

    assert await db.fetchval("SELECT role FROM users WHERE id = $1::uuid", person.user_id) == "subscriber"


def test_identity_names_the_roles_as_every_other_service_reads_them() -> None:
    assert domain_users.SUBSCRIBER_ROLE == auth.SUBSCRIBER_ROLE
    assert domain_users.STAFF_ROLES == auth.STAFF_ROLES


async def test_a_staff_profile_without_a_second_factor_gets_one_by_command_and_nothing_else_does(
    portal: Any, command: Command, db: asyncpg.Pool, asvs_hash: str
) -> None:
    # A staff profile from before staff had a second factor: its right password cannot sign in.
    email = portal.new_email()
    await db.execute(
        "INSERT INTO users (id, email, password_hash, role, email_confirmed_at)"
        " VALUES (gen_random_uuid(), $1, $2, 'supervisor', now())",
        email,
        asvs_hash,
    )
    stuck = await portal.post("/auth/login", {"email": email, "password": portal.password})
    subscriber = await portal.signed_in()
    before = await snapshot(db, subscriber.email)

    code, out, err = await command(STAFF_FACTOR, "--email", email.upper())
    refused = await command(STAFF_FACTOR, "--email", subscriber.email)

    assert (stuck.status_code, stuck.json()["code"]) == (403, "mfa_enrolment_required")
    assert code == 0, err
    person = await portal.sign_in(made(portal, email, out))
    assert role_of(person.access_token) == "supervisor"
    assert refused[0] == 1 and "Ничего не изменено" in refused[2]
    assert await snapshot(db, subscriber.email) == before
