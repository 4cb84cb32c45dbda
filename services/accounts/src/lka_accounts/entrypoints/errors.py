"""The accounts service's refusals as problem+json (docs/contract.md §2): one place maps every domain
error to its status, stable code and Russian detail, so the routers only call their use case."""

from __future__ import annotations

from fastapi import FastAPI

from lka_accounts.domain import errors, messages
from lka_common.auth import same_actor
from lka_common.problems import Problem, install_domain_errors, validation_problem


def problem_for(exc: errors.AccountsError) -> Problem:
    if isinstance(exc, errors.UnknownRegion):
        found = [{"field": "region_code", "message": messages.UNKNOWN_REGION}]
        return validation_problem(found, code="unknown_region", detail=messages.UNKNOWN_REGION)
    if isinstance(exc, errors.InvalidAccountNumber):
        found = [{"field": "number", "message": messages.INVALID_ACCOUNT_NUMBER}]
        return validation_problem(found, code="invalid_account_number", detail=messages.INVALID_ACCOUNT_NUMBER)
    if isinstance(exc, errors.AlreadyLinked):
        return Problem(409, "already_linked", messages.ALREADY_LINKED)
    if isinstance(exc, errors.TooManyAttempts):
        return Problem(
            429, "too_many_attempts", messages.TOO_MANY_ATTEMPTS, headers={"Retry-After": str(exc.retry_after_s)}
        )
    if isinstance(exc, errors.RequestAlreadyResolved):
        return Problem(409, "request_resolved", messages.REQUEST_RESOLVED)
    if isinstance(exc, errors.RequestApproved):
        return Problem(409, "request_approved", messages.REQUEST_APPROVED)
    if isinstance(exc, errors.RequestWithdrawn):
        return Problem(409, "request_withdrawn", messages.REQUEST_WITHDRAWN_ALREADY)
    if isinstance(exc, errors.DuplicateRequest):
        return Problem(409, "duplicate_request", messages.DUPLICATE_REQUEST)
    if isinstance(exc, errors.AccountUnknown):
        return Problem(409, "account_unknown", messages.ACCOUNT_UNKNOWN)
    if isinstance(exc, errors.SameActor):
        return same_actor()
    return Problem(404)


def install_error_handlers(app: FastAPI) -> None:
    install_domain_errors(app, errors.AccountsError, problem_for)
