"""What the emulator's handlers share: settings, clock, orders, bindings and the callback sender."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiohttp import web

from lka_acquirer_emulator.bindings import BindingStore
from lka_acquirer_emulator.callbacks import CallbackSender
from lka_acquirer_emulator.orders import Clock, OrderStore
from lka_acquirer_emulator.settings import EmulatorSettings


@dataclass
class Gateway:
    settings: EmulatorSettings
    clock: Clock = field(default_factory=Clock)
    store: OrderStore = field(init=False)
    bindings: BindingStore = field(default_factory=BindingStore)
    callbacks: CallbackSender = field(init=False)

    def __post_init__(self) -> None:
        self.store = OrderStore(self.clock)
        self.callbacks = CallbackSender(self.settings)


GATEWAY = web.AppKey("gateway", Gateway)


def gateway_of(request: web.Request) -> Gateway:
    return request.app[GATEWAY]
