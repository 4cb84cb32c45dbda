"""The supplier's operators in end-to-end tests (test_accounts_flow.py, test_web_operator.py):
one made as `make operator` makes it, and the operator's lookup of billing's registry."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import httpx

from lka_common.testing import events
from lka_common.testing.portal import PASSWORD


async def make_operator(env: dict[str, str], email: str, password: str = PASSWORD) -> None:
    """A confirmed user with the `operator` role: `lka_identity.entrypoints.operator` run as a
    process against the identity database of the stack whose environment `env` is."""
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        *("-m", "lka_identity.entrypoints.operator", "--email", email, "--password", password),
        env={**env, "PATH": "/usr/bin:/bin"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(child.communicate(), timeout=60)
    assert child.returncode == 0, output.decode(errors="replace")


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
