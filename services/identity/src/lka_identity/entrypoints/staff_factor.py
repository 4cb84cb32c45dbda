"""Enrol a new second factor for an existing staff profile: `python -m
lka_identity.entrypoints.staff_factor --email E`.

For a staff profile made before staff signed in with a second factor (it has none), or a
supervisor who lost theirs with no other supervisor to reset it. Prints the TOTP enrolment URI on
a line starting `otpauth://` and ten recovery codes, once, as `make operator` does; the old
factor and codes stop working and every session of the profile ends. An address that is no
staff profile's: exit status 1, nothing changed. Supervisors reset a colleague's factor on
«Сотрудники» instead (a letter to the colleague's mailbox).
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from lka_identity.bootstrap import command_context
from lka_identity.entrypoints.operator import print_enrolment
from lka_identity.service_layer.operators import NotStaff, enrol_again
from lka_identity.service_layer.second_factor import Enrolment
from lka_identity.settings import IdentitySettings


async def run(settings: IdentitySettings, email: str) -> Enrolment:
    async with command_context(settings) as (new_uow, ctx):
        return await enrol_again(new_uow(), ctx, email=email)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="lka-identity-staff-factor", description="Подключить сотруднику новый второй фактор входа"
    )
    parser.add_argument("--email", required=True)
    args = parser.parse_args(argv)
    try:
        enrolment = asyncio.run(run(IdentitySettings(), args.email))
    except NotStaff:
        sys.exit(f"Адрес {args.email} не принадлежит сотруднику ЛКА. Ничего не изменено.")
    print(f"Второй фактор сотрудника {args.email} заменен: прежние коды не действуют, все сеансы завершены.")
    print_enrolment(enrolment)


if __name__ == "__main__":
    main()
