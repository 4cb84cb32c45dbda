"""The bodies of an account's bills and its paperless switch (docs/contract.md §2 "accounts", §4
"Tariffs, estimates, bills"): a month's bill with its lines and the path of its PDF, and bills
by e-mail instead of paper."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import Field

from lka_accounts.domain.bills import Bill
from lka_accounts.entrypoints.schemas.accounts import Money
from lka_common.events.fields import MeterValue
from lka_common.money import format_kopecks
from lka_common.schemas import RequestModel, ResponseModel


class BillLineOut(ResponseModel):
    title: str = Field(examples=["Электроэнергия, день"])
    zone: str = Field(examples=["T1"])
    quantity_kwh: MeterValue = Field(description="kWh billed in the zone.")
    price: Money = Field(description="Roubles per kWh.", examples=["6.49"])
    amount: Money


class BillOut(ResponseModel):
    id: str = Field(description="Billing's id of the bill.", examples=["B-91000202-2026-11"])
    period: str = Field(examples=["2026-11"], description="The month billed.")
    issued_at: datetime
    opening_balance: Money = Field(description="Debt at the start of the month: > 0 owed, < 0 overpaid.")
    lines: list[BillLineOut]
    charged: Money = Field(description="The lines' sum.")
    payments: Money = Field(description="Paid during the month.")
    penalty: Money
    total_due: Money = Field(description="What the bill asks to pay by due_date (< 0: overpaid).")
    due_date: date
    pdf_url: str = Field(description="The bill as PDF, under the same API prefix.")

    @classmethod
    def of(cls, account_id: UUID, bill: Bill) -> BillOut:
        lines = [
            BillLineOut(
                title=line.title,
                zone=line.zone,
                quantity_kwh=line.quantity_kwh,
                price=format_kopecks(line.price_kopecks),
                amount=format_kopecks(line.amount_kopecks),
            )
            for line in bill.lines
        ]
        return cls(
            id=bill.id,
            period=bill.period,
            issued_at=bill.issued_at,
            opening_balance=format_kopecks(bill.opening_balance_kopecks),
            lines=lines,
            charged=format_kopecks(bill.charged_kopecks),
            payments=format_kopecks(bill.payments_kopecks),
            penalty=format_kopecks(bill.penalty_kopecks),
            total_due=format_kopecks(bill.total_due_kopecks),
            due_date=bill.due_date,
            pdf_url=f"/api/v1/accounts/{account_id}/bills/{bill.id}.pdf",
        )


class PaperlessIn(RequestModel):
    enabled: bool = Field(description="true: bills by e-mail with the PDF, no paper; false: paper again.")


class PaperlessOut(ResponseModel):
    account_id: UUID
    enabled: bool
    message: str | None = Field(default=None, description="What changed, for people (on PUT).")
