"""Base of every event payload model (the `data` of a CloudEvent).

Each model names its CloudEvents `type`; consumers ignore unknown fields, so a producer may
add fields within a major version without breaking anyone (docs/contract.md §3).
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict


class EventData(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    event_type: ClassVar[str]
    # Where the event goes: integration events on lka.events, commands on lka.commands.
    exchange: ClassVar[str] = "lka.events"
    # True for commands carrying a secret (a link with a token): the relay blanks the
    # stored body once the broker has confirmed it (docs/messaging.md §8).
    sensitive: ClassVar[bool] = False
