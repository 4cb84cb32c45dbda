"""Settings of the accounts service (env prefix `LKA_ACCOUNTS_`)."""

from __future__ import annotations

from lka_common.settings import ServiceSettings


class AccountsSettings(ServiceSettings):
    service_name = "accounts"

    http_port: int = 8002
    consumer_health_port: int = 8102
    relay_health_port: int = 8202
