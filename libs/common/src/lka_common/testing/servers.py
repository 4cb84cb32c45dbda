"""The PostgreSQL and RabbitMQ a test run uses: containers where a Docker engine runs,
else the local servers (docs/contract.md §1), each run in its own vhost and databases."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import quote

from lka_common.settings import DEFAULT_AMQP_URL, DEFAULT_POSTGRES_URL, shared_env


@dataclass(frozen=True)
class Servers:
    postgres_url: str  # an admin (superuser) URL, plain postgresql:// scheme
    amqp_base_url: str  # without vhost, ending in "/"
    manage_vhosts: bool  # False in a throwaway container: its default vhost is ours


def docker_available() -> bool:
    if os.environ.get("LKA_TEST_NO_CONTAINERS") or not shutil.which("docker"):
        return False
    try:
        import docker

        docker.from_env(timeout=2).ping()
    except Exception:  # noqa: BLE001 - any failure means "no engine"
        return False
    return True


@contextmanager
def test_servers() -> Iterator[Servers]:
    if docker_available():
        from testcontainers.postgres import PostgresContainer
        from testcontainers.rabbitmq import RabbitMqContainer

        with PostgresContainer("postgres:15", driver=None) as pg, RabbitMqContainer("rabbitmq:3.13") as mq:
            amqp = f"amqp://guest:guest@{mq.get_container_host_ip()}:{mq.get_exposed_port(5672)}/"
            yield Servers(pg.get_connection_url(), amqp, manage_vhosts=False)
        return
    yield Servers(
        shared_env("POSTGRES_URL", DEFAULT_POSTGRES_URL),
        shared_env("AMQP_URL", DEFAULT_AMQP_URL).rstrip("/") + "/",
        manage_vhosts=True,
    )


def rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


@contextmanager
def private_vhost(servers: Servers, name: str) -> Iterator[str]:
    """An AMQP URL on a vhost of its own, deleted afterwards."""
    if not servers.manage_vhosts:
        yield servers.amqp_base_url
        return
    rabbitmqctl("add_vhost", name)
    try:
        rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
        yield servers.amqp_base_url + quote(name, safe="")
    finally:
        rabbitmqctl("delete_vhost", name)
