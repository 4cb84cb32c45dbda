"""Who the abuse suite calls as: the run's secrets, its signed-in users, the seeded ids, the sign-ins.

Every password, access and refresh token, confirmation and reset token and full card number
the suite sends is written down in `Secrets` when it is made, so the leak scan
(test_leaks.py) can look for exactly those in the logs and the database dumps.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx
from abuse_support import V1

from lka_common.testing.portal import CONFIRMATION_SUBJECT, StaffMember, letter, token_from, totp_code
from lka_common.testing.stack import Stack


@dataclass
class Secrets:
    """What must never appear in a log line or a database row, by kind."""

    found: dict[str, set[str]] = field(default_factory=dict)

    def add(self, kind: str, value: str) -> str:
        self.found.setdefault(kind, set()).add(value)
        return value

    def tokens(self, pair: dict[str, Any]) -> dict[str, Any]:
        """Remember an access/refresh pair from a sign-in or a refresh."""
        self.add("access token", pair["access_token"])
        self.add("refresh token", pair["refresh_token"])
        return pair

    def needles(self) -> list[tuple[str, str]]:
        """(kind, text) pairs to look for: each secret as sent and as it would look written
        into JSON with ASCII escapes or percent-encoded into a URL; an access token's
        signature alone too (a token cut in the middle still gives itself away)."""
        out: set[tuple[str, str]] = set()
        for kind, values in self.found.items():
            for value in values:
                forms = {value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1], quote(value)}
                if kind == "card number":
                    forms |= {value.replace(" ", ""), value.replace(" ", "-")}
                if kind == "access token":
                    forms.add(value.rsplit(".", 1)[-1])
                out |= {(kind, form) for form in forms if len(form) >= 8}
        return sorted(out)


@dataclass
class Actor:
    email: str
    password: str
    access_token: str
    refresh_token: str
    user_id: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


@dataclass
class World:
    """Who is signed in and the ids of their objects (see abuse_world.seed_world)."""

    alice: Actor
    bob: Actor
    dave: Actor  # fuzzed by destructive calls (DELETE, logout), so alice's objects stay
    sam: Actor  # the stateful run's subscriber
    operator: Actor
    alice_account: str
    alice_request: str
    alice_meter: str
    alice_reading: str
    alice_payment: str
    alice_card: str
    alice_second_account: str
    alice_basket: str
    alice_bill: str
    alice_appeal: str
    alice_attachment: str
    bob_account: str
    bob_request: str
    bob_payment: str
    bob_appeal: str
    bob_attachment: str
    dave_account: str
    dave_request: str
    dave_card: str
    dave_appeal: str
    refund: str  # the operator's, of part of bob's payment
    reconciled_day: str  # a day the operator reconciled (YYYY-MM-DD)


def new_password() -> str:
    # Random per run, so a match in a dump is this run's secret and nothing else.
    return f"Abuse-{secrets.token_urlsafe(12)}-Пароль"


def new_email(name: str) -> str:
    return f"abuse-{name}-{uuid.uuid4().hex[:8]}@example.ru"


def checked(response: httpx.Response, *statuses: int) -> Any:
    assert response.status_code in statuses, f"{response.request.method} {response.request.url}: {response.text}"
    return response.json() if response.content else None


async def register(http: httpx.AsyncClient, stack: Stack, vault: Secrets, name: str) -> tuple[str, str]:
    """A confirmed subscriber: (e-mail, password)."""
    email, password = new_email(name), vault.add("password", new_password())
    body = {"email": email, "password": password, "password_confirm": password, "personal_data_consent": True}
    checked(await http.post(f"{V1}/auth/register", json=body), 201)
    token = vault.add(
        "confirmation token", token_from(await letter(http, stack.mail, email, CONFIRMATION_SUBJECT), "/confirm-email")
    )
    checked(await http.post(f"{V1}/auth/email/confirm", json={"token": token}), 200)
    return email, password


async def sign_in(http: httpx.AsyncClient, vault: Secrets, email: str, password: str) -> Actor:
    credentials = {"email": email, "password": password}
    pair = vault.tokens(checked(await http.post(f"{V1}/auth/login", json=credentials), 200))
    # A refresh right away: the actor goes on with the rotated pair, the first one is spent.
    rotated = await http.post(f"{V1}/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    pair = vault.tokens(checked(rotated, 200))
    headers = {"Authorization": f"Bearer {pair['access_token']}"}
    profile = checked(await http.get(f"{V1}/profile", headers=headers), 200)
    return Actor(email, password, pair["access_token"], pair["refresh_token"], str(profile["user_id"]))


def make_operator(env: dict[str, str], email: str, password: str) -> StaffMember:
    """`make operator`: a confirmed user with the operator role in the stack's identity database,
    with the second factor it printed (tried again a few times: on a machine shared with other
    test runs, PostgreSQL's 100 connections can be all taken for a moment)."""
    argv = [sys.executable, "-m", "lka_identity.entrypoints.operator", "--email", email, "--password", password]
    for _ in range(5):
        done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60, check=False)
        if done.returncode == 0 or "remaining connection slots" not in done.stderr:
            break
        time.sleep(3)
    assert done.returncode == 0, done.stdout + done.stderr
    return StaffMember.from_output(email, password, done.stdout)


async def sign_in_staff(http: httpx.AsyncClient, vault: Secrets, member: StaffMember) -> Actor:
    """Both steps of a staff sign-in; the second factor's secrets (the TOTP key, the recovery
    codes, the step's token and code) go to the leak scan with the rest."""
    vault.add("totp secret", member.otpauth_uri.split("secret=", 1)[1].split("&", 1)[0])
    for code in member.recovery_codes:
        vault.add("recovery code", code)
    credentials = {"email": member.email, "password": member.password}
    first = checked(await http.post(f"{V1}/auth/login", json=credentials), 200)
    second = {"mfa_token": vault.add("mfa token", first["mfa_token"]), "code": await totp_code(member.otpauth_uri)}
    pair = vault.tokens(checked(await http.post(f"{V1}/auth/login/mfa", json=second), 200))
    headers = {"Authorization": f"Bearer {pair['access_token']}"}
    profile = checked(await http.get(f"{V1}/profile", headers=headers), 200)
    return Actor(member.email, member.password, pair["access_token"], pair["refresh_token"], str(profile["user_id"]))
