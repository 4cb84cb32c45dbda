"""The acquirer's registry of a day (реестр операций, docs/acquiring.md "The registry"): a CSV,
one line per movement of money, read from `registry_url` (an HTTP URL, or `file://` for a
registry the bank delivered by its own channel and something put on disk)."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import date, datetime
from pathlib import Path
from typing import cast

import aiohttp

from lka_payments.domain.errors import AcquirerUnavailable
from lka_payments.domain.reconciliation import BankLine, Operation

OPERATIONS = ("deposit", "refund", "reversal")


def parse_registry(text: str) -> list[BankLine]:
    """The registry's lines; a line of an operation not known here is a broken registry."""
    lines = []
    for row in csv.DictReader(io.StringIO(text)):
        if row["operation"] not in OPERATIONS:
            raise AcquirerUnavailable(f"registry: unknown operation {row['operation']!r}")
        lines.append(
            BankLine(
                order_id=row["order_id"],
                order_number=row["order_number"],
                operation=cast(Operation, row["operation"]),
                amount=int(row["amount"]),
                status=int(row["status"]),
                at=datetime.fromisoformat(row["time"]),
                card_brand=row.get("card_brand") or "",
                pan_masked=row.get("masked_pan") or "",
            )
        )
    return lines


async def fetch_registry(url_template: str, day: date, timeout_s: float) -> list[BankLine]:
    url = url_template.format(date=day.isoformat())
    if url.startswith("file://"):
        path = Path(url.removeprefix("file://"))
        return parse_registry(await asyncio.to_thread(path.read_text, encoding="utf-8"))
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout_s)) as http,
            http.get(url, allow_redirects=False) as response,
        ):
            if response.status != 200:
                raise AcquirerUnavailable(f"registry: HTTP {response.status}")
            text = await response.text(encoding="utf-8")
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise AcquirerUnavailable(f"registry: {exc!r}") from exc
    try:
        return parse_registry(text)
    except (KeyError, ValueError) as exc:
        raise AcquirerUnavailable(f"registry: unreadable ({exc!r})") from exc
