"""The CloudEvents 1.0 envelope (structured JSON mode) of every event and command.

Our events always carry every attribute; inbound billing events need only `specversion`,
`id`, `source`, `type` and `data` (docs/contract.md §3). Unknown attributes are kept, not refused.
`traceparent` and `tracestate` are CloudEvents' distributed-tracing extension: the W3C trace
context of the code that raised the event, which its consumers continue (lka_common.tracing).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from lka_common import context, tracing
from lka_common.events.base import EventData

CONTENT_TYPE = "application/cloudevents+json"


class CloudEvent(BaseModel):
    model_config = ConfigDict(extra="allow")

    specversion: str = "1.0"
    id: str
    source: str
    type: str
    time: datetime | None = None
    datacontenttype: str | None = "application/json"
    subject: str | None = None
    correlationid: str | None = None
    causationid: str | None = None
    traceparent: str | None = None
    tracestate: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)

    def trace_context(self) -> dict[str, str]:
        """The event's W3C trace context, as a propagator reads it."""
        return {name: value for name in tracing.TRACE_ATTRIBUTES if (value := getattr(self, name))}

    def to_json(self) -> bytes:
        return self.model_dump_json(exclude_none=True).encode()

    @classmethod
    def from_json(cls, body: bytes) -> CloudEvent:
        return cls.model_validate_json(body)


def new_event(data: EventData, source: str, subject: str) -> CloudEvent:
    """An event raised by the code now running, carrying its correlation and causation ids and
    its trace context.

    Outside any request or message (a script, a scheduled job) the event starts its own
    correlation and trace, and is its own cause: our events always carry every attribute
    (docs/contract.md §3).
    """
    event_id = str(uuid.uuid4())
    attributes = event_attributes(data.event_type, source, subject)
    correlation = attributes.pop("correlationid", None) or event_id
    causation = attributes.pop("causationid", None) or correlation
    # Constructed, not validated: every value is our own, and a scheduled job raises a thousand at once.
    return CloudEvent.model_construct(
        id=event_id,
        correlationid=correlation,
        causationid=causation,
        **attributes,
        data=data.model_dump(mode="json"),
    )


def event_attributes(event_type: str, source: str, subject: str) -> dict[str, Any]:
    """The attributes of an event the running code raises now, but its `id` and `data`: the
    correlation and causation ids only when it runs for a request or a message (else an event
    is its own correlation and cause, which needs its id), and the trace context."""
    correlation, causation = context.lineage()
    trace_context = tracing.trace_attributes()
    attributes: dict[str, Any] = {
        "source": source,
        "type": event_type,
        "time": datetime.now(UTC),
        "subject": subject,
        "traceparent": trace_context["traceparent"],
        "tracestate": trace_context.get("tracestate"),
        "correlationid": correlation,
        "causationid": causation or correlation,
    }
    return {name: value for name, value in attributes.items() if value is not None}
