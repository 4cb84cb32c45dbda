"""The AsyncAPI 3.0.0 document of every event on `lka.events`, generated from the event models.

The document is what enterprise systems read to bind their queues; generating it from the
same models the services use (and a test comparing it with docs/asyncapi.yaml) keeps the two
from drifting apart. Regenerate with: .venv/bin/python -m lka_common.asyncapi > docs/asyncapi.yaml
"""

from __future__ import annotations

import sys
from typing import Any

import yaml
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from lka_common.events.base import EventData
from lka_common.events.catalog import EVENT_MODELS, direction, source_of
from lka_common.events.envelope import CONTENT_TYPE

TITLE = "ЛКА — события"
VERSION = "1.0.0"
REGENERATE = ".venv/bin/python -m lka_common.asyncapi > docs/asyncapi.yaml"
AMQP_BINDING = "0.3.0"
SCHEMAS = "#/components/schemas/"

# Paragraphs without hard line breaks: YAML folds them itself.
DESCRIPTION = "\n\n".join(
    [
        "Integration events of the subscriber portal (ЛКА) on RabbitMQ.",
        "Every event goes to the durable topic exchange `lka.events` with routing key = the event `type`"
        " (`<producer>.<entity>.<verb>.v<major>`); bind your own queue with a key or a pattern (`payments.#`,"
        " `readings.reading.*.v1`). An event no queue is bound for is kept a while in `lka.events.unrouted`."
        " Messages are persistent; the body is a CloudEvents 1.0 structured JSON document whose `id` is also"
        " the AMQP `message_id`, so a consumer drops duplicates by it.",
        "Consumers ignore fields they do not know: a producer may add fields within a major version, and a"
        " breaking change of `data` is a new major published beside the old one. Money is integer kopecks;"
        " no e-mail address, password, token or card number is ever in an event.",
        "`billing.*` events are published by billing (source `/billing`) and received by the portal; all"
        " others are sent by the portal's services (source `/lka/<service>`).",
    ]
)

# What each envelope carries (docs/contract.md §3): ours every attribute, billing's only the core five.
OUTBOUND_REQUIRED = [
    "specversion", "id", "source", "type", "time", "datacontenttype",
    "subject", "correlationid", "causationid", "traceparent", "data",
]  # fmt: skip
INBOUND_REQUIRED = ["specversion", "id", "source", "type", "data"]


def _schema_mode(event_type: str) -> JsonSchemaMode:
    # Ours are described as we write them, billing's as we accept them.
    return "validation" if direction(event_type) == "inbound" else "serialization"


def _data_schemas() -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """Each event type's `data` schema (a $ref), and every model schema for components/schemas."""
    keys, schema = models_json_schema(
        [(model, _schema_mode(event_type)) for event_type, model in EVENT_MODELS.items()],
        ref_template=SCHEMAS + "{model}",
    )
    refs = {model.event_type: keys[(model, _schema_mode(model.event_type))] for model in EVENT_MODELS.values()}
    return refs, schema.get("$defs", {})


def _envelope(event_type: str, data_ref: dict[str, Any]) -> dict[str, Any]:
    required = INBOUND_REQUIRED if direction(event_type) == "inbound" else OUTBOUND_REQUIRED
    return {
        "type": "object",
        "required": list(required),
        "properties": {
            "specversion": {"type": "string", "const": "1.0"},
            "id": {"type": "string", "format": "uuid", "description": "Unique per event; also the AMQP message_id."},
            "source": {"type": "string", "const": source_of(event_type)},
            "type": {"type": "string", "const": event_type},
            "time": {"type": "string", "format": "date-time"},
            "datacontenttype": {"type": "string", "const": "application/json"},
            "subject": {"type": "string", "description": "The account or user concerned."},
            "correlationid": {"type": "string", "description": "Shared by every event of one user action."},
            "causationid": {"type": "string", "description": "The id of the request or event that caused this."},
            "traceparent": {
                "type": "string",
                "pattern": "^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$",
                "description": "CloudEvents distributed-tracing extension: the W3C trace context of the request"
                " or event that caused this (`tracestate` beside it when that trace has one); a consumer"
                " continues its trace.",
            },
            "data": dict(data_ref),
        },
    }


def _summary(model: type[EventData]) -> str:
    return (model.__doc__ or model.__name__).strip().splitlines()[0]


def _channel(event_type: str, model: type[EventData]) -> dict[str, Any]:
    return {
        "address": event_type,
        "description": f"Routing key `{event_type}` on the topic exchange `{model.exchange}`.",
        "messages": {model.__name__: {"$ref": f"#/components/messages/{model.__name__}"}},
        "bindings": {
            "amqp": {
                "is": "routingKey",
                "exchange": {
                    "name": model.exchange,
                    "type": "topic",
                    "durable": True,
                    "autoDelete": False,
                    "vhost": "/",
                },
                "bindingVersion": AMQP_BINDING,
            }
        },
    }


def _operation(event_type: str, model: type[EventData]) -> tuple[str, dict[str, Any]]:
    inbound = direction(event_type) == "inbound"
    action = "receive" if inbound else "send"
    binding: dict[str, Any] = {"ack": True} if inbound else {"deliveryMode": 2, "mandatory": True}
    return f"{action}{model.__name__}", {
        "action": action,
        "channel": {"$ref": f"#/channels/{event_type}"},
        "summary": _summary(model),
        "messages": [{"$ref": f"#/channels/{event_type}/messages/{model.__name__}"}],
        "bindings": {"amqp": {**binding, "bindingVersion": AMQP_BINDING}},
    }


def _message(event_type: str, model: type[EventData], data_ref: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": model.__name__,
        "title": event_type,
        "summary": _summary(model),
        "contentType": CONTENT_TYPE,
        "correlationId": {"location": "$message.payload#/correlationid"},
        "payload": _envelope(event_type, data_ref),
        "bindings": {"amqp": {"messageType": event_type, "bindingVersion": AMQP_BINDING}},
    }


def build_document() -> dict[str, Any]:
    """The AsyncAPI document, from the point of view of the portal: it sends its own events and
    receives billing's."""
    refs, schemas = _data_schemas()
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for event_type, model in EVENT_MODELS.items():
        channels[event_type] = _channel(event_type, model)
        operation_id, operation = _operation(event_type, model)
        operations[operation_id] = operation
        messages[model.__name__] = _message(event_type, model, refs[event_type])
    return {
        "asyncapi": "3.0.0",
        "info": {"title": TITLE, "version": VERSION, "description": DESCRIPTION},
        "defaultContentType": CONTENT_TYPE,
        "servers": {
            "local": {
                "host": "127.0.0.1:5672",
                "protocol": "amqp",
                "protocolVersion": "0.9.1",
                "description": "RabbitMQ of the local stack (make run); elsewhere, the broker of LKA_AMQP_URL.",
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"schemas": schemas, "messages": messages},
    }


def render_yaml() -> str:
    return yaml.safe_dump(build_document(), sort_keys=False, allow_unicode=True, width=120)


def main() -> None:
    # Bytes, so the Cyrillic title survives a shell whose locale is not UTF-8.
    sys.stdout.buffer.write(render_yaml().encode("utf-8"))


if __name__ == "__main__":
    main()
