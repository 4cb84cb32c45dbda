"""Settings of the acquirer emulator, read from `LKA_ACQUIRER_EMULATOR_*` environment variables.

A plain `BaseSettings` like the mail catcher's: the emulator has no database or broker. Its
credentials default to the payments service's development placeholders, so `make run` works
with no configuration; it is never deployed, so nothing here is a real secret.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class EmulatorSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LKA_ACQUIRER_EMULATOR_", extra="ignore")

    # Loopback only: it is a development tool.
    host: str = "127.0.0.1"
    port: int = Field(default=8090, ge=0, le=65535)
    user_name: str = "change-me-rbs-user"
    password: str = "change-me-rbs-password"  # noqa: S105 - the development placeholder
    callback_key: str = "change-me-rbs-callback-key"
    # The origin written into `formUrl`; empty: the origin the merchant called us on.
    public_url: str = ""
    callback_timeout_s: float = Field(default=5.0, gt=0)
    callback_max_attempts: int = Field(default=8, ge=1)
    callback_first_retry_s: float = Field(default=0.2, gt=0)
    log_level: str = "INFO"
