"""The readings service's refusals as problem+json (docs/contract.md §2): one place maps every domain
error to its status, stable code and Russian detail, so the routers only call their use case."""

from __future__ import annotations

from fastapi import FastAPI

from lka_common.problems import Problem, install_domain_errors, validation_problem
from lka_readings.domain import errors, messages


def problem_for(exc: errors.ReadingsError) -> Problem:
    if isinstance(exc, errors.InvalidReading):
        return validation_problem(exc.errors, code=exc.code, detail=exc.detail)
    if isinstance(exc, errors.DuplicateReading):
        detail = messages.DUPLICATE.format(month=messages.month_name(exc.billing_period))
        # The reading that stands, so a client that lost the first answer can find it.
        return Problem(409, "duplicate_reading", detail, reading_id=str(exc.reading_id) if exc.reading_id else None)
    if isinstance(exc, errors.TooManyAnonymousReadings):
        detail = (
            messages.TOO_MANY_FOR_ACCOUNT
            if isinstance(exc, errors.TooManyAnonymousReadingsForAccount)
            else messages.TOO_MANY_ANONYMOUS
        )
        return Problem(429, "too_many_requests", detail, headers={"Retry-After": str(exc.retry_after_s)})
    return Problem(404)


def install_error_handlers(app: FastAPI) -> None:
    install_domain_errors(app, errors.ReadingsError, problem_for)
