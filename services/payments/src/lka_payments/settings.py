"""Settings of the payments service (env prefix `LKA_PAYMENTS_`)."""

from __future__ import annotations

from lka_common.settings import ServiceSettings


class PaymentsSettings(ServiceSettings):
    service_name = "payments"

    http_port: int = 8004
    consumer_health_port: int = 8104
    relay_health_port: int = 8204
