"""The notifications service's refusals as problem+json (docs/contract.md §2): one place maps every
domain error to its status, stable code and Russian detail, so the routers only call their use case."""

from __future__ import annotations

from fastapi import FastAPI

from lka_common.problems import Problem, install_domain_errors, validation_problem
from lka_notifications.domain import errors, messages


def problem_for(exc: errors.NotificationsError) -> Problem:
    if isinstance(exc, errors.EmailRequired):
        return validation_problem([{"field": "email", "message": messages.EMAIL_REQUIRED}])
    if isinstance(exc, errors.FeedbackLimitReached):
        return Problem(
            429, "too_many_requests", messages.TOO_MANY_FEEDBACK, headers={"Retry-After": str(exc.retry_after_s)}
        )
    return Problem(404)


def install_error_handlers(app: FastAPI) -> None:
    install_domain_errors(app, errors.NotificationsError, problem_for)
