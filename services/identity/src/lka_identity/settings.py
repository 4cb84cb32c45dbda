"""Settings of the identity service (env prefix `LKA_IDENTITY_`)."""

from __future__ import annotations

from lka_common.settings import ServiceSettings


class IdentitySettings(ServiceSettings):
    service_name = "identity"

    http_port: int = 8001
    consumer_health_port: int = 8101
    relay_health_port: int = 8201
