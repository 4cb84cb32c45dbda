"""Broker connections with the settings every process uses."""

from __future__ import annotations

import aio_pika
from aio_pika.abc import AbstractRobustConnection


async def connect(amqp_url: str, name: str) -> AbstractRobustConnection:
    # Heartbeats keep a dead broker from going unnoticed; the robust connection reconnects,
    # and our own loops resend what failed during the gap.
    return await aio_pika.connect_robust(
        amqp_url, client_properties={"connection_name": name}, timeout=10, heartbeat=30
    )
