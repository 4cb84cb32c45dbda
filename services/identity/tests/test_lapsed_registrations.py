"""A registration nobody confirms within `unconfirmed_registration_ttl_days` (7) lapses: the
address is free again for whoever owns the mailbox, at once, and housekeeping removes the row
with everything that names it. A stranger who registered someone's address holds it a week at
most."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from lka_common.db import make_engine, make_sessionmaker
from lka_identity.adapters import housekeeping
from lka_identity.settings import IdentitySettings

ATTACKER_PASSWORD = "Пароль-злоумышленника-2026"
OWNER_PASSWORD = "Пароль-владельца-ящика-2026"
INVALID = {"code": "invalid_credentials", "detail": "Неверный адрес электронной почты или пароль"}


async def registered_days_ago(db: asyncpg.Pool, user_id: str, days: float) -> None:
    await db.execute(
        "UPDATE users SET created_at = now() - make_interval(secs => $2) WHERE id = $1::uuid",
        user_id,
        days * 86400,
    )


def register_form(email: str, password: str) -> dict[str, Any]:
    return {"email": email, "password": password, "password_confirm": password, "personal_data_consent": True}


def problem(response: Any) -> dict[str, Any]:
    return {"code": response.json()["code"], "detail": response.json()["detail"]}


async def prune(settings: IdentitySettings) -> None:
    engine = make_engine(settings, pool_size=1)
    try:
        async with make_sessionmaker(engine)() as session:
            await housekeeping.prune(session, datetime.now(UTC), timedelta(days=7))
            await session.commit()
    finally:
        await engine.dispose()


async def test_a_lapsed_registration_frees_the_address_for_its_owner_before_any_sweep(
    portal: Any, db: asyncpg.Pool
) -> None:
    email = portal.new_email()
    squatter = await portal.register(email, ATTACKER_PASSWORD)
    # Six days on the address is still held: the owner is told, nothing else happens.
    await registered_days_ago(db, squatter.user_id, 6)
    assert (await portal.post("/auth/register", register_form(email, OWNER_PASSWORD))).status_code == 201
    assert [letter["template"] for letter in await portal.letters(email)] == [
        "email_confirmation",
        "registration_repeated",
    ]
    await registered_days_ago(db, squatter.user_id, 8)

    response = await portal.post("/auth/register", register_form(email, OWNER_PASSWORD))

    assert response.status_code == 201
    owner_id = str(await db.fetchval("SELECT id FROM users WHERE lower(email) = lower($1)", email))
    assert owner_id != squatter.user_id
    letters = await portal.letters(email)
    assert [letter["template"] for letter in letters][2:] == ["email_confirmation"]
    assert letters[-1]["user_id"] == owner_id
    assert len(await portal.messages(owner_id, "identity.user.registered.v1")) == 1
    for table in ("users", "consents", "one_time_tokens"):
        column = "id" if table == "users" else "user_id"
        assert await db.fetchval(f"SELECT count(*) FROM {table} WHERE {column} = $1::uuid", squatter.user_id) == 0
    assert await db.fetchval("SELECT count(*) FROM consents WHERE user_id = $1::uuid", owner_id) == 1
    # The squatter's old link opens nothing; the owner's new one confirms the owner's profile.
    squatter_link = portal.token_of(letters[0]["params"]["link"])
    assert (await portal.post("/auth/email/confirm", {"token": squatter_link})).status_code == 400
    confirmed = await portal.post("/auth/email/confirm", {"token": await portal.confirmation_token(email)})
    assert confirmed.status_code == 200
    assert (await portal.post("/auth/login", {"email": email, "password": OWNER_PASSWORD})).status_code == 200
    assert (await portal.post("/auth/login", {"email": email, "password": ATTACKER_PASSWORD})).status_code == 401


async def test_a_lapsed_address_is_unknown_to_sign_in_resend_and_recovery(portal: Any, db: asyncpg.Pool) -> None:
    squatter = await portal.register(password=ATTACKER_PASSWORD)
    await registered_days_ago(db, squatter.user_id, 8)
    letters_before = len(await portal.letters(squatter.email))
    stranger = portal.new_email()

    lapsed_login = await portal.post("/auth/login", {"email": squatter.email, "password": ATTACKER_PASSWORD})
    unknown_login = await portal.post("/auth/login", {"email": stranger, "password": ATTACKER_PASSWORD})
    forgot = await portal.post("/auth/password/forgot", {"email": squatter.email})
    unknown_forgot = await portal.post("/auth/password/forgot", {"email": stranger})
    resend = await portal.post("/auth/email/resend", {"email": squatter.email})

    assert lapsed_login.status_code == unknown_login.status_code == 401
    assert problem(lapsed_login) == problem(unknown_login) == INVALID
    assert (forgot.status_code, forgot.json()) == (unknown_forgot.status_code, unknown_forgot.json())
    assert resend.status_code == 202
    assert len(await portal.letters(squatter.email)) == letters_before


async def test_a_link_sent_before_the_registration_lapsed_confirms_nothing_after(portal: Any, db: asyncpg.Pool) -> None:
    squatter = await portal.register(password=ATTACKER_PASSWORD)
    await portal.post("/auth/password/forgot", {"email": squatter.email})
    confirm_token = await portal.confirmation_token(squatter.email)
    reset_token = await portal.reset_token(squatter.email)
    await registered_days_ago(db, squatter.user_id, 8)  # the links themselves are still in date
    password_hash = await db.fetchval("SELECT password_hash FROM users WHERE id = $1::uuid", squatter.user_id)

    confirm = await portal.post("/auth/email/confirm", {"token": confirm_token})
    reset = await portal.post(
        "/auth/password/reset", {"token": reset_token, "password": OWNER_PASSWORD, "password_confirm": OWNER_PASSWORD}
    )

    assert confirm.status_code == reset.status_code == 400
    row = await db.fetchrow("SELECT email_confirmed_at, password_hash FROM users WHERE id = $1::uuid", squatter.user_id)
    assert (row["email_confirmed_at"], row["password_hash"]) == (None, password_hash)


async def test_two_registrations_of_a_lapsed_address_at_once_make_exactly_one_profile(
    portal: Any, db: asyncpg.Pool
) -> None:
    email = portal.new_email()
    squatter = await portal.register(email, ATTACKER_PASSWORD)
    await registered_days_ago(db, squatter.user_id, 8)
    before = len(await portal.letters(email))

    answers = await asyncio.gather(
        portal.post("/auth/register", register_form(email, OWNER_PASSWORD)),
        portal.post("/auth/register", register_form(email, "Другой-пароль-владельца-2026")),
    )

    assert [a.status_code for a in answers] == [201, 201]
    rows = await db.fetch("SELECT id FROM users WHERE lower(email) = lower($1)", email)
    assert len(rows) == 1 and str(rows[0]["id"]) != squatter.user_id
    templates = sorted(letter["template"] for letter in (await portal.letters(email))[before:])
    assert templates == ["email_confirmation", "registration_repeated"]


async def test_housekeeping_removes_lapsed_registrations_and_nothing_else(
    portal: Any, db: asyncpg.Pool, settings: IdentitySettings
) -> None:
    lapsed = await portal.register(password=ATTACKER_PASSWORD)
    await portal.post("/auth/password/forgot", {"email": lapsed.email})
    await registered_days_ago(db, lapsed.user_id, 8)
    # One merged before merging an unconfirmed profile was refused: its address is freed too.
    target = await portal.signed_in()
    merged = await portal.register(password=ATTACKER_PASSWORD)
    await db.execute(
        "UPDATE users SET merged_into = $2::uuid, merged_at = now() WHERE id = $1::uuid", merged.user_id, target.user_id
    )
    await registered_days_ago(db, merged.user_id, 30)
    waiting = await portal.register()
    await registered_days_ago(db, waiting.user_id, 6)
    old_subscriber = await portal.signed_in()
    await registered_days_ago(db, old_subscriber.user_id, 400)
    await registered_days_ago(db, target.user_id, 400)
    staff = portal.new_email()
    await db.execute(
        "INSERT INTO users (id, email, password_hash, role, created_at, email_confirmed_at)"
        " VALUES (gen_random_uuid(), $1, 'x', 'operator', now() - interval '400 days', now() - interval '400 days')",
        staff,
    )
    kept = [waiting.user_id, old_subscriber.user_id, target.user_id]
    kept_tokens = await db.fetchval("SELECT count(*) FROM one_time_tokens WHERE user_id = ANY($1::uuid[])", kept)
    live_refresh = hashlib.sha256(old_subscriber.refresh_token.encode()).hexdigest()

    await prune(settings)

    gone = [lapsed.user_id, merged.user_id]
    for table, column in (("users", "id"), ("consents", "user_id"), ("one_time_tokens", "user_id")):
        assert await db.fetchval(f"SELECT count(*) FROM {table} WHERE {column} = ANY($1::uuid[])", gone) == 0, table
    assert await db.fetchval("SELECT count(*) FROM users WHERE id = ANY($1::uuid[])", kept) == 3
    assert await db.fetchval("SELECT count(*) FROM consents WHERE user_id = ANY($1::uuid[])", kept) == 3
    assert (
        await db.fetchval("SELECT count(*) FROM one_time_tokens WHERE user_id = ANY($1::uuid[])", kept) == kept_tokens
    )
    assert await db.fetchval("SELECT count(*) FROM users WHERE email = $1", staff) == 1
    assert await db.fetchval("SELECT count(*) FROM refresh_tokens WHERE token_hash = $1", live_refresh) == 1
    assert (
        await portal.post("/auth/login", {"email": old_subscriber.email, "password": portal.password})
    ).status_code == 200
    # The freed address registers afresh, confirmation letter and all.
    owner = await portal.register(lapsed.email, OWNER_PASSWORD)
    last = (await portal.letters(lapsed.email))[-1]
    assert (last["template"], last["user_id"]) == ("email_confirmation", owner.user_id)
