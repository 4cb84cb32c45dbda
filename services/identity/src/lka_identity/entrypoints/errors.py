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
    if isinstance(exc, errors.SessionExpired):
        return Problem(401, "session_expired", messages.SESSION_EXPIRED, headers=_BEARER)
    if isinstance(exc, errors.StaffNotAllowed):
        return staff_not_allowed()
    if isinstance(exc, errors.MergeRefused):
        return Problem(409, exc.code, exc.message)
    return unauthorized()


def install_error_handlers(app: FastAPI) -> None:
    install_domain_errors(app, errors.IdentityError, problem_for)
