"""What every use case of identity needs besides its unit of work, built once per process.

The other services hand each collaborator to a use case as an argument of its own (payments:
`acquirer, settings`). Here nearly every use case needs the settings and the password hasher,
and signing in the key ring too, so they travel as one argument instead of three. It is still
passed explicitly, never looked up: the API builds it at startup (the hasher's dummy hash off
the event loop, the keys from the database once the pool exists) and hands it to the routers
through one typed dependency (entrypoints/dependencies.py); the one-shot commands build their
own (bootstrap.command_context).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property

from lka_identity.adapters.password_hasher import PasswordHasher
from lka_identity.adapters.second_factor import FactorKeys
from lka_identity.service_layer.keys import KeyRing
from lka_identity.settings import IdentitySettings


@dataclass(frozen=True)
class IdentityContext:
    settings: IdentitySettings
    passwords: PasswordHasher
    keys: KeyRing

    @cached_property
    def factors(self) -> FactorKeys:
        """Seals the staff's TOTP secrets and hashes their recovery codes (adapters/second_factor.py)."""
        return FactorKeys(self.settings.key_encryption_secret.get_secret_value())

    @property
    def access_ttl(self) -> timedelta:
        return timedelta(seconds=self.settings.access_token_ttl_s)

    @property
    def registration_ttl(self) -> timedelta:
        """How long an unconfirmed registration holds its address (see `User.lapsed`)."""
        return timedelta(days=self.settings.unconfirmed_registration_ttl_days)

    def link(self, path: str, token: str) -> str:
        """A link for a letter, always on the configured public base URL, never the Host header
        (docs/quality.md item 3)."""
        return f"{self.settings.public_base_url.rstrip('/')}{path}?token={token}"


def utcnow() -> datetime:
    return datetime.now(UTC)
