"""Every event type of the contract and its payload model, inbound or outbound.

Built from the producer modules, so a model added to one of them is in the catalog (and in
the AsyncAPI document) without its type string being written twice.
"""

from __future__ import annotations

from types import ModuleType
from typing import Literal

from lka_common.events import accounts, billing, identity, notifications, payments, readings
from lka_common.events.base import EventData

Direction = Literal["inbound", "outbound"]

# Inbound: published by billing on lka.events (source /billing) for the portal to consume.
INBOUND_MODULES: tuple[ModuleType, ...] = (billing,)
# Outbound: published by the portal's own services (source /lka/<service>).
OUTBOUND_MODULES: tuple[ModuleType, ...] = (identity, accounts, readings, payments, notifications)


def models_of(module: ModuleType) -> list[type[EventData]]:
    """The event payload models a producer module defines, in the order it defines them."""
    return [
        member
        for member in vars(module).values()
        if isinstance(member, type)
        and issubclass(member, EventData)
        and member.__module__ == module.__name__
        and "event_type" in vars(member)
    ]


def _by_type(modules: tuple[ModuleType, ...]) -> dict[str, type[EventData]]:
    catalog: dict[str, type[EventData]] = {}
    for module in modules:
        for model in models_of(module):
            if model.event_type in catalog:
                raise ValueError(f"{model.event_type} is the type of both {catalog[model.event_type]} and {model}")
            catalog[model.event_type] = model
    return catalog


INBOUND: dict[str, type[EventData]] = _by_type(INBOUND_MODULES)
OUTBOUND: dict[str, type[EventData]] = _by_type(OUTBOUND_MODULES)
EVENT_MODELS: dict[str, type[EventData]] = _by_type(INBOUND_MODULES + OUTBOUND_MODULES)


def direction(event_type: str) -> Direction:
    """Whether the portal receives (billing's) or sends (its own) events of this type."""
    if event_type in INBOUND:
        return "inbound"
    if event_type in OUTBOUND:
        return "outbound"
    raise KeyError(event_type)


def source_of(event_type: str) -> str:
    """The CloudEvents `source` of this type: `/billing`, or `/lka/<service>` for our own."""
    return "/billing" if direction(event_type) == "inbound" else f"/lka/{event_type.split('.', 1)[0]}"
