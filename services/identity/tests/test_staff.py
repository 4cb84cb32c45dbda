"""Staff sign-in with a second factor and staff management (docs/contract.md §4): two steps for
staff, TOTP codes accepted once, recovery codes once, the fifth wrong code voids the sign-in;
staff sessions end after `staff_session_max_s`; supervisors invite (a letter, a password, TOTP
enrolment), list, disable, enable and reset the second factor, never their own; operators and
subscribers are 403; secrets are never stored in the clear."""

from __future__ import annotations

import time
import uuid
from typing import Any

import asyncpg
import jwt
import pyotp

from lka_common.testing.portal import totp_code

STAFF_LETTER = "staff_invitation"
NEW_PASSWORD = "Новый-пароль-сотрудника-2026"


def claims(token: str) -> dict[str, Any]:
    return dict(jwt.decode(token, options={"verify_signature": False}))


async def first_step(portal: Any, person: Any) -> str:
    answer = await portal.post("/auth/login", {"email": person.email, "password": person.password})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["mfa_required"] is True and 0 < body["expires_in"] <= 300
    assert "access_token" not in body and "refresh_token" not in body
    return str(body["mfa_token"])


async def second_step(portal: Any, mfa_token: str, code: str) -> Any:
    return await portal.post("/auth/login/mfa", {"mfa_token": mfa_token, "code": code})


def wrong_code(person: Any) -> str:
    """Six digits that are none of the codes of the window around now."""
    totp = pyotp.parse_uri(person.otpauth_uri)
    step = int(time.time()) // 30
    window = {totp.generate_otp(s) for s in range(step - 2, step + 3)}
    return next(c for c in (f"{n:06d}" for n in range(1000, 2000)) if c not in window)


async def invite(portal: Any, supervisor: Any, email: str, role: str = "operator") -> Any:
    return await portal.post("/staff/invitations", {"email": email, "role": role}, token=supervisor.access_token)


async def invitation_token(portal: Any, email: str) -> str:
    letters = await portal.letters(email, STAFF_LETTER)
    assert letters, email
    link = letters[-1]["params"]["link"]
    assert link.startswith(f"{portal.public_base_url}/staff/accept?token=")
    return str(portal.token_of(link))


async def accept(portal: Any, token: str, password: str = "") -> Any:
    secret = password or portal.password
    return await portal.post(
        "/staff/invitations/accept", {"token": token, "password": secret, "password_confirm": secret}
    )


# --- Two-step sign-in -------------------------------------------------------------------------


async def test_staff_sign_in_in_two_steps_and_each_totp_code_is_accepted_once(portal: Any) -> None:
    person = await portal.staff("operator", signed_in=False)

    code = await totp_code(person.otpauth_uri)
    signed_in = await second_step(portal, await first_step(portal, person), code)
    again = await second_step(portal, await first_step(portal, person), code)

    assert signed_in.status_code == 200, signed_in.text
    assert claims(signed_in.json()["access_token"])["role"] == "operator"
    assert (again.status_code, again.json()["code"]) == (401, "invalid_mfa_code")
    assert again.json()["detail"].startswith("Неверный код")


async def test_a_subscriber_signs_in_in_one_step_as_before(portal: Any) -> None:
    person = await portal.signed_in()

    assert claims(person.access_token)["role"] == "subscriber"


async def test_each_recovery_code_signs_in_once_however_it_is_typed(portal: Any) -> None:
    person = await portal.staff("operator", signed_in=False)
    code = person.recovery_codes[3]

    typed = f"  {code.upper().replace('-', ' ')} "
    first = await second_step(portal, await first_step(portal, person), typed)
    second = await second_step(portal, await first_step(portal, person), code)
    other = await second_step(portal, await first_step(portal, person), person.recovery_codes[4])

    assert first.status_code == 200, first.text
    assert (second.status_code, second.json()["code"]) == (401, "invalid_mfa_code")
    assert other.status_code == 200, other.text


async def test_the_fifth_wrong_code_voids_the_mfa_token(portal: Any) -> None:
    person = await portal.staff("operator", signed_in=False)
    mfa_token = await first_step(portal, person)

    wrong = [await second_step(portal, mfa_token, wrong_code(person)) for _ in range(5)]
    right_too_late = await second_step(portal, mfa_token, await totp_code(person.otpauth_uri))

    assert [(w.status_code, w.json()["code"]) for w in wrong] == [(401, "invalid_mfa_code")] * 5
    assert (right_too_late.status_code, right_too_late.json()["code"]) == (401, "invalid_mfa_token")
    # A new sign-in still works: the voided token was one sign-in's, not the profile's.
    assert (await portal.sign_in(person)).access_token


async def test_an_expired_or_unknown_mfa_token_is_refused(portal: Any, db: asyncpg.Pool) -> None:
    person = await portal.staff("operator", signed_in=False)
    mfa_token = await first_step(portal, person)
    await db.execute(
        "UPDATE mfa_challenges SET expires_at = now() - interval '1 second' WHERE user_id = $1::uuid", person.user_id
    )

    expired = await second_step(portal, mfa_token, await totp_code(person.otpauth_uri))
    unknown = await second_step(portal, "x" * 43, "123456")

    for answer in (expired, unknown):
        assert (answer.status_code, answer.json()["code"]) == (401, "invalid_mfa_token")


async def test_wrong_codes_count_as_failed_sign_ins_and_a_right_password_does_not_clear_them(portal: Any) -> None:
    person = await portal.staff("operator", signed_in=False)

    for _ in range(2):  # two sign-ins, five wrong codes each: the account's ten failures
        mfa_token = await first_step(portal, person)
        for _ in range(5):
            assert (await second_step(portal, mfa_token, wrong_code(person))).status_code == 401

    locked = await portal.post("/auth/login", {"email": person.email, "password": person.password})
    assert (locked.status_code, locked.json()["code"]) == (429, "too_many_attempts")


async def test_a_staff_session_ends_at_its_maximum_refreshes_included(
    portal: Any, db: asyncpg.Pool, serve: Any
) -> None:
    async with serve(staff_session_max_s=120) as short:
        person = await portal.staff("operator", signed_in=False)
        await portal.sign_in(person, client=short)
        token = claims(person.access_token)
        assert token["exp"] - int(token["iat"]) <= 120
        session_id = token["sid"]
        ends_at = await db.fetchval("SELECT expires_at FROM sessions WHERE id = $1::uuid", session_id)
        assert ends_at is not None

        await db.execute("UPDATE sessions SET expires_at = now() WHERE id = $1::uuid", session_id)
        refreshed = await portal.post("/auth/refresh", {"refresh_token": person.refresh_token}, client=short)
        profile = await portal.get("/profile", person.access_token)

    assert (refreshed.status_code, refreshed.json()["code"]) == (401, "session_expired")
    assert profile.status_code == 401


async def test_refresh_within_a_staff_session_never_outlives_it(portal: Any, db: asyncpg.Pool) -> None:
    person = await portal.staff("operator")
    sid = claims(person.access_token)["sid"]
    await db.execute("UPDATE sessions SET expires_at = now() + interval '100 seconds' WHERE id = $1::uuid", sid)

    refreshed = await portal.post("/auth/refresh", {"refresh_token": person.refresh_token})

    assert refreshed.status_code == 200, refreshed.text
    assert refreshed.json()["expires_in"] <= 100
    renewed = claims(refreshed.json()["access_token"])
    assert renewed["exp"] - int(renewed["iat"]) <= 100


# --- Staff management -------------------------------------------------------------------------


async def test_a_supervisor_invites_and_the_invited_person_enrols_and_signs_in(portal: Any) -> None:
    supervisor = await portal.staff("supervisor")
    email = portal.new_email()

    invited = await invite(portal, supervisor, email)
    token = await invitation_token(portal, email)
    enrolled = await accept(portal, token)
    twice = await accept(portal, token)

    assert invited.status_code == 201, invited.text
    assert (invited.json()["email"], invited.json()["role"]) == (email, "operator")
    assert enrolled.status_code == 200, enrolled.text
    body = enrolled.json()
    assert body["otpauth_uri"].startswith("otpauth://totp/") and len(set(body["recovery_codes"])) == 10
    assert body["qr_svg"].startswith("<svg") and "<script" not in body["qr_svg"]
    assert (twice.status_code, twice.json()["code"]) == (400, "invalid_token")
    person = portal.person(email)
    person.otpauth_uri = body["otpauth_uri"]
    signed_in = await portal.sign_in(person)
    assert claims(signed_in.access_token)["role"] == "operator"
    profile = (await portal.get("/profile", signed_in.access_token)).json()
    assert (profile["role"], profile["email_confirmed"]) == ("operator", True)


async def test_no_address_is_ever_both_invited_and_taken(portal: Any, db: asyncpg.Pool) -> None:
    supervisor = await portal.staff("supervisor")
    subscriber = await portal.signed_in()

    taken = await invite(portal, supervisor, subscriber.email.upper())
    # Registered between the invitation and its acceptance: refused, nothing made.
    email = portal.new_email()
    assert (await invite(portal, supervisor, email)).status_code == 201
    token = await invitation_token(portal, email)
    await portal.register(email)
    late = await accept(portal, token)

    assert (taken.status_code, taken.json()["code"]) == (409, "address_taken")
    assert (late.status_code, late.json()["code"]) == (409, "address_taken")
    assert await db.fetchval("SELECT role FROM users WHERE lower(email) = lower($1)", email) == "subscriber"


async def test_a_weak_or_mismatched_password_is_refused_and_the_link_still_works(portal: Any) -> None:
    supervisor = await portal.staff("supervisor")
    email = portal.new_email()
    await invite(portal, supervisor, email, "supervisor")
    token = await invitation_token(portal, email)

    weak = await accept(portal, token, "12345678")
    mismatch = await portal.post(
        "/staff/invitations/accept", {"token": token, "password": portal.password, "password_confirm": "другой"}
    )
    fine = await accept(portal, token)

    assert weak.status_code == 422 and mismatch.json()["code"] == "password_mismatch"
    assert fine.status_code == 200


async def test_only_supervisors_manage_staff(portal: Any) -> None:
    operator = await portal.staff("operator")
    subscriber = await portal.signed_in()
    target = str(uuid.uuid4())

    for who in (operator, subscriber):
        calls = [
            await portal.get("/staff", who.access_token),
            await invite(portal, who, portal.new_email()),
            await portal.post(f"/staff/{target}/disable", {}, token=who.access_token),
            await portal.post(f"/staff/{target}/enable", {}, token=who.access_token),
            await portal.post(f"/staff/{target}/reset-mfa", {}, token=who.access_token),
        ]
        assert [c.status_code for c in calls] == [403] * 5, [c.text for c in calls]


async def test_the_staff_list_and_disabling_ends_every_session_at_once(portal: Any, db: asyncpg.Pool) -> None:
    supervisor = await portal.staff("supervisor")
    operator = await portal.staff("operator")

    listed = await portal.get("/staff?limit=200", supervisor.access_token)
    disabled = await portal.post(f"/staff/{operator.user_id}/disable", {}, token=supervisor.access_token)
    profile = await portal.get("/profile", operator.access_token)
    refreshed = await portal.post("/auth/refresh", {"refresh_token": operator.refresh_token})
    sign_in = await portal.post("/auth/login", {"email": operator.email, "password": operator.password})
    wrong = await portal.post("/auth/login", {"email": operator.email, "password": "Не-тот-пароль-2026"})

    assert listed.status_code == 200
    row = next(r for r in listed.json() if r["user_id"] == operator.user_id)
    assert row["email"] == operator.email and row["role"] == "operator"
    assert row["status"] == "active" and row["mfa_enrolled"] is True and row["last_sign_in_at"]
    assert all(r["role"] in ("operator", "supervisor") for r in listed.json())
    assert disabled.status_code == 200 and disabled.json()["status"] == "disabled"
    assert profile.status_code == 401
    assert (refreshed.status_code, refreshed.json()["code"]) == (401, "session_expired")
    assert (sign_in.status_code, sign_in.json()["code"]) == (403, "account_disabled")
    assert (wrong.status_code, wrong.json()["code"]) == (401, "invalid_credentials")
    revoked = await db.fetch("SELECT session_id FROM revocations WHERE user_id = $1::uuid", operator.user_id)
    assert [r["session_id"] for r in revoked] == [None]  # one revocation for all its sessions

    enabled = await portal.post(f"/staff/{operator.user_id}/enable", {}, token=supervisor.access_token)
    assert enabled.status_code == 200 and enabled.json()["status"] == "active"
    assert (await portal.sign_in(operator)).access_token


async def test_not_on_oneself_and_not_on_a_subscriber(portal: Any) -> None:
    supervisor = await portal.staff("supervisor")
    subscriber = await portal.signed_in()

    for action in ("disable", "enable", "reset-mfa"):
        own = await portal.post(f"/staff/{supervisor.user_id}/{action}", {}, token=supervisor.access_token)
        other = await portal.post(f"/staff/{subscriber.user_id}/{action}", {}, token=supervisor.access_token)
        assert (own.status_code, own.json()["code"]) == (409, "staff_self")
        assert (other.status_code, other.json()["code"]) == (404, "not_found")
    assert (await portal.get("/profile", supervisor.access_token)).status_code == 200


async def test_reset_mfa_ends_sessions_and_the_letter_re_enrols_with_a_new_password(portal: Any) -> None:
    supervisor = await portal.staff("supervisor")
    operator = await portal.staff("operator")
    old_uri = operator.otpauth_uri

    reset = await portal.post(f"/staff/{operator.user_id}/reset-mfa", {}, token=supervisor.access_token)
    profile = await portal.get("/profile", operator.access_token)
    sign_in = await portal.post("/auth/login", {"email": operator.email, "password": operator.password})
    token = await invitation_token(portal, operator.email)
    letter = (await portal.letters(operator.email, STAFF_LETTER))[-1]
    enrolled = await accept(portal, token, NEW_PASSWORD)

    assert reset.status_code == 200 and reset.json()["mfa_enrolled"] is False
    assert profile.status_code == 401
    assert (sign_in.status_code, sign_in.json()["code"]) == (403, "mfa_enrolment_required")
    assert letter["params"]["renewal"] is True
    assert enrolled.status_code == 200, enrolled.text
    assert enrolled.json()["otpauth_uri"] != old_uri
    old_password = await portal.post("/auth/login", {"email": operator.email, "password": operator.password})
    assert old_password.status_code == 401
    operator.password, operator.otpauth_uri = NEW_PASSWORD, enrolled.json()["otpauth_uri"]
    assert claims((await portal.sign_in(operator)).access_token)["sub"] == operator.user_id


async def test_secrets_are_stored_sealed_or_hashed_and_never_published(portal: Any, db: asyncpg.Pool) -> None:
    person = await portal.staff("operator")
    secret = pyotp.parse_uri(person.otpauth_uri).secret

    sealed = await db.fetchval("SELECT totp_secret_sealed FROM staff_factors WHERE user_id = $1::uuid", person.user_id)
    hashes = {
        r["code_hash"]
        for r in await db.fetch("SELECT code_hash FROM recovery_codes WHERE user_id = $1::uuid", person.user_id)
    }
    outbox = "".join(r["body"] for r in await db.fetch("SELECT body FROM outbox"))

    assert secret.encode() not in bytes(sealed)
    assert len(hashes) == 10 and not hashes & {c.replace("-", "") for c in person.recovery_codes}
    assert secret not in outbox
    assert not any(code in outbox for code in person.recovery_codes)


async def test_staff_sign_ins_and_management_are_in_identitys_audit_chain(portal: Any, db: asyncpg.Pool) -> None:
    supervisor = await portal.staff("supervisor")
    operator = await portal.staff("operator")
    mfa_token = await first_step(portal, operator)
    await second_step(portal, mfa_token, wrong_code(operator))
    await portal.post(f"/staff/{operator.user_id}/disable", {}, token=supervisor.access_token)
    await portal.get("/staff", supervisor.access_token)

    rows = await db.fetch(
        "SELECT actor_user_id::text AS actor, action, object_id, outcome FROM audit_records"
        " WHERE actor_user_id IN ($1::uuid, $2::uuid) ORDER BY id",
        supervisor.user_id,
        operator.user_id,
    )
    story = [(r["actor"], r["action"], r["outcome"]) for r in rows]

    assert (operator.user_id, "staff.sign_in.totp", "ok") in story
    assert (operator.user_id, "staff.sign_in.totp", "refused:invalid_mfa_code") in story
    assert (supervisor.user_id, "staff.disable", "ok") in story
    assert (supervisor.user_id, "staff.list", "ok") in story
    assert any(r["action"] == "staff.read" and r["object_id"] == operator.user_id for r in rows)
