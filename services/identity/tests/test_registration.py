"""Registration and e-mail confirmation over HTTP (the manual's «Регистрация», docs/contract.md §2)."""

from __future__ import annotations

import re
from typing import Any

import asyncpg
import pytest

REGISTERED = (
    "Создана учетная запись в сервисе «Личный кабинет абонента» ГУП РК «Крымэнерго». "
    "На указанный адрес электронной почты будет направлено письмо для подтверждения почтового ящика."
)


def form(email: str, password: str, confirm: str | None = None, consent: Any = True) -> dict[str, Any]:
    return {
        "email": email,
        "password": password,
        "password_confirm": password if confirm is None else confirm,
        "personal_data_consent": consent,
    }


async def test_registration_answers_with_the_manuals_message_and_queues_the_confirmation_letter(
    portal: Any, db: asyncpg.Pool
) -> None:
    email = portal.new_email()
    client = portal.from_client()

    response = await portal.api.post("/api/v1/auth/register", json=form(email, portal.password), headers=client)

    assert response.status_code == 201
    assert response.json() == {"message": REGISTERED}
    user = await db.fetchrow("SELECT * FROM users WHERE email = $1", email)
    assert user["email_confirmed_at"] is None and user["role"] == "subscriber"
    consent = await db.fetchrow("SELECT * FROM consents WHERE user_id = $1", user["id"])
    assert consent["text_version"] == "pd-consent-2026-11"
    assert consent["client_address"] == client["X-Forwarded-For"]
    assert consent["given_at"] is not None
    kinds = [m["type"] for m in await portal.messages(str(user["id"]))]
    assert kinds == [
        "identity.user.registered.v1",
        "notifications.address_book.update.v1",
        "notifications.letter.send.v1",
    ]
    (book,) = await portal.messages(str(user["id"]), "notifications.address_book.update.v1")
    assert book["data"] == {"user_id": str(user["id"]), "email": email, "confirmed": False}
    (letter,) = await portal.letters(email, "email_confirmation")
    assert letter["user_id"] == str(user["id"])
    assert letter["params"]["valid_hours"] == 24
    link = letter["params"]["link"]
    assert link.startswith("https://lk.example.test/confirm-email?token=")
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", portal.token_of(link))


async def test_registering_a_known_address_answers_the_same_and_warns_its_owner(portal: Any, db: asyncpg.Pool) -> None:
    owner = await portal.register()
    first = await portal.letters(owner.email)

    again = await portal.post("/auth/register", form(owner.email.upper(), "Совсем-другой-пароль-7"))
    fresh = await portal.post("/auth/register", form(portal.new_email(), "Совсем-другой-пароль-7"))

    assert (again.status_code, again.json()) == (fresh.status_code, fresh.json()) == (201, {"message": REGISTERED})
    assert await db.fetchval("SELECT count(*) FROM users WHERE lower(email) = lower($1)", owner.email) == 1
    letters = await portal.letters(owner.email)
    assert [letter["template"] for letter in letters[len(first) :]] == ["registration_repeated"]
    assert letters[-1]["user_id"] == owner.user_id
    registered = await portal.messages(owner.user_id, "identity.user.registered.v1")
    assert len(registered) == 1


async def test_registration_without_consent_is_422_consent_required(portal: Any, db: asyncpg.Pool) -> None:
    email = portal.new_email()

    refused = await portal.post("/auth/register", form(email, portal.password, consent=False))
    missing = await portal.post(
        "/auth/register", {"email": email, "password": portal.password, "password_confirm": portal.password}
    )

    for response in (refused, missing):
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        body = response.json()
        assert body["code"] == "consent_required"
        assert body["detail"] == "Необходимо согласие на обработку персональных данных"
        assert {"field": "personal_data_consent", "message": body["detail"]} in body["errors"]
    assert await db.fetchval("SELECT count(*) FROM users WHERE email = $1", email) == 0


async def test_mismatched_password_confirmation_is_422_password_mismatch(portal: Any) -> None:
    response = await portal.post("/auth/register", form(portal.new_email(), portal.password, "Другой-пароль-2026"))

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "password_mismatch"
    assert body["errors"] == [{"field": "password_confirm", "message": "Пароли не совпадают"}]


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Крым-7", "Пароль должен содержать не менее 8 символов"),
        ("x" * 129, "Пароль должен содержать не более 128 символов"),
        ("qwerty123", "Этот пароль слишком распространен и легко подбирается. Выберите другой"),
        ("1q2w3e4r", "Этот пароль слишком распространен и легко подбирается. Выберите другой"),
        ("ЙцукенГШЩЗ", "Этот пароль слишком распространен и легко подбирается. Выберите другой"),
        ("gfhjkm123", "Этот пароль слишком распространен и легко подбирается. Выберите другой"),
        ("ПАРОЛЬ123", "Этот пароль слишком распространен и легко подбирается. Выберите другой"),
        ("{local}", "Пароль не должен совпадать с адресом электронной почты"),
        ("{email}", "Пароль не должен совпадать с адресом электронной почты"),
    ],
)
async def test_weak_passwords_are_422_weak_password(portal: Any, password: str, message: str) -> None:
    email = f"ivan.petrov.{portal.new_email()}"
    password = password.format(email=email, local=email.partition("@")[0].upper())

    response = await portal.post("/auth/register", form(email, password))

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "weak_password"
    assert body["errors"] == [{"field": "password", "message": message}]


async def test_a_long_passphrase_without_digits_or_capitals_is_accepted(portal: Any) -> None:
    response = await portal.post("/auth/register", form(portal.new_email(), "  светлый вечер над морем  "))

    assert response.status_code == 201


async def test_malformed_registration_bodies_are_422_in_russian(portal: Any) -> None:
    bad_email = await portal.post("/auth/register", form("не-почта", portal.password))
    unknown_field = await portal.post("/auth/register", {**form(portal.new_email(), portal.password), "role": "x"})

    assert bad_email.status_code == unknown_field.status_code == 422
    assert bad_email.json()["errors"] == [{"field": "email", "message": "Некорректный адрес электронной почты"}]
    assert unknown_field.json()["errors"] == [{"field": "role", "message": "Неизвестное поле"}]
