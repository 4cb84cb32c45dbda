"""Bills (квитанции) as billing issued them (`billing.bill.issued.v1`), and what a bill says in
words: the month, the money in roubles, the payment's purpose."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from lka_common.periods import month_and_year


@dataclass(frozen=True)
class BillLine:
    """One charge: a tariff zone's kWh at its price (kopecks per kWh)."""

    title: str
    zone: str
    quantity_kwh: Decimal
    price_kopecks: int
    amount_kopecks: int


@dataclass(frozen=True)
class Bill:
    """A bill of one account for one month. `id` is billing's; the same id again is the same bill."""

    id: str
    region_code: str
    account_number: str
    period: str
    issued_at: datetime
    opening_balance_kopecks: int
    lines: tuple[BillLine, ...]
    payments_kopecks: int
    penalty_kopecks: int
    total_due_kopecks: int
    due_date: date

    @property
    def charged_kopecks(self) -> int:
        return sum(line.amount_kopecks for line in self.lines)


def month_name(period: str) -> str:
    """ "2026-11" → «ноябрь 2026 г.»."""
    return f"{month_and_year(period)} г."


def roubles(kopecks: int) -> str:
    """Money as a bill prints it: «1 523,40» (a space between thousands, a decimal comma)."""
    sign = "−" if kopecks < 0 else ""
    whole, rest = divmod(abs(kopecks), 100)
    return f"{sign}{whole:,}".replace(",", " ") + f",{rest:02d}"


def payment_purpose(bill: Bill) -> str:
    """The purpose of the payment the bill's QR code proposes."""
    return f"Оплата электроэнергии за {bill.period[5:7]}.{bill.period[:4]}, л/с {bill.account_number}"
