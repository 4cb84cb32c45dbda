"""The simulator's memory of the portal payments it registered, kept in a JSON file.

A balance after a payment is the demo debt less every payment registered up to and including
that one, so answering the same payment again (a redelivery, a restart) gives the same event
with the same content; and a restart of `make run` does not forget what was paid.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True)
class Registration:
    payment_id: str
    region_code: str
    number: str
    amount_kopecks: int
    paid_at: str
    registered_at: str
    sequence: int

    @property
    def registered_moment(self) -> datetime:
        return datetime.fromisoformat(self.registered_at)


class Ledger:
    """Not safe across processes: one simulator per vhost (the file name says which)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._entries: dict[str, Registration] = {}
        if path.exists():
            for raw in json.loads(path.read_text(encoding="utf-8")):
                entry = Registration(**raw)
                self._entries[entry.payment_id] = entry

    def register(
        self, payment_id: str, region_code: str, number: str, amount_kopecks: int, paid_at: datetime, now: datetime
    ) -> Registration:
        """Register a payment once; the same payment again returns its first registration."""
        found = self._entries.get(payment_id)
        if found is not None:
            return found
        entry = Registration(
            payment_id=payment_id,
            region_code=region_code,
            number=number,
            amount_kopecks=amount_kopecks,
            paid_at=paid_at.isoformat(),
            registered_at=now.isoformat(),
            sequence=len(self._entries) + 1,
        )
        self._entries[payment_id] = entry
        self._save()
        return entry

    def of_account(self, region_code: str, number: str) -> list[Registration]:
        """The account's registered payments, in the order they were registered."""
        found = [e for e in self._entries.values() if (e.region_code, e.number) == (region_code, number)]
        return sorted(found, key=lambda e: e.sequence)

    def paid_through(self, entry: Registration) -> int:
        """Kopecks registered to the entry's account up to and including the entry."""
        return sum(
            other.amount_kopecks
            for other in self._entries.values()
            if (other.region_code, other.number) == (entry.region_code, entry.number)
            and other.sequence <= entry.sequence
        )

    def _save(self) -> None:
        # Written aside and renamed: a crash mid-write leaves the old ledger, never half a file.
        self._path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self._path.with_suffix(".tmp")
        entries = [asdict(entry) for entry in sorted(self._entries.values(), key=lambda e: e.sequence)]
        temporary.write_text(json.dumps(entries, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(temporary, self._path)
