"""Create or promote an operator of the supplier (`make operator EMAIL=… PASSWORD=…`):
`python -m lka_identity.entrypoints.operator --email E --password P`.

A new address becomes a confirmed user with the `operator` role; a registered one is promoted
(and confirmed) with its password left as it was.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from pydantic import TypeAdapter, ValidationError

from lka_common.db import make_engine, make_sessionmaker
from lka_common.schemas import EmailAddress
from lka_common.uow import UnitOfWork
from lka_identity.bootstrap import new_password_hasher
from lka_identity.domain.errors import FormRefused
from lka_identity.domain.users import OPERATOR_ROLE, SUBSCRIBER_ROLE
from lka_identity.service_layer.context import IdentityContext
from lka_identity.service_layer.keys import KeyRing
from lka_identity.service_layer.operators import make_operator
from lka_identity.settings import IdentitySettings


async def run(settings: IdentitySettings, email: str, password: str, role: str = OPERATOR_ROLE) -> bool:
    engine = make_engine(settings, pool_size=1, max_overflow=0)
    passwords = new_password_hasher(settings)
    try:
        sessionmaker = make_sessionmaker(engine)

        def new_uow() -> UnitOfWork:
            return UnitOfWork(sessionmaker, settings.source)

        ctx = IdentityContext(settings, passwords, KeyRing(new_uow, settings))
        return await make_operator(new_uow(), ctx, email=email, password=password, role=role)
    finally:
        passwords.close()
        await engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="lka-identity-operator", description="Создать или назначить оператора ЛКА")
    parser.add_argument("--email", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument(
        "--role", choices=[OPERATOR_ROLE, SUBSCRIBER_ROLE], default=OPERATOR_ROLE, help="subscriber: the demo user"
    )
    args = parser.parse_args(argv)
    try:
        email = TypeAdapter(EmailAddress).validate_python(args.email)
    except ValidationError:
        sys.exit(f"Некорректный адрес электронной почты: {args.email}")
    try:
        created = asyncio.run(run(IdentitySettings(), email, args.password, args.role))
    except FormRefused as refused:
        sys.exit(f"Пароль не принят: {refused.refusals[0].message}")
    if args.role == SUBSCRIBER_ROLE:
        print(f"Абонент {email} {'создан' if created else 'уже есть'}: адрес подтвержден.")
    elif created:
        print(f"Создан оператор {email}: адрес подтвержден, можно входить в личный кабинет.")
    else:
        print(f"Пользователь {email} назначен оператором (пароль не изменен).")


if __name__ == "__main__":
    main()
