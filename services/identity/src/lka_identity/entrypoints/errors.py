"""Identity's refusals as problem+json (docs/contract.md §2): one place maps every domain error to its
status, stable code and Russian detail, so the routers only call their use case."""

from __future__ import annotations

from fastapi import FastAPI

from lka_common.auth import staff_not_allowed, unauthorized
from lka_common.problems import Problem, install_domain_errors, validation_problem
from lka_identity.domain import errors, messages

_BEARER = {"WWW-Authenticate": 'Bearer realm="lka"'}


def problem_for(exc: errors.IdentityError) -> Problem:
    if isinstance(exc, errors.FormRefused):
        first = exc.refusals[0]
        found = [{"field": r.field, "message": r.message} for r in exc.refusals]
        return validation_problem(found, code=first.code, detail=first.message)
    if isinstance(exc, errors.InvalidCredentials):
        return Problem(401, "invalid_credentials", messages.INVALID_CREDENTIALS, headers=_BEARER)
    if isinstance(exc, errors.ProfileMerged):
        detail = messages.PROFILE_MERGED.format(address=exc.into)
        return Problem(401, "profile_merged", detail, headers=_BEARER)
    if isinstance(exc, errors.EmailNotConfirmed):
        return Problem(403, "email_not_confirmed", messages.EMAIL_NOT_CONFIRMED)
    if isinstance(exc, errors.TooManyAttempts):
        code, detail = (
            ("too_many_requests", messages.TOO_MANY_REQUESTS)
            if exc.per_client
            else ("too_many_attempts", messages.TOO_MANY_ATTEMPTS)
        )
        return Problem(429, code, detail, headers={"Retry-After": str(exc.retry_after_s)})
    if isinstance(exc, errors.InvalidToken):
        return Problem(400, "invalid_token", messages.INVALID_TOKEN)
    if isinstance(exc, errors.InvalidUnsubscribeLink):
        return Problem(400, "invalid_unsubscribe_link", messages.INVALID_UNSUBSCRIBE_LINK)
    if isinstance(exc, errors.SessionExpired):
        return Problem(401, "session_expired", messages.SESSION_EXPIRED, headers=_BEARER)
    if isinstance(exc, errors.StaffNotAllowed):
        return staff_not_allowed()
    if isinstance(exc, errors.MergeRefused):
        return Problem(409, exc.code, exc.message)
    staff = _staff_problem(exc)
    if staff is not None:
        return staff
    if isinstance(exc, errors.SessionNotFound):
        return Problem(404, "not_found", messages.SESSION_NOT_FOUND)
    if isinstance(exc, errors.EmailInUse):
        return Problem(409, "email_in_use", messages.EMAIL_IN_USE)
    return unauthorized()


def _staff_problem(exc: errors.IdentityError) -> Problem | None:
    """The second factor's and staff management's refusals (docs/contract.md §4)."""
    if isinstance(exc, errors.InvalidMfaCode):
        return Problem(401, "invalid_mfa_code", messages.INVALID_MFA_CODE, headers=_BEARER)
    if isinstance(exc, errors.InvalidMfaToken):
        return Problem(401, "invalid_mfa_token", messages.INVALID_MFA_TOKEN, headers=_BEARER)
    if isinstance(exc, errors.AccountDisabled):
        return Problem(403, "account_disabled", messages.ACCOUNT_DISABLED)
    if isinstance(exc, errors.MfaEnrolmentRequired):
        return Problem(403, "mfa_enrolment_required", messages.MFA_ENROLMENT_REQUIRED)
    if isinstance(exc, errors.StaffNotFound):
        return Problem(404, "not_found", messages.STAFF_NOT_FOUND)
    if isinstance(exc, errors.StaffSelf):
        return Problem(409, "staff_self", messages.STAFF_SELF)
    if isinstance(exc, errors.StaffAddressTaken):
        return Problem(409, "address_taken", messages.STAFF_ADDRESS_TAKEN)
    return None


def install_error_handlers(app: FastAPI) -> None:
    install_domain_errors(app, errors.IdentityError, problem_for)
