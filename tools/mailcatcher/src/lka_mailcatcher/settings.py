"""Settings of the mail catcher, read from `LKA_MAILCATCHER_*` environment variables.

A plain `BaseSettings` rather than `lka_common.settings.ServiceSettings`: the catcher has no
database or broker, and that base would fill in their addresses for nothing.
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class MailCatcherSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LKA_MAILCATCHER_", extra="ignore")

    # Loopback only: the catcher shows every letter to anyone who can reach it.
    host: str = "127.0.0.1"
    smtp_port: int = Field(default=1025, ge=0, le=65535)
    http_port: int = Field(default=8025, ge=0, le=65535)
    max_messages: int = Field(default=1000, ge=1)
    log_level: str = "INFO"
