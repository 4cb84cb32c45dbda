"""What the reminder jobs (reading_window.py, verification_due.py) share about their batches."""

from __future__ import annotations

import asyncio
import uuid

from lka_readings.settings import ReadingsSettings

NO_SUBJECT = uuid.UUID(int=0)  # the cursor before the first account (or meter)


async def pause_between_batches(settings: ReadingsSettings) -> None:
    """After a batch when more follow: a run of a million accounts takes the database's time in
    short turns, and the subscribers' requests get theirs in between (`reminder_pause_ms`)."""
    if settings.reminder_pause_ms:
        await asyncio.sleep(settings.reminder_pause_ms / 1000)
