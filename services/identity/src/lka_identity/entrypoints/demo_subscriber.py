"""The confirmed demo subscriber `make run` creates (tools/devstack):
`python -m lka_identity.entrypoints.demo_subscriber --email E --password P`.

Idempotent: a second run, or an address already taken by anyone, leaves everything as it is and
exits 0. Staff are made by another command (entrypoints/operator.py), which refuses taken
addresses instead.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from pydantic import TypeAdapter, ValidationError

from lka_common.schemas import EmailAddress
from lka_identity.bootstrap import command_context
from lka_identity.domain.errors import FormRefused
from lka_identity.service_layer.demo import ensure_demo_subscriber
from lka_identity.settings import IdentitySettings


async def run(settings: IdentitySettings, email: str, password: str) -> bool:
    async with command_context(settings) as (new_uow, ctx):
        return await ensure_demo_subscriber(new_uow(), ctx, email=email, password=password)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="lka-identity-demo-subscriber", description="Создать демо-абонента ЛКА")
    parser.add_argument("--email", required=True)
    parser.add_argument("--password", required=True)
    args = parser.parse_args(argv)
    try:
        email = TypeAdapter(EmailAddress).validate_python(args.email)
    except ValidationError:
        sys.exit(f"Некорректный адрес электронной почты: {args.email}")
    try:
        created = asyncio.run(run(IdentitySettings(), email, args.password))
    except FormRefused as refused:
        sys.exit(f"Пароль не принят: {refused.refusals[0].message}")
    if created:
        print(f"Демо-абонент {email} создан: адрес подтвержден.")
    else:
        print(f"Адрес {email} уже есть в ЛКА: ничего не изменено.")


if __name__ == "__main__":
    main()
