"""Why the accounts service refuses a request, in domain terms; entrypoints/errors.py maps each to HTTP."""

from __future__ import annotations


class AccountsError(Exception):
    """Base of every refusal the service layer raises."""


class NotFound(AccountsError):
    """Unknown, or not the caller's: deliberately the same (docs/contract.md §2, docs/quality.md item 7)."""


class UnknownRegion(AccountsError):
    pass


class AlreadyLinked(AccountsError):
    """The account is already linked to the caller's profile."""


class TooManyAttempts(AccountsError):
    """The user's failed-attempt limit is reached (the account's turns attempts into requests)."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(retry_after_s)
        self.retry_after_s = retry_after_s


class RequestAlreadyResolved(AccountsError):
    """A request that is no longer pending can be neither edited nor decided again."""


class DuplicateRequest(AccountsError):
    """An edit would make a second pending request for the same account."""


class AccountUnknown(AccountsError):
    """An operator approves a request for an account billing has not sent (yet)."""


class SameActor(AccountsError):
    """Someone would decide a request they filed themselves (separation of duties)."""


class InvalidAccountNumber(AccountsError):
    """An account number billing could never have issued (domain/account_numbers.py)."""


class RequestApproved(AccountsError):
    """An approved request cannot be withdrawn: its account is linked (remove it instead)."""


class RequestWithdrawn(AccountsError):
    """A withdrawn request can be neither edited nor decided."""
