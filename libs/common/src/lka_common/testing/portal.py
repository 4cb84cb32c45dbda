"""The portal as a subscriber uses it, for end-to-end tests: register, read the letters in the
development mail catcher, confirm, sign in.

Client-side only: every function takes an `httpx.AsyncClient` whose base URL is the gateway's
API (`…/api/v1` paths) and, where a letter is read, the mail catcher's base URL.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

PASSWORD = "Синий-трамвай-2026"  # noqa: S105 - the password of throwaway test users, not a secret
CONFIRMATION_SUBJECT = "Подтверждение адреса электронной почты"


def new_address() -> str:
    return f"abonent-{uuid.uuid4().hex[:10]}@example.ru"


async def letter(http: httpx.AsyncClient, mail: str, to: str, subject: str, timeout: float = 20) -> dict[str, Any]:
    """The newest letter to `to` with this subject, waited for up to `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        for message in (await http.get(f"{mail}/api/messages")).json():
            if to in message["to"] and message["subject"] == subject:
                return message  # type: ignore[no-any-return]
        await asyncio.sleep(0.2)
    raise AssertionError(f"no letter {subject!r} to {to}")


def token_from(message: dict[str, Any], path: str) -> str:
    """The token of the link to `path` (e.g. "/confirm-email") in a letter's text."""
    found = re.search(rf"{re.escape(path)}\?token=([A-Za-z0-9_-]+)", message["text"])
    assert found, message["text"]
    return found.group(1)


async def register_and_confirm(http: httpx.AsyncClient, mail: str, email: str, password: str = PASSWORD) -> None:
    body = {"email": email, "password": password, "password_confirm": password, "personal_data_consent": True}
    registered = await http.post("/api/v1/auth/register", json=body)
    assert registered.status_code == 201, registered.text
    token = token_from(await letter(http, mail, email, CONFIRMATION_SUBJECT), "/confirm-email")
    confirmed = await http.post("/api/v1/auth/email/confirm", json={"token": token})
    assert confirmed.status_code == 200, confirmed.text


async def sign_in(http: httpx.AsyncClient, email: str, password: str = PASSWORD) -> dict[str, Any]:
    response = await http.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def bearer(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


@dataclass(frozen=True)
class Subscriber:
    email: str
    password: str
    headers: dict[str, str]  # the bearer token of a fresh sign-in


async def new_subscriber(http: httpx.AsyncClient, mail: str, password: str = PASSWORD) -> Subscriber:
    """A fresh subscriber with a confirmed address, signed in."""
    email = new_address()
    await register_and_confirm(http, mail, email, password)
    return Subscriber(email, password, bearer(await sign_in(http, email, password)))
