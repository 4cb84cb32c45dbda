"""Settings of the identity service (env prefix `LKA_IDENTITY_`).

The limits are docs/contract.md §2's defaults; the hashing floor is ASVS's (docs/quality.md item 1): a setting may
make hashing stronger, never weaker.
"""

from __future__ import annotations

from pydantic import Field, SecretStr

from lka_common.settings import ServiceSettings
from lka_common.unsubscribe import unsubscribe_secret_field

HOUR_S = 3600


class IdentitySettings(ServiceSettings):
    service_name = "identity"

    http_port: int = 8001
    consumer_health_port: int = 8101
    relay_health_port: int = 8201

    # Encrypts the signing keys' private halves at rest; `ServiceSettings` refuses the
    # placeholder in production.
    key_encryption_secret: SecretStr = SecretStr("change-me-identity-key-encryption-secret")
    # Checks the one-click unsubscribe links the notifications service signs with the same secret
    # (`LKA_UNSUBSCRIBE_SECRET` for both); the placeholder is refused in production.
    unsubscribe_secret: SecretStr = unsubscribe_secret_field()
    access_token_ttl_s: int = Field(900, ge=60, le=900)
    refresh_token_ttl_s: int = Field(30 * 24 * HOUR_S, ge=HOUR_S)
    # How long an API process trusts its cached view of the signing keys (a rotation made by
    # another process is picked up within this time).
    signing_key_cache_s: int = Field(30, ge=1, le=300)

    email_confirmation_ttl_s: int = Field(24 * HOUR_S, ge=HOUR_S)
    password_reset_ttl_s: int = Field(HOUR_S, ge=300)
    # An unconfirmed registration frees its address after this long: a stranger who registered
    # someone else's address cannot hold it, and the would-be subscriber's data is not kept
    # past its purpose (152-FZ). Longer than any confirmation link lives, by default.
    unconfirmed_registration_ttl_days: int = Field(7, ge=1)
    # The version of the personal-data consent text the registration form shows (152-FZ).
    consent_text_version: str = "pd-consent-2026-11"

    argon2_time_cost: int = Field(2, ge=2)
    argon2_memory_cost_kib: int = Field(19456, ge=19456)
    argon2_parallelism: int = Field(1, ge=1)
    # Hashes computed at once by one process: a sign-in burst queues instead of starving the loop.
    password_hash_concurrency: int = Field(2, ge=1)

    login_failures_per_account: int = 10
    login_failures_per_client: int = 50
    login_failure_window_s: int = 15 * 60
    # Anonymous calls that send mail (register, resend, forgot) per client address per hour.
    mail_requests_per_client_per_hour: int = 20
    # Unrequested letters (confirmation, reset, repeated registration) to one address per hour;
    # past it the call still answers 202, the letter is just not sent.
    letters_per_address_per_hour: int = 5
    # Wrong confirmation or reset tokens per client address per hour.
    token_failures_per_client_per_hour: int = 20

    # Staff (docs/contract.md §4): a staff session ends this long after its sign-in, refreshes
    # included (at most 8 hours, the contract's bound); the sign-in's second step must come
    # within `mfa_challenge_ttl_s` of the password; an invitation's link lives
    # `staff_invitation_ttl_s`. The enrolment URI names `totp_issuer` in the authenticator app.
    staff_session_max_s: int = Field(8 * HOUR_S, ge=60, le=8 * HOUR_S)
    mfa_challenge_ttl_s: int = Field(300, ge=30, le=900)
    staff_invitation_ttl_s: int = Field(72 * HOUR_S, ge=HOUR_S, le=14 * 24 * HOUR_S)
    totp_issuer: str = Field("ЛКА Крымэнерго", min_length=1, max_length=60)

    # A subscriber's own security (docs/contract.md §4): how long the link of a change of address
    # (the letter to the new address) works.
    email_change_ttl_s: int = Field(24 * HOUR_S, ge=300)
