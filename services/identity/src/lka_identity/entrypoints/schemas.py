"""Request and response bodies of identity's HTTP API.

Passwords are taken exactly as typed: the shared request model strips whitespace from every
string, which must not happen to a password (ASVS 6.2: no silent alteration).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import ConfigDict, Field

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
