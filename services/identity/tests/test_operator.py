"""`make operator`: the command that creates (or promotes) an operator of the supplier."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import jwt

Command = Callable[..., Awaitable[tuple[int, str, str]]]


async def test_the_operator_command_creates_a_confirmed_operator(portal: Any, command: Command) -> None:
    email = portal.new_email()

    code, out, err = await command("lka_identity.entrypoints.operator", "--email", email, "--password", portal.password)

    assert code == 0, err
    assert f"Создан оператор {email}" in out
    person = await portal.sign_in(portal.person(email))
    assert jwt.decode(person.access_token, options={"verify_signature": False})["role"] == "operator"
    profile = (await portal.get("/profile", person.access_token)).json()
    assert (profile["role"], profile["email_confirmed"]) == ("operator", True)


async def test_the_operator_command_promotes_a_registered_user_keeping_the_password(
    portal: Any, command: Command
) -> None:
    person = await portal.register()

    code, out, err = await command(
        "lka_identity.entrypoints.operator", "--email", person.email, "--password", "Другой-пароль-2026"
    )

    assert code == 0, err
    assert "назначен оператором" in out
    signed_in = await portal.sign_in(person)
    assert jwt.decode(signed_in.access_token, options={"verify_signature": False})["role"] == "operator"
    books = await portal.messages(person.user_id, "notifications.address_book.update.v1")
    assert [b["data"]["confirmed"] for b in books] == [False, True]


async def test_the_operator_command_refuses_a_weak_password_in_russian(portal: Any, command: Command) -> None:
    code, _, err = await command(
        "lka_identity.entrypoints.operator", "--email", portal.new_email(), "--password", "йцукен123"
    )

    assert code != 0
    assert "Пароль не принят" in err
