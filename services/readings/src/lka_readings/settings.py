"""Settings of the readings service (env prefix `LKA_READINGS_`)."""

from __future__ import annotations

from lka_common.settings import ServiceSettings


class ReadingsSettings(ServiceSettings):
    service_name = "readings"

    http_port: int = 8003
    consumer_health_port: int = 8103
    relay_health_port: int = 8203
