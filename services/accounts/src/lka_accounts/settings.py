"""Settings of the accounts service (env prefix `LKA_ACCOUNTS_`).

The link-attempt limits are docs/contract.md §2's defaults: three letters of a surname are a weak
secret, so failed attempts are capped per user (past it: 429) and per account (past it: every
attempt becomes a request for an operator; service_layer/limits.py) (docs/quality.md item 6).
"""

from __future__ import annotations

from pydantic import Field

from lka_common.settings import ServiceSettings

HOUR_S = 3600


class AccountsSettings(ServiceSettings):
    service_name = "accounts"

    http_port: int = 8002
    consumer_health_port: int = 8102
    relay_health_port: int = 8202

    link_failures_per_user: int = Field(10, ge=1)
    link_failures_per_account: int = Field(10, ge=1)
    link_failure_window_s: int = Field(HOUR_S, ge=60)
