"""Create a profile for the supplier's staff (`make operator EMAIL=… PASSWORD=… [ROLE=…]`):
`python -m lka_identity.entrypoints.operator --email E --password P [--role operator|supervisor]`.

Only a new address becomes staff, confirmed, with the given password and its second factor
enrolled: the command prints the TOTP enrolment URI on a line of its own starting `otpauth://`
(for an authenticator app, or a script computing codes) and the ten recovery codes, once; they
are never shown again. An address any profile already has is refused with exit status 1 and
nothing changed (service_layer/operators.py says why). The demo subscriber has a command of its
own (entrypoints/demo_subscriber.py).
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from pydantic import TypeAdapter, ValidationError

from lka_common.schemas import EmailAddress
from lka_identity.bootstrap import command_context
from lka_identity.domain.errors import FormRefused
from lka_identity.domain.messages import ROLE_NAMES
from lka_identity.domain.users import OPERATOR_ROLE, STAFF_ROLES
from lka_identity.service_layer.operators import AddressTaken, create_staff
from lka_identity.service_layer.second_factor import Enrolment
from lka_identity.settings import IdentitySettings


async def run(settings: IdentitySettings, email: str, password: str, role: str = OPERATOR_ROLE) -> Enrolment:
    async with command_context(settings) as (new_uow, ctx):
        _, enrolment = await create_staff(new_uow(), ctx, email=email, password=password, role=role)
    return enrolment


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="lka-identity-operator", description="Создать сотрудника поставщика в ЛКА")
    parser.add_argument("--email", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--role", default=OPERATOR_ROLE, help="operator (по умолчанию) или supervisor")
    args = parser.parse_args(argv)
    if args.role not in STAFF_ROLES:
        # Not argparse's `choices`: its refusal is in English, and a subscriber is not staff.
        parser.error(
            f"роль {args.role!r} не роль сотрудника: operator или supervisor"
            " (демо-абонента создает python -m lka_identity.entrypoints.demo_subscriber)"
        )
    try:
        email = TypeAdapter(EmailAddress).validate_python(args.email)
    except ValidationError:
        sys.exit(f"Некорректный адрес электронной почты: {args.email}")
    try:
        enrolment = asyncio.run(run(IdentitySettings(), email, args.password, args.role))
    except FormRefused as refused:
        sys.exit(f"Пароль не принят: {refused.refusals[0].message}")
    except AddressTaken:
        sys.exit(
            f"Адрес {email} уже занят учетной записью ЛКА: сотрудник создается только с новым адресом. "
            "Ничего не изменено."
        )
    print(f"Создан {ROLE_NAMES[args.role]} {email} (роль {args.role}): адрес подтвержден.")
    print_enrolment(enrolment)


def print_enrolment(enrolment: Enrolment) -> None:
    """The enrolment URI on a line of its own starting `otpauth://`, then the recovery codes."""
    print(
        "Вход сотрудника — с кодом из приложения-аутентификатора. Добавьте в приложение ключ по ссылке"
        " (или откройте ее на телефоне):"
    )
    print(enrolment.otpauth_uri)
    print("Резервные коды — каждый на один вход без приложения. Сохраните их: больше они не будут показаны.")
    for code in enrolment.recovery_codes:
        print(f"  {code}")


if __name__ == "__main__":
    main()
