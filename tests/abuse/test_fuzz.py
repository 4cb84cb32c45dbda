"""schemathesis over every service's OpenAPI document and the gateway's merged one (issue 11,
docs/quality.md item 9): fixed seed, every check that applies, zero failures.

Where: the whole stack of conftest.py (`lka-dev run` on its own ports, databases and vhost,
rate limits raised for it: see conftest.py). The gateway's document is fuzzed through the
gateway; each service's own document straight at that service's port, with the same
tokens (services verify them themselves, so this also proves nothing relies on the gateway
alone). The documents are built here the way the apps serve them (`build_app().openapi()`,
merged with the gateway's own `merge`), so the tests are collected without a server;
`test_the_documents_fuzzed_are_the_ones_served` proves they equal what the stack serves.

Who calls: the seeded world of abuse_support.py. Subscriber calls go as alice, operator calls
as the operator, calls that destroy (removing an account, signing out, ending sessions) as
dave (a fresh session of his for each sign-out and each session ended by id), so alice's
objects and token stay for the rest of the run. Public calls go without a token, except
`/feedback` (a token is optional there), sent with alice's token for half of the cases. Ids: in
three of four positive cases a path id is swapped for alice's real object of that kind (and
`account_id`, `meter_id` in bodies, the demo account and meter in the anonymous reading form),
so the calls reach real objects and not only the 404 of a random UUID; the fourth keeps the
random one.

Object-level checks with two users: each call of a path with an id that the owner got a 2xx
for is sent again with bob's token (bob is unrelated and has his own account, link request
and payment), and must be 404 problem+json, as for an object that does not exist; each
operator call is sent again with alice's token and must be 403. (schemathesis's own
`object_level_authorization` needs a Web Fuzzing Commons document of users and ids it saw
created in its own stateful runs; the replay here does the same for every seeded object,
and test_bola_matrix.py checks every id path of the document deterministically.)

Checks: every one of schemathesis's that applies, on every operation of every document:
not_a_server_error, status_code_conformance, content_type_conformance,
response_headers_conformance, response_schema_conformance, negative_data_rejection,
positive_data_acceptance, missing_required_header, unsupported_method,
allow_header_conformance, ignored_auth (the documents declare the bearer token; each call
is probed without it and with a forged one), and in `test_stateful` use_after_free and
ensure_resource_availability, which judge chains of calls (schemathesis follows the links it
infers: GET /accounts → account_id → DELETE /accounts/{account_id} → its meters…).
`TURNED_OFF` is where a check would be turned off for an operation, with its reason: it is
empty, nothing is turned off. Two checks are not used: max_response_time (latency is
`make bench`'s, under load, not a fuzzer's on a shared machine) and
object_level_authorization (it reads users from a Web Fuzzing Commons document and picks the
identity per call itself; the replay above does that job with our own users).

What needed no exception, though it looks as if it would:
- linking with a wrong proof answers 202 and a link request (no enumeration, docs/contract.md §2):
  202 is documented, and positive data may get any 2xx;
- `/public/readings` answers the same 404 for every kind of mismatch: documented, and 404 is
  an accepted answer to valid data (the object may not exist);
- rate limits: raised for this stack (conftest.py), so no 429 appears; each limit and its 429
  with Retry-After is documented, and proven by the services' own tests.

One kind of positive_data_acceptance refusal is allowed per operation, in `RULES_BEYOND_SCHEMA`
with the reason for each: a rule of docs/contract.md §2 that a JSON Schema cannot state (a token that
is not ours, two passwords that differ, a region code that is data). And one for every
operation: a string holding U+0000 is 422 (PostgreSQL cannot store it); the documents do not
repeat that on each string, and the fuzzer keeps sending such strings, so a 500 would show.

Seed and size: `SEED`, derandomized, no example database, so a run repeats exactly;
`MAX_EXAMPLES` per operation and phase and `STATEFUL_SCENARIOS` keep the suite near a minute
and a half here (env `LKA_ABUSE_MAX_EXAMPLES` / `LKA_ABUSE_STATEFUL_SCENARIOS` dig deeper by hand).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import uuid
from typing import Any

import pytest
import requests
import schemathesis
from abuse_support import (
    DOCUMENTS,
    MERGED,
    OPERATOR_ROUTES,
    PUBLIC_ROUTES,
    SAM_ACCOUNT,
    SERVICE_PORTS,
    TOKEN_OPTIONAL,
    V1,
    Actor,
    Secrets,
    World,
)
from hypothesis import HealthCheck, settings
from schemathesis.checks import CheckContext
from schemathesis.generation.case import Case

from lka_common.schemas import NUL_REFUSED
from lka_common.testing.stack import SERVICES, Stack

SEED = 20261125
# Per operation and phase; `LKA_ABUSE_MAX_EXAMPLES` digs deeper by hand (CI keeps the default).
MAX_EXAMPLES = int(os.environ.get("LKA_ABUSE_MAX_EXAMPLES", "60"))

CONFIG: dict[str, Any] = {
    "seed": SEED,
    "generation": {
        "max-examples": MAX_EXAMPLES,
        "deterministic": True,
        "database": "none",
        # The tokens are the seeded users' (see `caller_headers`), never generated ones.
        "with-security-parameters": False,
    },
    "phases": {"stateful": {"enabled": False}},
    "request-timeout": 15,
}

# Schema-valid requests that the contract (docs/contract.md §2) refuses by a rule a JSON Schema cannot
# state; positive_data_acceptance allows these statuses for them, and only for them.
RULES_BEYOND_SCHEMA: dict[str, tuple[set[int], str]] = {
    "POST /auth/register": (
        {422},
        "password_mismatch (password_confirm differs), weak_password (under 8 or over 128 characters,"
        " or a common one: the policy answers with its own code, so the schema takes 1-4096) and"
        " consent_required (personal_data_consent false): docs/contract.md §2 gives each its own code",
    ),
    "POST /auth/email/confirm": ({400}, "a token that is not one of ours is 400 invalid_token by contract"),
    "POST /auth/password/reset": (
        {400, 422},
        "a token that is not one of ours is 400 invalid_token; password_mismatch and weak_password as at register",
    ),
    "POST /auth/password/reset/check": ({400}, "a token that is not one of ours is 400 invalid_token, as at reset"),
    "POST /profile/password": ({422}, "password_mismatch and weak_password, as at register"),
    "GET /operator/audit": ({403}, "supervisors only (docs/contract.md §4 Audit): the seeded operator is refused"),
    "POST /auth/login/mfa": ({401}, "an mfa_token that is not one of ours is 401 invalid_mfa_token by contract"),
    "POST /staff/invitations/accept": (
        {400, 422},
        "a token that is not one of ours is 400 invalid_token; password_mismatch and weak_password as at register",
    ),
    **dict.fromkeys(
        (
            "GET /staff",
            "POST /staff/invitations",
            "POST /staff/{user_id}/disable",
            "POST /staff/{user_id}/enable",
            "POST /staff/{user_id}/reset-mfa",
        ),
        ({403}, "supervisors only (docs/contract.md §4 Staff management): the seeded operator is refused"),
    ),
    "POST /profile/email": (
        {422},
        "invalid_current_password (the caller's own password, which the fuzzer does not know) and"
        " email_unchanged (the current address): docs/contract.md §2 gives each its own code",
    ),
    "POST /profile/email/confirm": ({400}, "a token that is not one of ours is 400 invalid_token by contract"),
    "POST /accounts": (
        {422},
        "unknown_region: the region codes are data (GET /regions), not an enum of the document;"
        " exactly one of the two proofs",
    ),
    "PUT /link-requests/{request_id}": ({422}, "the same body and rules as POST /accounts"),
    "POST /accounts/{account_id}/readings": (
        {422},
        "zones_mismatch, reading_out_of_range, reading_decreased, reading_implausible: the meter's"
        " zones, digits and last reading are data",
    ),
    "POST /public/readings": (
        {422},
        "the same reading rules as POST /accounts/{account_id}/readings, a decreased or implausible"
        " value answered as reading_not_accepted",
    ),
    "POST /payments": (
        {422},
        "the amount is a decimal string that must be above zero and at most a configured ceiling"
        " (amount_above_limit); idempotency_key_reused compares with the body stored for the key",
    ),
    "GET /payments/acquirer/rbs/callback": ({400}, "a callback without the bank's checksum is 400 by contract"),
    "POST /payments/acquirer/rbs/callback": ({400}, "a callback without the bank's checksum is 400 by contract"),
    "POST /feedback": ({422}, "anonymous feedback needs an e-mail; signed in, it comes from the profile"),
}

# Checks turned off for an operation, and why. Everything not listed here runs everywhere.
TURNED_OFF: dict[str, dict[str, str]] = {}


def load(document: dict[str, Any], target: str) -> Any:
    tagged = json.loads(json.dumps(document))
    tagged["info"]["x-lka-target"] = target
    return schemathesis.openapi.from_dict(tagged, config=schemathesis.Config.from_dict(CONFIG))


SCHEMAS = {"gateway": load(MERGED, "gateway"), **{name: load(DOCUMENTS[name], name) for name in SERVICES}}


def label(case: Case) -> str:
    return f"{case.method.upper()} {case.path.removeprefix(V1)}"


def stable_hash(*parts: Any) -> int:
    return int(hashlib.sha256(repr(parts).encode()).hexdigest()[:8], 16)


def is_positive(case: Case) -> bool:
    return case.meta is not None and case.meta.generation.mode.is_positive


def plant_real_ids(case: Case, world: World) -> None:
    """Three positive cases of four get the seeded objects' ids instead of random ones."""
    if not is_positive(case) or stable_hash(case.path_parameters, case.body, case.query) % 4 == 0:
        return
    op = label(case)
    params = case.path_parameters or {}
    if "account_id" in params:
        params["account_id"] = world.dave_account if op == "DELETE /accounts/{account_id}" else world.alice_account
    if "request_id" in params:
        params["request_id"] = world.dave_request if op.startswith("POST /operator/") else world.alice_request
    if "payment_id" in params:
        params["payment_id"] = world.alice_payment
    if "region_code" in params and "number" in params:
        params["region_code"], params["number"] = "simferopol", "91000101"
    body = case.body
    if isinstance(body, dict):
        if "account_id" in body:
            body["account_id"] = world.alice_account
        if "meter_id" in body:
            body["meter_id"] = world.alice_meter
        if "meter_serial" in body:
            body.update(region_code="simferopol", account_number="91000101", meter_serial="CE102-0101")


def fresh_session(base_url: str, actor: Actor, vault: Secrets) -> dict[str, str]:
    """A new session of `actor`, for a call that ends it (its tokens go to the leak scan)."""
    response = requests.post(
        f"{base_url}{V1}/auth/login", json={"email": actor.email, "password": actor.password}, timeout=15
    )
    assert response.status_code == 200, response.text
    pair = vault.tokens(response.json())
    return {"Authorization": f"Bearer {pair['access_token']}"}


def caller_headers(
    case: Case, world: World, gateway: str, vault: Secrets, subscriber: Actor | None = None
) -> dict[str, str]:
    """The token of whoever makes this call (see the module's docstring). `subscriber` makes
    every subscriber call, the destructive ones too (the stateful run's sam)."""
    op = label(case)
    if op in OPERATOR_ROUTES:
        return world.operator.headers
    if op == "POST /auth/logout":
        return fresh_session(gateway, subscriber or world.dave, vault)
    if op == "DELETE /profile/sessions/{session_id}":
        # One session by its id (alice's, sam's, seen in GET /profile/sessions): sent by a fresh
        # session of dave's, who owns none of them, so no token the run goes on with is ended.
        return fresh_session(gateway, world.dave, vault)
    if op in ("DELETE /accounts/{account_id}", "DELETE /profile/sessions"):
        # All but the caller's own: dave's (sam's) fresh sign-out sessions, nothing the run needs.
        return (subscriber or world.dave).headers
    if op in PUBLIC_ROUTES:
        return {}
    if op in TOKEN_OPTIONAL and stable_hash(case.body) % 2 == 0:
        return {}
    return (subscriber or world.alice).headers


def refused_for_nul(response: Any) -> bool:
    """A 422 whose every error is the refusal of U+0000 (lka_common.schemas.RequestModel)."""
    if response.status_code != 422:
        return False
    errors = response.json().get("errors") or []
    return bool(errors) and all(error["message"] == NUL_REFUSED for error in errors)


def positive_data_acceptance_with_contract_rules(ctx: CheckContext, response: Any, case: Case) -> bool | None:
    """positive_data_acceptance, except for two kinds of refusal the documents do not spell out:
    a status `RULES_BEYOND_SCHEMA` gives for the operation, and the 422 of a string holding
    U+0000, which PostgreSQL cannot store (every request body refuses it; the documents do not
    repeat that on each string, and the fuzzer keeps sending it, so a 500 would still show)."""
    statuses, _ = RULES_BEYOND_SCHEMA.get(label(case), (set(), ""))
    if response.status_code in statuses or refused_for_nul(response):
        return None
    return schemathesis.checks.positive_data_acceptance(ctx, response, case)  # type: ignore[no-any-return]


def checks_for(case: Case) -> dict[str, Any]:
    off = [getattr(schemathesis.checks, name) for name in TURNED_OFF.get(label(case), {})]
    off.append(schemathesis.checks.positive_data_acceptance)
    return {"excluded_checks": off, "additional_checks": [positive_data_acceptance_with_contract_rules]}


def assert_problem(response: Any, status: int, what: str) -> None:
    assert response.status_code == status, f"{what}: {response.status_code} {response.text[:300]}"
    content_type = response.headers["content-type"]
    content_type = content_type[0] if isinstance(content_type, list) else content_type
    assert content_type.startswith("application/problem+json"), what
    body = response.json()
    assert body["status"] == status and body["code"] and body["detail"], what


def replay_as_others(case: Case, response: Any, world: World, base_url: str) -> None:
    """Object-level checks: the owner's successful call again, as someone who may not make it."""
    if not 200 <= response.status_code < 300:
        return
    op = label(case)
    if op in OPERATOR_ROUTES:
        replayed = case.call(base_url=base_url, headers=world.alice.headers)
        assert_problem(replayed, 403, f"{op} as a subscriber")
    elif case.path_parameters and op != "POST /auth/logout":
        replayed = case.call(base_url=base_url, headers=world.bob.headers)
        assert_problem(replayed, 404, f"{op} as bob, of {case.path_parameters}")


@schemathesis.pytest.parametrize(**SCHEMAS)
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api(case: Case, abuse_stack: Stack, world: World, vault: Secrets) -> None:
    target = case.operation.schema.raw_schema["info"]["x-lka-target"]
    base_url = abuse_stack.gateway if target == "gateway" else abuse_stack.url(SERVICE_PORTS[target])
    plant_real_ids(case, world)
    headers = {**caller_headers(case, world, abuse_stack.gateway, vault), "X-Request-ID": f"abuse-{uuid.uuid4()}"}
    response = case.call_and_validate(base_url=base_url, headers=headers, **checks_for(case))
    replay_as_others(case, response, world, base_url)


def test_the_documents_fuzzed_are_the_ones_served(abuse_stack: Stack) -> None:
    served = requests.get(f"{abuse_stack.gateway}/api/openapi.json", timeout=15).json()
    assert served == json.loads(json.dumps(MERGED))
    for name, port in SERVICE_PORTS.items():
        own = requests.get(f"{abuse_stack.url(port)}/openapi.json", timeout=15).json()
        assert own == json.loads(json.dumps(DOCUMENTS[name])), name


@pytest.mark.parametrize("documented", sorted(RULES_BEYOND_SCHEMA) + sorted(TURNED_OFF))
def test_every_exception_names_a_documented_operation(documented: str) -> None:
    method, path = documented.split(" ", 1)
    assert method.lower() in MERGED["paths"].get(V1 + path, {}), documented


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
