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


class AppealNotFound(NotificationsError):
    """No such appeal, or not the caller's: the same answer either way."""


class AttachmentNotFound(NotificationsError):
    """No such file of that appeal."""


class AppealClosed(NotificationsError):
    """The appeal is closed: no more messages, assignments or closing."""


class UnknownTopic(NotificationsError):
    """The topic is none of GET /appeals/topics."""


class AccountNotLinked(NotificationsError):
    """The account named is not one the subscriber has linked (answered as if it did not exist)."""


class UnsupportedAttachment(NotificationsError):
    """A file that is not a JPEG, PNG or PDF by its content, or an image that cannot be read."""


class AttachmentTooLarge(NotificationsError):
    """A file over 5 MiB, refused while it streams in."""


class TooManyAttachments(NotificationsError):
    """More than 3 files in one message."""


class NotStaff(NotificationsError):
    """An appeal can be assigned only to a staff member this service knows (README, "Appeals")."""
