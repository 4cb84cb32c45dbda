"""Confirming the e-mail address: the link from the letter, once; and sending it again."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest


async def test_the_confirmation_link_confirms_the_address_once_and_then_says_it_is_confirmed(portal: Any) -> None:
    person = await portal.register()
    token = await portal.confirmation_token(person.email)

    first = await portal.post("/auth/email/confirm", {"token": token})
    second = await portal.post("/auth/email/confirm", {"token": token})

    assert first.status_code == 200
    assert first.json()["message"].startswith("Адрес электронной почты подтвержден")
    # The letter's link opened again: only the mailbox had it, so this tells nobody anything.
    assert second.status_code == 200
    assert second.json() == {"message": "Адрес электронной почты уже подтвержден. Войдите в личный кабинет"}
    books = await portal.messages(person.user_id, "notifications.address_book.update.v1")
    assert [b["data"]["confirmed"] for b in books] == [False, True]
    signed_in = await portal.sign_in(person)
    profile = await portal.get("/profile", signed_in.access_token)
    assert profile.json()["email_confirmed"] is True


async def test_an_older_letters_link_after_the_newer_one_says_it_is_confirmed(portal: Any) -> None:
    person = await portal.register()
    older = await portal.confirmation_token(person.email)
    assert (await portal.post("/auth/email/resend", {"email": person.email})).status_code == 202
    newer = await portal.confirmation_token(person.email)
    assert newer != older

    assert (
        (await portal.post("/auth/email/confirm", {"token": newer}))
        .json()["message"]
        .startswith("Адрес электронной почты подтвержден")
    )
    again = await portal.post("/auth/email/confirm", {"token": older})

    assert (again.status_code, again.json()["message"]) == (
        200,
        "Адрес электронной почты уже подтвержден. Войдите в личный кабинет",
    )
    books = await portal.messages(person.user_id, "notifications.address_book.update.v1")
    assert [b["data"]["confirmed"] for b in books] == [False, True]


async def test_a_used_link_past_its_expiry_or_of_a_merged_profile_is_400(portal: Any, db: asyncpg.Pool) -> None:
    expired = await portal.register()
    expired_token = await portal.confirmation_token(expired.email)
    assert (await portal.post("/auth/email/confirm", {"token": expired_token})).status_code == 200
    await db.execute(
        "UPDATE one_time_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1::uuid", expired.user_id
    )
    target = await portal.signed_in()
    merged = await portal.register()
    merged_token = await portal.confirmation_token(merged.email)
    assert (await portal.post("/auth/email/confirm", {"token": merged_token})).status_code == 200
    body = {"email": merged.email, "password": merged.password}
    assert (await portal.post("/profile/merge", body, token=target.access_token)).status_code == 200

    for token in (expired_token, merged_token):
        response = await portal.post("/auth/email/confirm", {"token": token})
        assert (response.status_code, response.json()["code"]) == (400, "invalid_token")


@pytest.mark.parametrize("token", ["x" * 43, "not a token at all", "a" * 300])
async def test_unknown_confirmation_tokens_are_400_invalid_token(portal: Any, token: str) -> None:
    response = await portal.post("/auth/email/confirm", {"token": token})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_token"


async def test_an_expired_confirmation_token_is_400(portal: Any, db: asyncpg.Pool) -> None:
    person = await portal.register()
    token = await portal.confirmation_token(person.email)
    await db.execute(
        "UPDATE one_time_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1::uuid", person.user_id
    )

    response = await portal.post("/auth/email/confirm", {"token": token})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_token"


async def test_signing_in_before_confirming_is_403_email_not_confirmed(portal: Any) -> None:
    person = await portal.register()

    response = await portal.post("/auth/login", {"email": person.email, "password": person.password})

    assert response.status_code == 403
    assert response.json()["code"] == "email_not_confirmed"


async def test_resend_sends_a_new_letter_only_to_a_known_unconfirmed_address(portal: Any) -> None:
    waiting = await portal.register()
    confirmed = await portal.signed_in()
    before = {p.email: len(await portal.letters(p.email)) for p in (waiting, confirmed)}

    answers = [
        await portal.post("/auth/email/resend", {"email": email})
        for email in (waiting.email, confirmed.email, portal.new_email())
    ]

    assert {(a.status_code, a.json()["message"]) for a in answers} == {
        (202, "Если адрес зарегистрирован и еще не подтвержден, на него будет направлено письмо для подтверждения")
    }
    assert len(await portal.letters(waiting.email)) == before[waiting.email] + 1
    assert len(await portal.letters(confirmed.email)) == before[confirmed.email]
    # The new letter's link works (the older one too, until either is used).
    response = await portal.post("/auth/email/confirm", {"token": await portal.confirmation_token(waiting.email)})
    assert response.status_code == 200


async def test_letters_to_one_address_are_capped_silently(portal: Any) -> None:
    person = await portal.register()

    answers = [await portal.post("/auth/email/resend", {"email": person.email}) for _ in range(8)]

    assert {a.status_code for a in answers} == {202}
    # The registration letter and four resent ones: five an hour (the default cap).
    assert len(await portal.letters(person.email, "email_confirmation")) == 5
