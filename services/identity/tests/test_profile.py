"""The profile: reading it, changing the password, and merging another profile into it
(the manual's «Профиль» and «Объединение учетных записей»; docs/contract.md §2)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import asyncpg
import jwt

NEW_PASSWORD = "Новый-надёжный-пароль-2026"
OTHER_PASSWORD = "Второй-профиль-пароль-2026"


def sid_of(token: str) -> str:
    return str(jwt.decode(token, options={"verify_signature": False})["sid"])


async def test_the_profile_shows_who_is_signed_in(portal: Any) -> None:
    person = await portal.signed_in()

    response = await portal.get("/profile", person.access_token)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"user_id", "email", "email_confirmed", "created_at", "role"}
    assert (body["user_id"], body["email"], body["email_confirmed"], body["role"]) == (
        person.user_id,
        person.email,
        True,
        "subscriber",
    )
    assert datetime.fromisoformat(body["created_at"]).tzinfo is not None


async def test_changing_the_password_ends_the_other_sessions_only(portal: Any) -> None:
    person = await portal.signed_in()
    other = await portal.sign_in(portal.person(person.email, person.password))

    response = await portal.post(
        "/profile/password",
        {"current_password": person.password, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
        token=person.access_token,
    )

    assert response.status_code == 200
    assert response.json() == {"message": "Пароль успешно изменен"}
    assert (await portal.get("/profile", person.access_token)).status_code == 200
    assert (await portal.get("/profile", other.access_token)).status_code == 401
    assert (await portal.post("/auth/refresh", {"refresh_token": other.refresh_token})).status_code == 401
    assert (await portal.post("/auth/refresh", {"refresh_token": person.refresh_token})).status_code == 200
    revoked = await portal.messages(person.user_id, "identity.session.revoked.v1")
    assert [m["data"]["session_id"] for m in revoked] == [sid_of(other.access_token)]
    assert len(await portal.letters(person.email, "password_changed")) == 1
    signed_in = await portal.post("/auth/login", {"email": person.email, "password": NEW_PASSWORD})
    assert signed_in.status_code == 200


async def test_a_wrong_current_password_is_422_and_changes_nothing(portal: Any) -> None:
    person = await portal.signed_in()

    response = await portal.post(
        "/profile/password",
        {"current_password": "Не-тот-пароль-2026", "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
        token=person.access_token,
    )

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_current_password"
    assert response.json()["errors"] == [{"field": "current_password", "message": "Неверный текущий пароль"}]
    assert (await portal.post("/auth/login", {"email": person.email, "password": person.password})).status_code == 200


async def test_a_weak_new_password_is_422_weak_password(portal: Any) -> None:
    person = await portal.signed_in()

    response = await portal.post(
        "/profile/password",
        {"current_password": person.password, "password": "пароль123", "password_confirm": "пароль123"},
        token=person.access_token,
    )

    assert response.status_code == 422
    assert response.json()["code"] == "weak_password"


async def test_merging_takes_over_the_other_profile_in_one_step(portal: Any, db: asyncpg.Pool) -> None:
    target = await portal.signed_in()
    source = await portal.signed_in(password=OTHER_PASSWORD)

    response = await portal.post(
        "/profile/merge", {"email": source.email, "password": OTHER_PASSWORD}, token=target.access_token
    )

    assert response.status_code == 200
    assert response.json() == {"message": "Учетные записи объединены"}
    row = await db.fetchrow("SELECT merged_into, merged_at FROM users WHERE id = $1::uuid", source.user_id)
    assert str(row["merged_into"]) == target.user_id and row["merged_at"] is not None
    (merged,) = await portal.messages(target.user_id, "identity.profiles.merged.v1")
    assert merged["data"]["target_user_id"] == target.user_id
    assert merged["data"]["source_user_id"] == source.user_id
    (revoked,) = await portal.messages(source.user_id, "identity.session.revoked.v1")
    assert revoked["data"]["session_id"] is None
    # The merged profile is gone for sign-in: its right password is told where it went
    # (test_signin.py), any other answers as an unknown address.
    assert (await portal.get("/profile", source.access_token)).status_code == 401
    assert (await portal.post("/auth/refresh", {"refresh_token": source.refresh_token})).status_code == 401
    merged_login = await portal.post("/auth/login", {"email": source.email, "password": OTHER_PASSWORD})
    wrong_login = await portal.post("/auth/login", {"email": source.email, "password": "Не-тот-пароль-2026"})
    unknown_login = await portal.post("/auth/login", {"email": portal.new_email(), "password": OTHER_PASSWORD})
    assert merged_login.status_code == wrong_login.status_code == unknown_login.status_code == 401
    assert merged_login.json()["code"] == "profile_merged"
    assert wrong_login.json() == unknown_login.json()
    assert (await portal.get("/profile", target.access_token)).status_code == 200


async def test_merging_with_a_wrong_password_or_an_unknown_address_is_401(portal: Any) -> None:
    target = await portal.signed_in()
    source = await portal.signed_in(password=OTHER_PASSWORD)

    wrong = await portal.post(
        "/profile/merge", {"email": source.email, "password": "Не-тот-2026"}, token=target.access_token
    )
    unknown = await portal.post(
        "/profile/merge", {"email": portal.new_email(), "password": OTHER_PASSWORD}, token=target.access_token
    )

    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["code"] == "invalid_credentials"
    assert (await portal.get("/profile", source.access_token)).status_code == 200


async def test_merging_oneself_or_an_already_merged_profile_is_409(portal: Any) -> None:
    target = await portal.signed_in()
    source = await portal.signed_in(password=OTHER_PASSWORD)
    third = await portal.signed_in()
    merge = {"email": source.email, "password": OTHER_PASSWORD}
    assert (await portal.post("/profile/merge", merge, token=target.access_token)).status_code == 200

    itself = await portal.post(
        "/profile/merge", {"email": target.email.upper(), "password": target.password}, token=target.access_token
    )
    again = await portal.post("/profile/merge", merge, token=third.access_token)

    assert itself.status_code == again.status_code == 409
    assert itself.json()["code"] == "merge_self"
    assert again.json()["code"] == "already_merged"
    assert again.json()["detail"] == "Эта учетная запись уже объединена с другой"


async def test_two_crossed_merges_at_once_leave_exactly_one_profile(portal: Any, db: asyncpg.Pool) -> None:
    first = await portal.signed_in()
    second = await portal.signed_in(password=OTHER_PASSWORD)

    answers = await asyncio.gather(
        portal.post("/profile/merge", {"email": second.email, "password": OTHER_PASSWORD}, token=first.access_token),
        portal.post("/profile/merge", {"email": first.email, "password": first.password}, token=second.access_token),
    )

    assert sorted(a.status_code for a in answers) in ([200, 401], [200, 409])
    merged = await db.fetchval(
        "SELECT count(*) FROM users WHERE id = ANY($1::uuid[]) AND merged_into IS NOT NULL",
        [first.user_id, second.user_id],
    )
    assert merged == 1
