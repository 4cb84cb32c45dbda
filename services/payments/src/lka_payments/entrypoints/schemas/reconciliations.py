"""The bodies of the day's reconciliation with the bank (docs/contract.md §4)."""

from __future__ import annotations

import datetime as dt
import uuid
from datetime import datetime
from typing import Literal

from pydantic import Field

from lka_common.money import format_kopecks
from lka_common.schemas import RequestModel, ResponseModel
from lka_payments.entrypoints.schemas.days import IsoDay


class ReconciliationIn(RequestModel):
    date: IsoDay = Field(description="The day to compare (Europe/Simferopol), not after today.")


class DiscrepancyOut(ResponseModel):
    kind: Literal["missing_here", "missing_at_bank", "amount_mismatch", "status_mismatch"]
    acquirer_order_id: str | None
    payment_id: uuid.UUID | None
    bank_amount: str | None
    our_amount: str | None
    resolution: str = Field(
        description="`needs_review` (for a person), or `resolved_by_status_poll` (the bank's status, asked, "
        "settled the payment here)."
    )


class ReconciliationOut(ResponseModel):
    date: dt.date
    status: Literal["running", "completed", "failed"]
    bank_total: str | None = Field(description="The registry's day: payments less refunds and reversals.")
    our_total: str | None = Field(description="Ours for the same orders: paid less refunded.")
    matched: int | None
    discrepancies: list[DiscrepancyOut]
    runs: int
    started_at: datetime
    finished_at: datetime | None


def money(kopecks: int | None) -> str | None:
    return None if kopecks is None else format_kopecks(kopecks)
