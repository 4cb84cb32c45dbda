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
    # The payer as the bank's client: set to keep the card (a binding) or to pay with a kept one.
    client_id: str | None = None


@dataclass(frozen=True)
class RegisteredOrder:
    order_id: str
    form_url: str


@dataclass(frozen=True)
class BindingPayment:
    """The bank's answer to a payment with a saved card: decided at once (`challenge_url` None),
    or waiting for the payer's 3-D Secure challenge, where `challenge_url` sends the browser."""

    challenge_url: str | None


@dataclass(frozen=True)
class SbpQr:
    qr_id: str
    payload: str  # the QR code's text: an NSPK link (https://qr.nspk.ru/…)


@dataclass(frozen=True)
class Binding:
    binding_id: str
    pan_masked: str
    expiry: str  # YYYYMM


class Acquirer(Protocol):
    async def register(self, request: OrderRequest) -> RegisteredOrder: ...

    async def pay_with_binding(self, order_id: str, binding_id: str) -> BindingPayment: ...

    async def sbp_qr(self, order_id: str) -> SbpQr: ...

    async def bindings(self, client_id: str) -> list[Binding]: ...

    async def unbind(self, binding_id: str) -> None: ...

    async def status(self, order_id: str) -> AcquirerOrder: ...

    async def order_by_number(self, order_number: str) -> tuple[str, AcquirerOrder]:
        """The order registered under our number: its id (`mdOrder`) and status (an unknown one is
        refused, errorCode 6)."""
        ...

    async def reverse(self, order_id: str) -> None: ...

    async def refund(self, order_id: str, amount_kopecks: int) -> None: ...

    def verify_callback(self, params: Mapping[str, str]) -> bool: ...
