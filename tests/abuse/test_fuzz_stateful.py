"""schemathesis's stateful run over the gateway's document: chains of calls as sam (test_fuzz.py's rules)."""

from __future__ import annotations

import json
import os
import time
import uuid
from typing import Any

import requests
import schemathesis
from abuse_actors import Actor, Secrets, World
from abuse_support import MERGED, V1
from abuse_world import SAM_ACCOUNT
from fuzz_rules import CONFIG, caller_headers, checks_for, label
from hypothesis import HealthCheck, settings
from schemathesis.generation.case import Case

from lka_common.testing.stack import Stack

STATEFUL_SCENARIOS = int(os.environ.get("LKA_ABUSE_STATEFUL_SCENARIOS", "100"))


def stateful_schema() -> Any:
    """The gateway's document with the stateful phase on, so schemathesis infers the links
    between its calls (GET /accounts → account_id → the account's meters, readings…)."""
    config = json.loads(json.dumps(CONFIG))
    config["phases"]["stateful"] = {"enabled": True, "max-steps": 8}
    document = json.loads(json.dumps(MERGED))
    document["info"]["x-lka-target"] = "gateway"
    return schemathesis.openapi.from_dict(document, config=schemathesis.Config.from_dict(config))


def wait_until(probe: Any, what: str, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not probe():
        assert time.monotonic() < deadline, f"not within {timeout} s: {what}"
        time.sleep(0.1)


def settle_link(gateway: str, actor: Actor, account_id: str, linked: bool) -> None:
    """Wait until readings and payments agree with accounts about the link (they learn of it
    from `accounts.account.linked.v1` / `unlinked.v1`, a few milliseconds later)."""
    expected = 200 if linked else 404
    for tail in ("meters", "payments"):
        url = f"{gateway}{V1}/accounts/{account_id}/{tail}"
        wait_until(
            lambda url=url: requests.get(url, headers=actor.headers, timeout=15).status_code == expected,
            f"{tail} of {account_id} {'linked' if linked else 'unlinked'}",
        )


def test_stateful(abuse_stack: Stack, world: World, vault: Secrets) -> None:
    """Chains of calls, so use_after_free (a removed account's meters, readings, payments must
    be 404 after DELETE) and ensure_resource_availability (a linked account's sub-resources
    must be there) have something to judge. One subscriber, sam, makes every subscriber call,
    so the ids one call returns are his in the next. Between a link or an unlink and the next
    call the machine waits until readings and payments have heard of it: they learn of it from
    the accounts service's event, milliseconds later, and the checks are about what the API
    shows, not about that delay. Each scenario starts with sam's demo account linked."""
    gateway, sam = abuse_stack.gateway, world.sam
    region, number, letters = SAM_ACCOUNT

    class Machine(stateful_schema().as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            body = {"region_code": region, "number": number, "surname_prefix": letters}
            linked = requests.post(f"{gateway}{V1}/accounts", json=body, headers=sam.headers, timeout=15)
            assert linked.status_code in (201, 409), linked.text
            if linked.status_code == 201:
                settle_link(gateway, sam, str(linked.json()["account"]["id"]), linked=True)

        def get_call_kwargs(self, case: Case) -> dict[str, Any]:
            headers = caller_headers(case, world, gateway, vault, subscriber=sam)
            return {"base_url": gateway, "headers": {**headers, "X-Request-ID": f"abuse-{uuid.uuid4()}"}}

        def after_call(self, response: Any, case: Case) -> None:
            super().after_call(response, case)
            op = label(case)
            if op == "POST /accounts" and response.status_code == 201:
                settle_link(gateway, sam, str(response.json()["account"]["id"]), linked=True)
            if op == "DELETE /accounts/{account_id}" and response.status_code == 200:
                settle_link(gateway, sam, str(case.path_parameters["account_id"]), linked=False)

        def validate_response(self, response: Any, case: Case, additional_checks: Any = None, **kwargs: Any) -> None:
            if any(value in (None, "None") for value in (case.path_parameters or {}).values()):
                # A link carried a null id (an appeal filed without an account has `account_id:
                # null`): `/accounts/None/…` is no call a client makes, and its 422 judges nothing.
                return
            case.validate_response(
                response,
                headers=kwargs.get("headers"),
                transport_kwargs=kwargs,
                recorder=self.recorder,
                **checks_for(case),
            )

    Machine.run(
        settings=settings(
            max_examples=STATEFUL_SCENARIOS,
            stateful_step_count=8,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
    )
