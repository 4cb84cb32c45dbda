"""Why the notifications service refuses a request, in domain terms; entrypoints/errors.py maps each to HTTP."""

from __future__ import annotations


class NotificationsError(Exception):
    """Base of every refusal the service layer raises."""


class EmailRequired(NotificationsError):
    """An anonymous feedback form gave no address to answer to."""


class FeedbackLimitReached(NotificationsError):
    """Too many messages from one client address within the hour."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(retry_after_s)
        self.retry_after_s = retry_after_s
