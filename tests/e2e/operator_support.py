"""The supplier's staff in end-to-end tests (test_accounts_flow.py, test_web_operator.py,
test_staff.py…): one made as `make operator` makes it, with the second factor it printed (the
`otpauth://` line and the recovery codes: `StaffMember.sign_in` does both steps through the
gateway), the second step of «Авторизация» in a browser, and the operator's lookup of billing's
registry."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import httpx
from playwright.async_api import Page

from lka_common.testing import events
from lka_common.testing.portal import PASSWORD, StaffMember, totp_code

CODE_FIELD = "Код из приложения"


async def make_operator(
    env: dict[str, str], email: str, password: str = PASSWORD, role: str = "operator"
) -> StaffMember:
    """A confirmed staff profile (`operator` unless told): `lka_identity.entrypoints.operator` run
    as a process against the identity database of the stack whose environment `env` is; what it
    printed gives the second factor."""
    argv = ("-m", "lka_identity.entrypoints.operator", "--email", email, "--password", password, "--role", role)
    for _ in range(5):
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            *argv,
            env={**env, "PATH": "/usr/bin:/bin"},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await asyncio.wait_for(child.communicate(), timeout=60)
        # On a machine shared with other test runs PostgreSQL's slots can all be taken a moment.
        if b"remaining connection slots" not in output:
            break
        await asyncio.sleep(3)
    assert child.returncode == 0, output.decode(errors="replace")
    return StaffMember.from_output(email, password, output.decode())


async def enter_code(page: Page, member: StaffMember) -> None:
    """The second step of «Авторизация» for staff: the code from the app, «Войти»."""
    field = page.get_by_label(CODE_FIELD)
    await field.wait_for()
    await field.fill(await totp_code(member.otpauth_uri))
    await page.get_by_role("button", name="Войти").click()


async def registry_entry(
    http: httpx.AsyncClient, operator: dict[str, str], account: tuple[str, str], timeout: float = 20
) -> dict[str, Any]:
    """The operator's lookup of an account (region code, number), once billing's event about it
    has been taken in; polled every 0.3 s for up to `timeout` seconds."""
    region, number = account

    async def probe() -> dict[str, Any] | None:
        response = await http.get(f"/api/v1/operator/billing-accounts/{region}/{number}", headers=operator)
        assert response.status_code in (200, 404), response.text
        return response.json() if response.status_code == 200 else None

    found: dict[str, Any] = await events.eventually(
        probe, f"billing account {region}/{number} in the registry", timeout=timeout, interval=0.3
    )
    return found
