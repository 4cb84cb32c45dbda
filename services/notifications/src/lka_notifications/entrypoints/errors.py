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
    return _appeal_problem(exc) or Problem(404)


# Appeals' refusals: a status, a stable code and the Russian sentence (domain/messages.py).
_APPEALS: dict[type[errors.NotificationsError], tuple[int, str, str]] = {
    errors.AppealNotFound: (404, "not_found", messages.APPEAL_NOT_FOUND),
    errors.AttachmentNotFound: (404, "not_found", messages.ATTACHMENT_NOT_FOUND),
    errors.AccountNotLinked: (404, "account_not_found", messages.ACCOUNT_NOT_FOUND),
    errors.AppealClosed: (409, "appeal_closed", messages.APPEAL_CLOSED),
    errors.UnsupportedAttachment: (422, "unsupported_attachment", messages.UNSUPPORTED_ATTACHMENT),
    errors.TooManyAttachments: (422, "too_many_attachments", messages.TOO_MANY_ATTACHMENTS),
    errors.AttachmentTooLarge: (413, "attachment_too_large", messages.ATTACHMENT_TOO_LARGE),
    errors.NotStaff: (422, "not_staff", messages.NOT_STAFF),
}


def _appeal_problem(exc: errors.NotificationsError) -> Problem | None:
    if isinstance(exc, errors.UnknownTopic):
        return validation_problem([{"field": "topic", "message": messages.UNKNOWN_TOPIC}])
    known = _APPEALS.get(type(exc))
    if known is None:
        return None
    status, code, detail = known
    return Problem(status, code, detail)


def install_error_handlers(app: FastAPI) -> None:
    install_domain_errors(app, errors.NotificationsError, problem_for)
