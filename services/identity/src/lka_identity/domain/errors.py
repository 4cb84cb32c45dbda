"""Why identity refuses a request, in domain terms; entrypoints/errors.py turns each into HTTP."""

from __future__ import annotations

from dataclasses import dataclass

from lka_identity.domain import messages


class IdentityError(Exception):
    """Base of every refusal the service layer raises."""


@dataclass(frozen=True)
class Refusal:
    """One refused form field: a stable code, the field, and the Russian sentence."""

    code: str
    field: str
    message: str


class FormRefused(IdentityError):
    """The form breaks a rule (consent, password policy); the first refusal names the code."""

    def __init__(self, refusals: list[Refusal]) -> None:
        super().__init__(refusals[0].code)
        self.refusals = refusals


class InvalidCredentials(IdentityError):
    """Unknown address, wrong password, a lapsed registration, or a merged profile with a wrong
    password: deliberately indistinguishable."""


class ProfileMerged(IdentityError):
    """The right password of a profile merged into another: which one (`into`, masked), so its
    owner knows which address to sign in with. Never said for a wrong password."""

    def __init__(self, into: str) -> None:
        super().__init__(into)
        self.into = into


class EmailNotConfirmed(IdentityError):
    pass


class TooManyAttempts(IdentityError):
    """A limit is reached; `per_client` tells a client's flood from an account's lockout."""

    def __init__(self, retry_after_s: int, *, per_client: bool = False) -> None:
        super().__init__(retry_after_s)
        self.retry_after_s = retry_after_s
        self.per_client = per_client


class InvalidToken(IdentityError):
    """A confirmation or reset token that is unknown, used or expired."""


class InvalidUnsubscribeLink(IdentityError):
    """A one-click unsubscribe token we did not sign, or for a profile that no longer exists."""


class SessionExpired(IdentityError):
    """A refresh token that is unknown, expired, revoked, or reused (its family is revoked)."""


class StaffNotAllowed(IdentityError):
    """A subscriber's own action asked for by the supplier's staff (docs/contract.md §4)."""


class MergeRefused(IdentityError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(code)
        self.code = code
        self.message = message


def merge_self() -> MergeRefused:
    return MergeRefused("merge_self", messages.MERGE_SELF)


def already_merged() -> MergeRefused:
    return MergeRefused("already_merged", messages.ALREADY_MERGED)


def merge_source_unconfirmed() -> MergeRefused:
    return MergeRefused("merge_source_unconfirmed", messages.MERGE_SOURCE_UNCONFIRMED)


# --- Staff: the second factor and staff management (docs/contract.md §4) ----------------------


class InvalidMfaCode(IdentityError):
    """A wrong, stale or already used TOTP code, or an unknown or spent recovery code."""


class InvalidMfaToken(IdentityError):
    """The sign-in's `mfa_token` is unknown, expired, used, or voided by the fifth wrong code."""


class AccountDisabled(IdentityError):
    """A staff profile a supervisor disabled: said only after its right password."""


class MfaEnrolmentRequired(IdentityError):
    """A staff profile without a second factor (a supervisor reset it): said only after its
    right password; the letter of the reset carries the link to enrol again."""


class StaffNotFound(IdentityError):
    """No staff profile has this id (a subscriber's id is not found either)."""


class StaffSelf(IdentityError):
    """A supervisor disabling, enabling or resetting their own profile."""


class StaffAddressTaken(IdentityError):
    """An invitation to, or its acceptance for, an address some profile already has."""


# --- A subscriber's own security (docs/contract.md §4) ----------------------------------------


class SessionNotFound(IdentityError):
    """Not one of the caller's live sessions (another user's answers the same)."""


class EmailInUse(IdentityError):
    """A change of address confirmed after another profile took the new address."""
