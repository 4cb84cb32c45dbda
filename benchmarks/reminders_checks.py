"""The checks of benchmarks/reminders.py: what its run did, read back from the database."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
from reminders_data import DAY, FIRST_NUMBER

from lka_common.commands.notifications import SendReminders
from lka_common.testing.databases import plain_url
from lka_readings.domain.reminders import verification_stages


@dataclass
class Checks:
    reminded: int
    letters: int
    duplicates: int
    to_accounts_with_a_reading: int
    to_removed_or_unlinked: int


async def check(url: str) -> Checks:
    """What the run did, read back from the database."""
    account = f"((letter #>> '{{params,account_number}}')::bigint - {FIRST_NUMBER})"
    connection = await asyncpg.connect(plain_url(url), command_timeout=600)
    try:
        reminded = await connection.fetchval("SELECT count(*) FROM reminders_sent WHERE kind = 'reading_window'")
        row = await connection.fetchrow(
            f"SELECT count(*) AS letters,"
            f" count(*) - count(DISTINCT (letter #>> '{{user_id}}', {account})) AS duplicates,"
            f" count(*) FILTER (WHERE {account} % 10 = 0 OR {account} % 50 = 7) AS with_reading,"
            f" count(*) FILTER (WHERE {account} % 100 IN (3, 13)) AS removed_or_unlinked"
            " FROM outbox, jsonb_array_elements(body::jsonb #> '{data,letters}') AS letter"
            " WHERE routing_key = $1 AND body::jsonb #>> '{data,template}' = 'reading_window_reminder'",
            SendReminders.event_type,
        )
    finally:
        await connection.close()
    return Checks(reminded, row["letters"], row["duplicates"], row["with_reading"], row["removed_or_unlinked"])


async def verification_expected(url: str) -> int:
    """Meters in service whose date is due for a verification reminder on DAY, with someone linked."""
    conditions = " OR ".join(
        f"m.verification_due BETWEEN '{stage.first_due}' AND '{stage.last_due}'" for stage in verification_stages(DAY)
    )
    connection = await asyncpg.connect(plain_url(url))
    try:
        return int(
            await connection.fetchval(
                "SELECT count(*) FROM meters m"
                " JOIN accounts a ON (a.region_code, a.number) = (m.region_code, m.account_number)"
                f" WHERE NOT m.removed AND ({conditions})"
                " AND EXISTS (SELECT 1 FROM account_links l WHERE l.account_id = a.id AND l.linked)"
            )
        )
    finally:
        await connection.close()
