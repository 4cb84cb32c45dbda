"""Fixtures of the reliability drills (docs/messaging.md "Tests that prove it", docs/quality.md item 10-13).

Each drill gets a vhost and a database of its own on the shared servers, or a private
PostgreSQL / RabbitMQ when it must stop or kill one (never the shared ones); processes it
starts are SIGKILLed at the end whatever happened, and their last log lines are printed
(pytest shows them with a failure).
"""

from __future__ import annotations

import os
import shutil
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from lka_common.testing.private_servers import PrivateMailCatcher, PrivatePostgres, PrivateRabbitMQ
from lka_common.testing.processes import ServiceProcess
from lka_common.testing.servers import Servers, private_vhost

# The drills share a harness module beside them (pytest imports tests by path, not package).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import Notifications

StartProcess = Callable[[str, str, dict[str, str]], ServiceProcess]


@pytest.fixture(scope="session")
def mailcatcher() -> Iterator[PrivateMailCatcher]:
    """One catcher for the run; each drill tells its letters apart by a random tag in their addresses."""
    with PrivateMailCatcher() as catcher:
        yield catcher


@pytest.fixture
def drill_amqp_url(servers: Servers) -> Iterator[str]:
    """A vhost of this drill alone on the shared broker (its queues go with it)."""
    with private_vhost(servers, f"lka_drill_{uuid.uuid4().hex[:12]}") as url:
        yield url


@pytest.fixture
def notifications_db(migrated_database: Callable[[str], str]) -> str:
    """A fresh, really migrated notifications database on the shared PostgreSQL."""
    return migrated_database("notifications")


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    with PrivatePostgres() as postgres:
        yield postgres
        if not postgres.running():
            print(f"private PostgreSQL left stopped; its log:\n{postgres.log_tail()}")


@pytest.fixture
def private_rabbitmq() -> Iterator[PrivateRabbitMQ]:
    with PrivateRabbitMQ() as node:
        yield node
        print(f"private RabbitMQ {node.node_name}: starts took {[round(s, 1) for s in node.start_seconds]} s")


@pytest.fixture
def start_process() -> Iterator[StartProcess]:
    """Start a real entrypoint (`python -m module`) as a child process; all are killed at the end.

    With `LKA_DRILL_LOG_DIR=<folder>` their whole JSON logs are kept there.
    """
    started: list[ServiceProcess] = []

    def start(name: str, module: str, env: dict[str, str]) -> ServiceProcess:
        process = ServiceProcess.module(name, module, env).start()
        started.append(process)
        return process

    yield start
    for process in started:
        process.kill()
        print(f"----- {process.name} (last lines) -----\n{process.text()[-4000:]}")
        if keep := os.environ.get("LKA_DRILL_LOG_DIR"):
            Path(keep).mkdir(parents=True, exist_ok=True)
            shutil.copy(process.log_path, Path(keep) / f"{process.log_path.stem}.log")
        process.cleanup()


@pytest.fixture
def notifications(
    notifications_db: str, drill_amqp_url: str, mailcatcher: PrivateMailCatcher, start_process: StartProcess
) -> Notifications:
    return Notifications(notifications_db, drill_amqp_url, mailcatcher, start_process)


# ----------------------------------------------------------------------------- a. relay killed
