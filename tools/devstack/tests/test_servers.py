"""`make run` and `make test` stop at once, with both ways out, when a server cannot be reached."""

from __future__ import annotations

import subprocess
import sys


def test_unreachable_servers_stop_with_a_message_naming_both_ways_out() -> None:
    env = {
        "LKA_POSTGRES_URL": "postgresql://postgres@127.0.0.2:1/postgres",
        "LKA_AMQP_URL": "amqp://guest:guest@127.0.0.2:1/",
        "PATH": "/usr/bin:/bin",
    }

    result = subprocess.run(
        [sys.executable, "-m", "lka_devstack", "ensure-servers"], env=env, capture_output=True, text=True, timeout=60
    )

    assert result.returncode != 0
    assert "PostgreSQL (127.0.0.2:1)" in result.stderr
    assert "RabbitMQ (127.0.0.2:1)" in result.stderr
    assert "apt-get install postgresql rabbitmq-server" in result.stderr
    assert "docker compose up -d postgres rabbitmq" in result.stderr
