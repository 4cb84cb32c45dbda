"""`lka-dev`: the commands behind `make run` and `make test`."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import time

from lka_devstack import budget
from lka_devstack.databases import create_service_databases, migrate_all
from lka_devstack.layout import (
    DEMO_EMAIL,
    DEMO_PASSWORD,
    SERVICES,
    gateway_port,
    mail_http_port,
    mail_smtp_port,
    repo_root,
    stack_env,
    stack_processes,
)
from lka_devstack.servers import ensure_servers, postgres_url
from lka_devstack.supervisor import Supervisor


def say(text: str) -> None:
    print(f"[lka-dev] {text}", flush=True)


async def prepare_databases() -> dict[str, str]:
    started = time.monotonic()
    urls = await create_service_databases(postgres_url())
    await asyncio.to_thread(migrate_all, repo_root(), urls)
    say(f"базы данных готовы и мигрированы ({time.monotonic() - started:.1f} с)")
    return urls


async def bootstrap() -> dict[str, str]:
    await ensure_servers()
    return await prepare_databases()


async def _run_quietly(env: dict[str, str], *argv: str) -> tuple[int, str]:
    child = await asyncio.create_subprocess_exec(
        sys.executable, *argv, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    output, _ = await child.communicate()
    return child.returncode or 0, output.decode(errors="replace")[-2000:]


async def load_demo_data(env: dict[str, str]) -> None:
    """Billing's demo accounts (published once every consumer listens) and the confirmed demo
    subscriber; both idempotent."""
    code, output = await _run_quietly(env, "-m", "lka_billing_simulator", "load")
    if code == 0:
        say("демо-данные загружены (лицевые счета: tools/billing_simulator/README.md)")
    else:
        say(f"демо-данные не загружены (код {code}): {output}")
    code, output = await _run_quietly(
        env,
        "-m",
        "lka_identity.entrypoints.demo_subscriber",
        "--email",
        DEMO_EMAIL,
        "--password",
        DEMO_PASSWORD,
    )
    if code != 0:
        say(f"демо-абонент не создан (код {code}): {output}")


def banner() -> str:
    services = ", ".join(f"{svc.name} {svc.api_port}" for svc in SERVICES)
    rule = "─" * 64
    lines = [
        rule,
        "ЛКА запущен.",
        f"Портал и API:        http://127.0.0.1:{gateway_port()}/  (API: /api/v1)",
        f"Почта (перехватчик): http://127.0.0.1:{mail_http_port()}/  (SMTP 127.0.0.1:{mail_smtp_port()})",
        f"Демо-абонент:        {DEMO_EMAIL} / {DEMO_PASSWORD}",
        f"Сервисы: {services}",
        "Остановить всё: Ctrl-C",
        rule,
    ]
    return "\n".join(f"[lka-dev] {line}" for line in lines)


async def run() -> int:
    """The stack in the foreground: servers checked, its connections claimed (or refused with
    the numbers), databases ready, every process up; until Ctrl-C."""
    await ensure_servers()
    env = {
        **os.environ,
        **stack_env(),
        "PYTHONUNBUFFERED": "1",
        "LKA_ENVIRONMENT": os.environ.get("LKA_ENVIRONMENT", "development"),
    }
    names = [svc.name for svc in SERVICES]
    # `fit` (test stacks, `make bench`): the largest pools up to those asked for that fit beside
    # what already runs; otherwise exactly those asked for (the local ones by default), or nothing.
    shrink = env.get("LKA_DEV_POOLS") == "fit"
    pools = budget.requested(env, names)
    async with budget.claim(postgres_url(), pools, shrink=shrink) as claim:
        server = claim.server
        say(
            f"соединения PostgreSQL {server.address}: стек займёт до {claim.need} ({budget.describe(claim.pools)}); "
            f"свободно было {server.left} из {server.usable}"
        )
        env |= budget.pools_env(claim.pools)
        env |= {f"LKA_{name.upper()}_DB_APPLICATION_NAME": f"lka_{name}@{claim.tag}" for name in names}
        await prepare_databases()
        return await _run_stack(env)


async def _run_stack(env: dict[str, str]) -> int:
    supervisor = Supervisor(stack_processes(), env)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await supervisor.start_all()
    try:
        not_ready = await supervisor.wait_ready()
        if supervisor.exited.is_set():
            return 1
        supervisor.keep_alive()  # up: from here on a child that dies is restarted
        if not_ready:
            say(f"не готовы за отведённое время: {', '.join(not_ready)}")
        else:
            await load_demo_data(env)
            print(banner(), flush=True)
        waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(supervisor.exited.wait())]
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        return 1 if supervisor.exited.is_set() and not stop.is_set() else 0
    finally:
        say("останавливаю процессы…")
        await supervisor.stop_all()
        say("все процессы остановлены")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="lka-dev", description="Development stack of the LKA")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="prepare the databases and run every process in the foreground")
    sub.add_parser("bootstrap", help="create and migrate the databases only")
    sub.add_parser("ensure-servers", help="check (or start) the local PostgreSQL and RabbitMQ")
    args = parser.parse_args(argv)
    if args.command == "ensure-servers":
        asyncio.run(ensure_servers())
    elif args.command == "bootstrap":
        asyncio.run(bootstrap())
    elif args.command == "run":
        sys.exit(asyncio.run(run()))
