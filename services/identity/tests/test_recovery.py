"""Restoring access by e-mail (the manual's «Восстановление доступа»; docs/quality.md item 3, 4, 6)."""

from __future__ import annotations

import re
from typing import Any

import asyncpg
import pytest

NEW_PASSWORD = "Новый-надёжный-пароль-2026"


def reset_form(token: str, password: str = NEW_PASSWORD, confirm: str | None = None) -> dict[str, str]:
    return {"token": token, "password": password, "password_confirm": password if confirm is None else confirm}


async def test_forgot_answers_the_same_for_known_and_unknown_addresses(portal: Any) -> None:
    person = await portal.signed_in()
    stranger = portal.new_email()

    known = await portal.post("/auth/password/forgot", {"email": person.email})
    unknown = await portal.post("/auth/password/forgot", {"email": stranger})

    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
    assert known.status_code == 202
    assert [letter["template"] for letter in await portal.letters(person.email, "password_reset")] == ["password_reset"]
    assert await portal.letters(stranger) == []


async def test_the_reset_link_is_built_from_configuration_not_from_the_host_header(portal: Any) -> None:
    person = await portal.signed_in()

    response = await portal.api.post(
        "/api/v1/auth/password/forgot",
        json={"email": person.email},
        headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example", **portal.from_client()},
    )

    assert response.status_code == 202
    (letter,) = await portal.letters(person.email, "password_reset")
    assert letter["user_id"] == person.user_id
    assert letter["params"]["valid_hours"] == 1
    assert re.fullmatch(r"https://lk\.example\.test/password/reset\?token=[A-Za-z0-9_-]{43}", letter["params"]["link"])


async def test_a_reset_changes_the_password_ends_every_session_and_sends_a_notice(portal: Any) -> None:
    person = await portal.signed_in()
    second = await portal.sign_in(portal.person(person.email, person.password))
    await portal.post("/auth/password/forgot", {"email": person.email})

    response = await portal.post("/auth/password/reset", reset_form(await portal.reset_token(person.email)))

    assert response.status_code == 200
    assert response.json() == {"message": "Пароль успешно изменен"}
    for session in (person, second):
        assert (await portal.get("/profile", session.access_token)).status_code == 401
        assert (await portal.post("/auth/refresh", {"refresh_token": session.refresh_token})).status_code == 401
    old = await portal.post("/auth/login", {"email": person.email, "password": person.password})
    new = await portal.post("/auth/login", {"email": person.email, "password": NEW_PASSWORD})
    assert (old.status_code, new.status_code) == (401, 200)
    (revoked,) = await portal.messages(person.user_id, "identity.session.revoked.v1")
    assert revoked["data"]["session_id"] is None
    assert [letter["template"] for letter in await portal.letters(person.email, "password_changed")] == [
        "password_changed"
    ]
    revocations = (await portal.get("/internal/revocations")).json()
    assert any(r["user_id"] == person.user_id and r["session_id"] is None for r in revocations)


async def test_a_reset_token_works_once(portal: Any) -> None:
    person = await portal.signed_in()
    await portal.post("/auth/password/forgot", {"email": person.email})
    token = await portal.reset_token(person.email)

    first = await portal.post("/auth/password/reset", reset_form(token))
    again = await portal.post("/auth/password/reset", reset_form(token, "Ещё-один-пароль-2026"))

    assert first.status_code == 200
    assert again.status_code == 400
    assert again.json()["code"] == "invalid_token"


async def test_a_reset_link_is_checked_without_being_spent(portal: Any, db: asyncpg.Pool) -> None:
    person = await portal.signed_in()
    await portal.post("/auth/password/forgot", {"email": person.email})
    token = await portal.reset_token(person.email)

    checks = [await portal.post("/auth/password/reset/check", {"token": token}) for _ in range(2)]

    assert {(c.status_code, c.json()["message"]) for c in checks} == {
        (200, "Ссылка действительна. Придумайте новый пароль")
    }
    assert person.email not in checks[0].text
    spent = "SELECT count(*) FROM one_time_tokens WHERE user_id = $1::uuid AND purpose = $2 AND used_at IS NOT NULL"
    assert await db.fetchval(spent, person.user_id, "password_reset") == 0
    assert (await portal.post("/auth/password/reset", reset_form(token))).status_code == 200
    used = await portal.post("/auth/password/reset/check", {"token": token})
    unknown = await portal.post("/auth/password/reset/check", {"token": "y" * 43})
    confirmation = await portal.post(
        "/auth/password/reset/check", {"token": await portal.confirmation_token(person.email)}
    )
    for refused in (used, unknown, confirmation):
        assert (refused.status_code, refused.json()["code"]) == (400, "invalid_token")
        assert refused.json()["detail"] == "Ссылка недействительна или устарела. Запросите новую"


async def test_wrong_tokens_checked_from_one_client_are_limited(serve: Any, portal: Any) -> None:
    headers = portal.from_client()
    async with serve(token_failures_per_client_per_hour=2) as strict:
        answers = [
            await strict.post("/api/v1/auth/password/reset/check", json={"token": "z" * 43}, headers=headers)
            for _ in range(3)
        ]

    assert [a.status_code for a in answers] == [400, 400, 429]
    assert answers[-1].json()["code"] == "too_many_requests"


async def test_an_expired_or_unknown_reset_token_is_400(portal: Any, db: asyncpg.Pool) -> None:
    person = await portal.signed_in()
    await portal.post("/auth/password/forgot", {"email": person.email})
    token = await portal.reset_token(person.email)
    await db.execute(
        "UPDATE one_time_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1::uuid", person.user_id
    )

    expired = await portal.post("/auth/password/reset", reset_form(token))
    unknown = await portal.post("/auth/password/reset", reset_form("y" * 43))
    confirmation_as_reset = await portal.post(
        "/auth/password/reset", reset_form(await portal.confirmation_token(person.email))
    )

    assert expired.status_code == unknown.status_code == confirmation_as_reset.status_code == 400
    assert {r.json()["code"] for r in (expired, unknown, confirmation_as_reset)} == {"invalid_token"}


@pytest.mark.parametrize(
    ("password", "confirm", "code"),
    [("qwerty123", None, "weak_password"), (NEW_PASSWORD, "Другой-пароль-2026", "password_mismatch")],
)
async def test_a_weak_or_mismatched_new_password_is_422_and_keeps_the_token(
    portal: Any, password: str, confirm: str | None, code: str
) -> None:
    person = await portal.signed_in()
    await portal.post("/auth/password/forgot", {"email": person.email})
    token = await portal.reset_token(person.email)

    refused = await portal.post("/auth/password/reset", reset_form(token, password, confirm))
    accepted = await portal.post("/auth/password/reset", reset_form(token))

    assert refused.status_code == 422
    assert refused.json()["code"] == code
    assert accepted.status_code == 200


async def test_a_reset_confirms_an_unconfirmed_address(portal: Any) -> None:
    person = await portal.register()
    await portal.post("/auth/password/forgot", {"email": person.email})

    await portal.post("/auth/password/reset", reset_form(await portal.reset_token(person.email)))

    response = await portal.post("/auth/login", {"email": person.email, "password": NEW_PASSWORD})
    assert response.status_code == 200
    books = await portal.messages(person.user_id, "notifications.address_book.update.v1")
    assert [b["data"]["confirmed"] for b in books] == [False, True]


async def test_wrong_tokens_from_one_client_are_limited(serve: Any, portal: Any) -> None:
    headers = portal.from_client()
    async with serve(token_failures_per_client_per_hour=2) as strict:
        answers = [
            await strict.post("/api/v1/auth/email/confirm", json={"token": "z" * 43}, headers=headers) for _ in range(3)
        ]

    assert [a.status_code for a in answers] == [400, 400, 429]
    assert int(answers[-1].headers["Retry-After"]) >= 1


async def test_mail_sending_calls_from_one_client_are_limited(serve: Any, portal: Any) -> None:
    headers = portal.from_client()
    async with serve(mail_requests_per_client_per_hour=2) as strict:
        answers = [
            await strict.post("/api/v1/auth/password/forgot", json={"email": portal.new_email()}, headers=headers)
            for _ in range(3)
        ]

    assert [a.status_code for a in answers] == [202, 202, 429]
    assert answers[-1].json()["code"] == "too_many_requests"
