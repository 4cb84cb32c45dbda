"""The staff's second factor (docs/contract.md §4): enrolling one, and the sign-in's second step.

Staff sign in in two steps. The right password opens a challenge (signin.login): an `mfa_token`
of 256 random bits, stored by its SHA-256, good for `mfa_challenge_ttl_s` and for one session.
`complete` takes it with a TOTP code or a recovery code and opens the session. A wrong code is a
failed sign-in: it counts on the account's and the client's sign-in failures (the password step
takes its own attempt back but clears no failure, so only the whole sign-in does), and the fifth
wrong code of one challenge ends it. Knowing the password thus buys at most the sign-in limit's
guesses at a 6-digit code per window, not one per fresh challenge.

Every second step of a staff sign-in, right or wrong, is recorded in identity's audit chain
(`staff.sign_in.totp` or `staff.sign_in.recovery_code`, `ok` or `refused:invalid_mfa_code`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from lka_common import audit, context
from lka_common.uow import UnitOfWork
from lka_identity.adapters import second_factor, users
from lka_identity.domain.errors import InvalidMfaCode, InvalidMfaToken
from lka_identity.domain.opaque_tokens import digest, new_secret, well_formed
from lka_identity.domain.second_factor import (
    MFA_FAILURES_ALLOWED,
    accepted_step,
    enrolment_uri,
    is_totp_shaped,
    new_recovery_codes,
    new_totp_secret,
    normalised_recovery_code,
)
from lka_identity.domain.users import User
from lka_identity.service_layer import limits
from lka_identity.service_layer.context import IdentityContext, utcnow
from lka_identity.service_layer.sessions import TokenPair, open_session

INVALID_MFA_CODE = "invalid_mfa_code"


@dataclass(frozen=True)
class MfaChallenge:
    """The answer to a staff member's right password: no tokens yet, a code is asked for."""

    mfa_token: str
    expires_in: int


@dataclass(frozen=True)
class Enrolment:
    """What a new factor shows its owner, once: the URI for the authenticator app (the QR code
    is drawn from it) and the ten recovery codes. Neither is ever shown again."""

    otpauth_uri: str
    recovery_codes: list[str]


def actor(ctx: IdentityContext, user: User, client: str | None) -> audit.Actor:
    """A staff member acting for themselves (signing in, accepting an invitation), for the audit."""
    request_id = context.current_ids().get("request_id")
    return audit.Actor(ctx.settings.service_name, user.id, user.role, client, request_id)


async def enrol(uow: UnitOfWork, ctx: IdentityContext, user: User, now: datetime) -> Enrolment:
    """A new TOTP secret and ten recovery codes for the user, replacing any before, in the
    caller's unit. Only the sealed secret and the codes' keyed hashes are stored."""
    secret = new_totp_secret()
    codes = new_recovery_codes()
    keys = ctx.factors
    hashes = [keys.recovery_hash(user.id, normalised_recovery_code(code)) for code in codes]
    await second_factor.enrol(uow.session, user.id, keys.seal(user.id, secret), hashes, now)
    return Enrolment(enrolment_uri(secret, user.email, ctx.settings.totp_issuer), codes)


async def open_challenge(uow: UnitOfWork, ctx: IdentityContext, user: User, now: datetime) -> MfaChallenge:
    """The second step's challenge for a staff member whose password proved right, in the caller's unit."""
    token = new_secret()
    ttl = ctx.settings.mfa_challenge_ttl_s
    await second_factor.add_challenge(uow.session, digest(token), user.id, now, now + timedelta(seconds=ttl))
    return MfaChallenge(token, ttl)


async def complete(
    uow: UnitOfWork, ctx: IdentityContext, *, mfa_token: str, code: str, client: str | None
) -> TokenPair:
    """The second step: the session's token pair for a right code, `InvalidMfaCode` for a wrong
    one, `InvalidMfaToken` for a challenge that is unknown, expired, used or voided."""
    now = utcnow()
    if not well_formed(mfa_token):
        raise InvalidMfaToken
    token_hash = digest(mfa_token)
    code = code.strip()
    kind = "totp" if is_totp_shaped(code) else "recovery_code"
    key = await ctx.keys.signing_key(now)
    async with uow:
        found = await second_factor.challenge(uow.session, token_hash)
        if found is None or not found.open_at(now):
            raise InvalidMfaToken
        user = await users.by_id(uow.session, found.user_id)
        factor = await second_factor.factor_of(uow.session, found.user_id, for_update=True)
        if user is None or not user.can_sign_in or user.disabled or factor is None:
            # Disabled or reset between the two steps: the challenge is over.
            await second_factor.end_challenge(uow.session, token_hash, now)
            await uow.commit()
            raise InvalidMfaToken
        counters = limits.login_counters(ctx.settings, user.email, client)
        pending = await limits.admit(uow.session, counters, now)
        if kind == "totp":
            step = accepted_step(ctx.factors.open(user.id, factor.totp_secret_sealed), code, now, factor.last_used_step)
            if step is not None:
                await second_factor.mark_step(uow.session, user.id, step)
            right = step is not None
        else:
            code_hash = ctx.factors.recovery_hash(user.id, normalised_recovery_code(code))
            right = await second_factor.use_recovery_code(uow.session, user.id, code_hash, now)
        who = actor(ctx, user, client)
        action = f"staff.sign_in.{kind}"
        if not right:
            failures = found.failures + 1
            voided = now if failures >= MFA_FAILURES_ALLOWED else None
            await second_factor.count_failure(uow.session, token_hash, failures, voided)
            await audit.record(uow, who, action, "staff", user.id, audit.REFUSED + INVALID_MFA_CODE)
            await uow.commit()  # the failure stays counted
            raise InvalidMfaCode
        await limits.proved_right(uow.session, counters, pending)
        await second_factor.end_challenge(uow.session, token_hash, now)
        await users.record_sign_in(uow.session, user.id, now)
        pair = await open_session(uow, ctx, key, user, now, client)
        await audit.record(uow, who, action, "staff", user.id)
        await uow.commit()
    return pair
