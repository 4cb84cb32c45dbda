"""The portal as a subscriber uses it, for end-to-end tests: register, read the letters in the
development mail catcher, confirm, sign in; and staff's sign-in with its second factor (the
`otpauth://` line `make operator` prints, codes computed by pyotp).

Client-side only: every function takes an `httpx.AsyncClient` whose base URL is the gateway's
API (`…/api/v1` paths) and, where a letter is read, the mail catcher's base URL.
"""

from __future__ import annotations

import asyncio
import re
import time
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
    """A subscriber's sign-in: the token pair. Staff sign in in two steps (`sign_in_staff`,
    `StaffMember.sign_in`)."""
    response = await http.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    assert "mfa_required" not in response.json(), f"{email} is staff: sign in with sign_in_staff"
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


# --- Staff: the second factor (docs/contract.md §4) ------------------------------------------

STAFF_PASSWORD = "Синий-трамвай-Сотрудник-2026"  # noqa: S105 - the password of throwaway test staff
# The last TOTP time step this process sent a code for, per secret: the server accepts each code
# once (a step later than the last accepted), so a second sign-in in the same 30 s takes the next
# step's code, and a third waits for the clock.
_LAST_STEP: dict[str, int] = {}


def otpauth_uri_in(output: str) -> str:
    """The TOTP enrolment URI `make operator` printed: its line starting `otpauth://`."""
    found = [line.strip() for line in output.splitlines() if line.strip().startswith("otpauth://")]
    assert len(found) == 1, output
    return found[0]


def recovery_codes_in(output: str) -> list[str]:
    """The ten recovery codes `make operator` printed (the indented `xxxx-xxxx-xxxx` lines)."""
    return re.findall(r"^\s+([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})\s*$", output, flags=re.MULTILINE)


async def totp_code(otpauth_uri: str) -> str:
    """A TOTP code computed from the enrolment URI (RFC 6238 by pyotp) that the server has not
    seen yet from this process: the current step's, else the next one's, else after waiting."""
    import pyotp  # a test dependency (lka_common[testing]); the services never compute codes

    totp = pyotp.parse_uri(otpauth_uri)
    assert isinstance(totp, pyotp.TOTP), otpauth_uri
    while True:
        now = time.time()
        step = int(now // totp.interval)
        for candidate in (step, step + 1):
            if candidate > _LAST_STEP.get(totp.secret, -1):
                _LAST_STEP[totp.secret] = candidate
                return totp.generate_otp(candidate)
        await asyncio.sleep((step + 1) * totp.interval - now + 0.05)


async def sign_in_staff(
    http: httpx.AsyncClient, email: str, password: str, otpauth_uri: str, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    """Both steps of a staff sign-in (password, then a TOTP code from the URI): the token pair."""
    first = await http.post("/api/v1/auth/login", json={"email": email, "password": password}, headers=headers)
    assert first.status_code == 200, first.text
    assert first.json().get("mfa_required") is True, first.text
    body = {"mfa_token": first.json()["mfa_token"], "code": await totp_code(otpauth_uri)}
    second = await http.post("/api/v1/auth/login/mfa", json=body, headers=headers)
    assert second.status_code == 200, second.text
    return second.json()  # type: ignore[no-any-return]


@dataclass(frozen=True)
class StaffMember:
    """A staff profile `make operator` made: its address, password, and what the command printed."""

    email: str
    password: str
    otpauth_uri: str
    recovery_codes: list[str]

    @classmethod
    def from_output(cls, email: str, password: str, output: str) -> StaffMember:
        return cls(email, password, otpauth_uri_in(output), recovery_codes_in(output))

    async def sign_in(self, http: httpx.AsyncClient, headers: dict[str, str] | None = None) -> dict[str, str]:
        """Both steps through the gateway (or identity itself): the bearer header."""
        return bearer(await sign_in_staff(http, self.email, self.password, self.otpauth_uri, headers))
