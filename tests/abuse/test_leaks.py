"""The leak scan (issue 11, docs/quality.md item 3, 5, 14): after the suite ran real flows and the fuzzer,
no secret the tests used is in any process's log or in any service's database.

The secrets are the actual ones of this run (`Secrets`, filled as each was made): every
password (registration, reset, change, the merged profile's, the operator's), every access
and refresh token of every sign-in and refresh, the confirmation and reset tokens read from
the letters, and the full numbers of the test cards paid with on the emulated bank's page
(two of them kept by the bank as saved cards, which payments lists and pays with again).
The logs are the whole stack's output (`lka-dev run` prints every child's lines: the
gateway, each service's API, consumer and relay, the simulator, the emulator, the mail
catcher), at DEBUG with one line per gateway call; the databases are read with `pg_dump`
(plain SQL, data included). A masked card number (`411111******1234`) is allowed and is
looked for, to prove the payments dump holds the paid and the saved cards at all.

This module runs last (conftest.py moves it to the end).
"""

from __future__ import annotations

import re
import subprocess

from abuse_actions import masked
from abuse_actors import Secrets, World
from abuse_world import DAVE_CARD, VISA
from sqlalchemy.engine import make_url

from lka_common.testing.servers import Servers
from lka_common.testing.stack import SERVICES, Stack

KINDS = {
    "password",
    "access token",
    "refresh token",
    "confirmation token",
    "reset token",
    "card number",
    # The seeded operator's second factor (abuse_actors.sign_in_staff).
    "totp secret",
    "recovery code",
    "mfa token",
}


def dump(servers: Servers, database: str) -> str:
    url = make_url(servers.postgres_url).set(drivername="postgresql", database=database)
    done = subprocess.run(
        ["pg_dump", "--no-owner", "--no-privileges", url.render_as_string(hide_password=False)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def hits(text: str, where: str, vault: Secrets) -> list[str]:
    """Each secret found, with a little context and the secret itself replaced by its kind."""
    found = []
    for kind, needle in vault.needles():
        for match in re.finditer(re.escape(needle), text):
            line_start = text.rfind("\n", 0, match.start()) + 1
            line_end = text.find("\n", match.end())
            line = text[line_start : line_end if line_end >= 0 else len(text)]
            context = line.replace(needle, f"<{kind}>")
            found.append(f"{where}: {kind}: {context[:300]}")
    return found


def database_names(env: dict[str, str]) -> dict[str, str]:
    return {svc: str(make_url(env[f"LKA_{svc.upper()}_DATABASE_URL"]).database) for svc in SERVICES}


def test_the_run_used_every_kind_of_secret(world: World, vault: Secrets) -> None:
    assert set(vault.found) == KINDS, sorted(vault.found)
    assert len(vault.found["password"]) >= 7 and len(vault.found["access token"]) >= 8


def test_no_log_line_of_any_process_holds_a_secret(abuse_stack: Stack, world: World, vault: Secrets) -> None:
    text = abuse_stack.process.text()
    # The scan reads real logs: every process spoke, and the seeded flows are in them.
    for process in ("gateway", "identity-api", "accounts-api", "payments-api", "acquirer-emulator", "mailcatcher"):
        assert f"\n{process}" in text, f"no line of {process}"
    assert world.alice_payment in text and world.alice_account in text, "the seeded calls are not in the log"
    assert hits(text, "log", vault) == []


def test_no_database_holds_a_secret(servers: Servers, abuse_env: dict[str, str], world: World, vault: Secrets) -> None:
    found = []
    dumps = {svc: dump(servers, name) for svc, name in database_names(abuse_env).items()}
    for svc, text in dumps.items():
        found += hits(text, f"{svc} database", vault)
    # The dumps hold the run's data: the users, the linked account, the paid card, masked.
    assert world.alice.email in dumps["identity"] and world.alice_account in dumps["accounts"]
    assert world.alice_reading in dumps["readings"]
    assert world.alice_payment in dumps["payments"] and masked(VISA) in dumps["payments"]
    assert world.alice_card in dumps["payments"] and masked(DAVE_CARD) in dumps["payments"]
    assert world.alice_bill in dumps["accounts"] and world.alice_appeal in dumps["notifications"]
    assert found == []
