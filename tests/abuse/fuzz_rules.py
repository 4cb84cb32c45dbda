"""What both fuzz tests share: schemathesis's settings, who makes each call, the checks and their exceptions."""

from __future__ import annotations

import hashlib
import os
from typing import Any

import requests
import schemathesis
from abuse_actors import Actor, Secrets, World
from abuse_support import OPERATOR_ROUTES, PUBLIC_ROUTES, TOKEN_OPTIONAL, V1
from schemathesis.checks import CheckContext
from schemathesis.generation.case import Case

from lka_common.schemas import NUL_REFUSED

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
    "GET /operator/jobs": ({403}, "supervisors only (docs/contract.md §4 Reminders): the seeded operator is refused"),
    "POST /auth/login/mfa": ({401}, "an mfa_token that is not one of ours is 401 invalid_mfa_token by contract"),
    **dict.fromkeys(
        ("GET /public/unsubscribe", "POST /public/unsubscribe"),
        ({400}, "a token that is not one of ours is 400 invalid_unsubscribe_link by contract (§4 Reminders)"),
    ),
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
    "POST /payments/basket": (
        {422},
        "the amounts as POST /payments' (amount_above_limit for the sum) and each account once (2 to 10"
        " items the document states)",
    ),
    "PUT /accounts/{account_id}/autopay": (
        {422},
        "max_amount as POST /payments' amount (day_of_month's 1-28 the document states)",
    ),
    "POST /appeals": (
        {422},
        "unknown topic: the codes are data (GET /appeals/topics), not an enum of the document;"
        " unsupported_attachment: a file is judged by its content (JPEG, PNG or PDF)",
    ),
    **dict.fromkeys(
        ("POST /appeals/{appeal_id}/messages", "POST /operator/appeals/{appeal_id}/messages"),
        ({422}, "unsupported_attachment: a file is judged by its content (JPEG, PNG or PDF), as at POST /appeals"),
    ),
    "POST /operator/appeals/{appeal_id}/assign": (
        {422},
        "not_staff: the assignee must be a staff member seen at the appeals desk, which is data",
    ),
    "POST /operator/payments/{payment_id}/refunds": (
        {422},
        "the amount as POST /payments' and, with the refunds before, at most what was paid; a reason that is not blank",
    ),
    **dict.fromkeys(
        ("POST /operator/refunds/{refund_id}/approve", "POST /operator/refunds/{refund_id}/reject"),
        ({403}, "supervisors only (docs/contract.md §4 Refunds): the seeded operator is refused"),
    ),
    "POST /operator/reconciliations": ({422}, "a day after today (Europe/Simferopol) has nothing to compare"),
    "GET /payments/acquirer/rbs/callback": ({400}, "a callback without the bank's checksum is 400 by contract"),
    "POST /payments/acquirer/rbs/callback": ({400}, "a callback without the bank's checksum is 400 by contract"),
    "POST /feedback": ({422}, "anonymous feedback needs an e-mail; signed in, it comes from the profile"),
}

# Checks turned off for an operation, and why. Everything not listed here runs everywhere.
TURNED_OFF: dict[str, dict[str, str]] = {}


def label(case: Case) -> str:
    return f"{case.method.upper()} {case.path.removeprefix(V1)}"


def stable_hash(*parts: Any) -> int:
    return int(hashlib.sha256(repr(parts).encode()).hexdigest()[:8], 16)


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
    """The token of whoever makes this call (see test_fuzz.py's docstring). `subscriber` makes
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
    if op in ("DELETE /cards/{card_id}", "DELETE /accounts/{account_id}/autopay", "POST /appeals/{appeal_id}/close"):
        # Dave's card, autopay and appeal (plant_real_ids): alice's stay for the rest of the run.
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
    # By the operation's own method: a coverage probe sends another one (OPTIONS, TRACE…) to its path.
    documented = f"{case.operation.method.upper()} {case.operation.path.removeprefix(V1)}"
    off = [getattr(schemathesis.checks, name) for name in TURNED_OFF.get(documented, {})]
    off.append(schemathesis.checks.positive_data_acceptance)
    return {"excluded_checks": off, "additional_checks": [positive_data_acceptance_with_contract_rules]}
