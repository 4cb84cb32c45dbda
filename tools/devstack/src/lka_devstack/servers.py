"""The local PostgreSQL and RabbitMQ: reachable, or started if installed, or a clear way out."""

from __future__ import annotations

import asyncio
import glob
import os
import shutil
import subprocess
import time
from urllib.parse import urlsplit

import aio_pika
import asyncpg

from lka_common.settings import DEFAULT_AMQP_URL, DEFAULT_POSTGRES_URL, shared_env

WAY_OUT = (
    "Установите и запустите серверы одним из способов:\n"
    "  1) пакеты Debian: apt-get install postgresql rabbitmq-server "
    "(затем pg_ctlcluster --skip-systemctl-redirect 15 main start; rabbitmq-server -detached);\n"
    "  2) контейнеры: docker compose up -d postgres rabbitmq\n"
    "Адреса задаются переменными LKA_POSTGRES_URL и LKA_AMQP_URL."
)


def postgres_url() -> str:
    return shared_env("POSTGRES_URL", DEFAULT_POSTGRES_URL)


def amqp_url() -> str:
    return shared_env("AMQP_URL", DEFAULT_AMQP_URL)


async def postgres_reachable(url: str) -> bool:
    try:
        conn = await asyncpg.connect(url, timeout=2)
    except (TimeoutError, OSError, asyncpg.PostgresError):
        return False
    await conn.close()
    return True


async def rabbitmq_reachable(url: str) -> bool:
    try:
        conn = await aio_pika.connect(url, timeout=3)
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        return False
    await conn.close()
    return True


def _is_local(url: str) -> bool:
    return urlsplit(url).hostname in ("127.0.0.1", "localhost", "::1")


def _start_postgres() -> bool:
    if not shutil.which("pg_ctlcluster"):
        return False
    versions = sorted(os.path.basename(p) for p in glob.glob("/etc/postgresql/*"))
    if not versions:
        return False
    return (
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"], capture_output=True
        ).returncode
        == 0
    )


def _start_rabbitmq() -> bool:
    if not shutil.which("rabbitmq-server"):
        return False
    return subprocess.run(["rabbitmq-server", "-detached"], capture_output=True).returncode == 0


async def _wait(check, url: str, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if await check(url):
            return True
        await asyncio.sleep(1)
    return False


async def ensure_servers() -> None:
    """Exit with a clear message unless both servers answer (starting local ones if installed)."""
    missing = []
    for label, url, check, start in (
        ("PostgreSQL", postgres_url(), postgres_reachable, _start_postgres),
        ("RabbitMQ", amqp_url(), rabbitmq_reachable, _start_rabbitmq),
    ):
        if await check(url):
            continue
        if _is_local(url) and start():
            print(f"[lka-dev] {label} был остановлен — запускаю…", flush=True)
            if await _wait(check, url, 60):
                continue
        missing.append(f"{label} ({urlsplit(url).hostname}:{urlsplit(url).port})")
    if missing:
        raise SystemExit(f"[lka-dev] Недоступны: {', '.join(missing)}.\n{WAY_OUT}")
