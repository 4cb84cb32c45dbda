"""Request and response bodies of identity's HTTP API.

Passwords are taken exactly as typed: the shared request model strips whitespace from every
string, which must not happen to a password (ASVS 6.2: no silent alteration).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import ConfigDict, Field, StrictBool

from lka_common.schemas import EmailAddress, RequestModel, ResponseModel

# Far above the policy's 128: a longer one is refused by the policy with its own message; this
# only keeps absurd bodies from reaching the hasher.
Password = Annotated[str, Field(min_length=1, max_length=4096)]
Token = Annotated[str, Field(min_length=1, max_length=512)]


class VerbatimRequest(RequestModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class RegisterIn(VerbatimRequest):
    email: EmailAddress
    password: Password
    password_confirm: Password
    personal_data_consent: bool = False


class TokenIn(VerbatimRequest):
    token: Token


class EmailIn(RequestModel):
    email: EmailAddress


class CredentialsIn(VerbatimRequest):
    email: EmailAddress
    password: Password


class RefreshIn(VerbatimRequest):
    refresh_token: Token


class ResetIn(VerbatimRequest):
    token: Token
    password: Password
    password_confirm: Password


class ChangePasswordIn(VerbatimRequest):
    current_password: Password
    password: Password
    password_confirm: Password


class MessageOut(ResponseModel):
    message: str


class TokenPairOut(ResponseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 - the scheme, not a secret
    expires_in: int = Field(description="Seconds the access token is valid.")


class ProfileOut(ResponseModel):
    user_id: UUID
    email: str
    email_confirmed: bool
    created_at: datetime
    role: str


class RevocationOut(ResponseModel):
    user_id: UUID
    session_id: UUID | None
    revoked_at: datetime


class AuditRecordOut(ResponseModel):
    """One audit record of any service, as the supervisors' search shows it."""

    service: str = Field(description="The service whose chain holds the record: identity, accounts…")
    id: int = Field(description="The record's number in that service's chain.")
    at: datetime
    actor_user_id: UUID
    actor_role: str
    action: str
    object_type: str
    object_id: str | None
    client_address: str | None
    request_id: str | None
    outcome: str = Field(description="ok, or refused:<code> with the problem code the caller got.")


# --- A subscriber's own security (docs/contract.md §4) ----------------------------------------


class EmailChangeIn(VerbatimRequest):
    new_email: EmailAddress
    password: Password = Field(description="The current password of the signed-in profile.")


class SessionOut(ResponseModel):
    id: UUID
    created_at: datetime = Field(description="When the session signed in.")
    last_seen_at: datetime = Field(description="Its latest sign-in or refresh.")
    client_address: str | None = Field(description="The client address it signed in from.")
    user_agent: str | None = Field(description="The User-Agent it signed in with (at most 512 characters).")
    current: bool = Field(description="The session of the token this call was made with.")


class LetterPreferencesOut(ResponseModel):
    """Which letters beyond the transactional ones the user wants; every one true by default."""

    reading_window: bool
    verification_due: bool
    debt: bool
    bill_issued: bool
    payment_receipts: bool
    new_sign_in: bool = Field(description="A letter on a sign-in from a browser not seen before (additive).")


class UnsubscribeLinkOut(ResponseModel):
    """What an unsubscribe link turns off, for the page that asks before it does."""

    kind: Literal["reading_window", "verification_due", "debt", "bill_issued", "payment_receipts", "new_sign_in"] = (
        Field(description="The field of `/profile/notifications` the link sets to false.")
    )
    letters: str = Field(description="Those letters in Russian, as the page says them.")


class LetterPreferencesIn(RequestModel):
    """JSON `true`/`false` only: a 0 or "yes" is not a choice anyone made."""

    reading_window: StrictBool
    verification_due: StrictBool
    debt: StrictBool
    bill_issued: StrictBool
    payment_receipts: StrictBool
    new_sign_in: StrictBool | None = Field(default=None, description="Left as it is when omitted (additive).")


# --- Staff: the second factor and staff management (docs/contract.md §4) ----------------------

StaffRole = Literal["operator", "supervisor"]


class MfaIn(VerbatimRequest):
    mfa_token: Token
    code: str = Field(
        min_length=1, max_length=64, description="A TOTP code (6 digits) or one of the ten recovery codes."
    )


class MfaRequiredOut(ResponseModel):
    """A staff member's right password: no tokens yet; send a code to `/auth/login/mfa`."""

    mfa_required: Literal[True] = True
    mfa_token: str
    expires_in: int = Field(description="Seconds the mfa_token is valid.")


class InvitationIn(RequestModel):
    email: EmailAddress
    role: StaffRole


class InvitationOut(ResponseModel):
    id: UUID
    email: str
    role: StaffRole
    expires_at: datetime
    message: str


class AcceptInvitationIn(VerbatimRequest):
    token: Token
    password: Password
    password_confirm: Password


class EnrolmentOut(ResponseModel):
    """Shown once: the authenticator app's enrolment URI, its QR code, and ten recovery codes."""

    otpauth_uri: str
    recovery_codes: list[str] = Field(description="Ten single-use codes, each good for one sign-in.")
    qr_svg: str = Field(description="The QR code of otpauth_uri as an SVG document (additive).")
    message: str


class StaffMemberOut(ResponseModel):
    user_id: UUID
    email: str
    role: StaffRole
    status: Literal["active", "disabled"]
    mfa_enrolled: bool
    last_sign_in_at: datetime | None
