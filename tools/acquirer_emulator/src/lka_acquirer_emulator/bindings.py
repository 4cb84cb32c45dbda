"""Bindings (связки): a card the bank keeps for one of the merchant's clients, so the client pays
with it again without typing it (`paymentOrderBinding.do`). Made when an order registered with
`clientId` is paid on the card page; listed by `getBindings.do`, ended by `unBindCard.do`.

Like the orders, a binding keeps only what the bank shows the merchant (masked number, expiry,
brand), and what the test card decided about later payments, never the card number.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from lka_acquirer_emulator.orders import Order


@dataclass
class Binding:
    client_id: str
    masked_pan: str
    expiry_date: str  # YYYYMM, as RBS reports it
    brand: str
    challenged: bool  # the issuer asks for 3-D Secure on each payment with it
    created_at: datetime
    binding_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    active: bool = True
    # What the issuer answers a payment with this binding: 0 pays; another action code declines
    # (set by `PUT /emulator/bindings/{bindingId}`: a card whose money ran out, say).
    action_code: int = 0


class BindingStore:
    def __init__(self) -> None:
        self._bindings: dict[str, Binding] = {}

    def bind(self, order: Order, now: datetime) -> Binding:
        """The binding of the card that paid this order for its client: the active one of the
        same card if the client has it already (the bank keeps one per card and client)."""
        assert order.client_id and order.masked_pan and order.expiration and order.brand
        for binding in self.of_client(order.client_id):
            if (binding.masked_pan, binding.expiry_date) == (order.masked_pan, order.expiration):
                return binding
        binding = Binding(
            order.client_id, order.masked_pan, order.expiration, order.brand, order.challenged_with_binding, now
        )
        self._bindings[binding.binding_id] = binding
        return binding

    def active(self, binding_id: str) -> Binding | None:
        binding = self._bindings.get(binding_id)
        return binding if binding is not None and binding.active else None

    def of_client(self, client_id: str) -> list[Binding]:
        return [b for b in self._bindings.values() if b.client_id == client_id and b.active]
