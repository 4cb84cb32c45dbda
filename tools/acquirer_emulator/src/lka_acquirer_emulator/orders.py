"""The emulated gateway's orders, kept in memory, and its clock (which tests may move on).

Order statuses and action codes are RBS's (docs/acquiring.md). Only the masked card number is
ever recorded here; the outcome a test card decides is kept instead of the card itself.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

REGISTERED, HELD, PAID, REVERSED, REFUNDED, IN_3DS, DECLINED = 0, 1, 2, 3, 4, 5, 6
SESSION_EXPIRED = -2007
THREE_DS_FAILED = 151017

ACTION_DESCRIPTIONS = {
    0: "Платеж успешно проведен",
    5: "Отказ эмитента",
    116: "Недостаточно средств",
    913: "Отказ эмитента",
    THREE_DS_FAILED: "Ошибка аутентификации 3-D Secure",
    151018: "Истекло время обработки платежа",
    SESSION_EXPIRED: "Истек срок ожидания ввода данных",
    -2009: "Плательщик не вернулся из ACS",
}


class Clock:
    """Real time plus an offset that `POST /emulator/clock` advances."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


@dataclass
class Order:
    order_number: str
    amount: int
    return_url: str
    fail_url: str
    description: str
    callback_url: str
    session_timeout_s: int
    bundle: dict[str, Any] | None
    created_at: datetime
    md_order: str = field(default_factory=lambda: str(uuid.uuid4()))
    status: int = REGISTERED
    action_code: int = 0
    masked_pan: str | None = None
    expiration: str | None = None
    cardholder: str | None = None
    brand: str | None = None
    approval_code: str | None = None
    refunded_amount: int = 0
    # When money moved (the day's registry lists each: registry.py): paid, each refund, reversed.
    paid_at: datetime | None = None
    refunds: list[tuple[int, datetime]] = field(default_factory=list)
    reversed_at: datetime | None = None
    # What the test card decided, waiting for the challenge's code (never the card itself).
    pending_action_code: int | None = None
    # Bindings (docs/acquiring.md, "Bindings"): the merchant's client the order was registered
    # for (`clientId`), the binding made or used, and whether the card's issuer would challenge
    # a payment with that binding too.
    client_id: str | None = None
    binding_id: str | None = None
    challenged_with_binding: bool = False
    # How it was paid (RBS `paymentWay`): CARD on the card page, CARD_BINDING, SBP_C2B.
    payment_way: str | None = None
    # The SBP QR code of the order, once asked for (`sbp/c2b/qr/dynamic/get.do`).
    qr_id: str | None = None
    callbacks: list[dict[str, Any]] = field(default_factory=list)

    @property
    def awaiting_payer(self) -> bool:
        return self.status in (REGISTERED, IN_3DS)

    def expires_at(self) -> datetime:
        return self.created_at + timedelta(seconds=self.session_timeout_s)

    def finish(self, action_code: int, at: datetime | None = None) -> None:
        """The card's outcome: paid on action code 0 (at `at`), declined with the code otherwise."""
        self.pending_action_code = None
        self.action_code = action_code
        if action_code == 0:
            self.status = PAID
            self.paid_at = at or datetime.now(UTC)
            self.approval_code = f"{uuid.uuid4().int % 10**6:06d}"
        else:
            self.status = DECLINED

    def record(self) -> dict[str, Any]:
        """The order as `GET /emulator/orders/{mdOrder}` shows it."""
        data = asdict(self)
        data["created_at"] = self.created_at.isoformat()
        data["paid_at"] = self.paid_at.isoformat() if self.paid_at else None
        data["reversed_at"] = self.reversed_at.isoformat() if self.reversed_at else None
        data["refunds"] = [{"amount": amount, "at": at.isoformat()} for amount, at in self.refunds]
        data["orderBundle"] = data.pop("bundle")
        return data


class OrderStore:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._orders: dict[str, Order] = {}
        self._numbers: set[str] = set()

    def add(self, order: Order) -> bool:
        """False if the order number was used before (RBS error 1)."""
        if order.order_number in self._numbers:
            return False
        self._numbers.add(order.order_number)
        self._orders[order.md_order] = order
        return True

    def get(self, md_order: str) -> Order | None:
        order = self._orders.get(md_order)
        if order is not None:
            self.expire(order)
        return order

    def all(self) -> list[Order]:
        return list(self._orders.values())

    def by_number(self, order_number: str) -> Order | None:
        return next((o for o in self._orders.values() if o.order_number == order_number), None)

    def of_client(self, client_id: str) -> list[Order]:
        """The orders registered for a client (`clientId`), oldest first."""
        orders = [o for o in self._orders.values() if o.client_id == client_id]
        for order in orders:
            self.expire(order)
        return orders

    def by_qr(self, qr_id: str) -> Order | None:
        order = next((o for o in self._orders.values() if o.qr_id == qr_id), None)
        if order is not None:
            self.expire(order)
        return order

    def expire(self, order: Order) -> bool:
        """Decline an order whose payer did not finish in time; True if it just expired."""
        if order.awaiting_payer and self.clock.now() >= order.expires_at():
            order.finish(SESSION_EXPIRED)
            return True
        return False

    def expire_all(self) -> list[Order]:
        return [order for order in self._orders.values() if self.expire(order)]
