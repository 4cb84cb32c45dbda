"""The acquirer as the service sees it: a small interface, so a second bank's protocol
(T-Bank's `Init`/`GetState`, say) is another adapter and nothing else changes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from lka_payments.domain.model import AcquirerOrder


@dataclass(frozen=True)
class OrderRequest:
    order_number: str
    amount_kopecks: int
    return_url: str
    fail_url: str
    callback_url: str
    description: str
    session_timeout_s: int
    bundle: dict[str, Any]


@dataclass(frozen=True)
class RegisteredOrder:
    order_id: str
    form_url: str


class Acquirer(Protocol):
    async def register(self, request: OrderRequest) -> RegisteredOrder: ...

    async def status(self, order_id: str) -> AcquirerOrder: ...

    async def reverse(self, order_id: str) -> None: ...

    async def refund(self, order_id: str, amount_kopecks: int) -> None: ...

    def verify_callback(self, params: Mapping[str, str]) -> bool: ...
