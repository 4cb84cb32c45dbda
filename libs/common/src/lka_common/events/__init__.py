"""The event contract (docs/contract.md §3): the envelope and every payload model, one module per producer."""

from lka_common.events.base import EventData
from lka_common.events.envelope import CONTENT_TYPE, CloudEvent, new_event

__all__ = ["CONTENT_TYPE", "CloudEvent", "EventData", "new_event"]
