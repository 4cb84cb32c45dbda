"""The AsyncAPI document: generated from the event models, and the committed copy kept equal."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from lka_common.asyncapi import REGENERATE, build_document, render_yaml
from lka_common.events.catalog import EVENT_MODELS, INBOUND, OUTBOUND
from lka_common.events.envelope import CONTENT_TYPE

COMMITTED = Path(__file__).resolve().parents[3] / "docs" / "asyncapi.yaml"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build_document()


def refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def resolve(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def test_committed_document_equals_the_one_generated_from_the_models() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == render_yaml(), (
        f"docs/asyncapi.yaml is out of date with the event models; regenerate it from the repository root: {REGENERATE}"
    )


def test_running_the_module_prints_the_document() -> None:
    done = subprocess.run([sys.executable, "-m", "lka_common.asyncapi"], capture_output=True, check=True)
    assert done.stdout.decode("utf-8") == render_yaml()


def test_rendered_yaml_reads_back_as_the_document_without_anchors(document: dict[str, Any]) -> None:
    rendered = render_yaml()
    assert yaml.safe_load(rendered) == document
    assert "&id" not in rendered


def test_document_is_asyncapi_3_with_a_channel_per_event_type(document: dict[str, Any]) -> None:
    assert document["asyncapi"] == "3.0.0"
    assert document["info"]["title"] == "ЛКА — события"
    assert set(document["channels"]) == set(EVENT_MODELS)
    assert document["servers"]["local"] == {
        **document["servers"]["local"],
        "host": "127.0.0.1:5672",
        "protocol": "amqp",
    }


@pytest.mark.parametrize("event_type", EVENT_MODELS)
def test_channel_is_the_routing_key_on_the_events_exchange(document: dict[str, Any], event_type: str) -> None:
    channel = document["channels"][event_type]
    assert channel["address"] == event_type
    amqp = channel["bindings"]["amqp"]
    assert amqp["is"] == "routingKey"
    assert amqp["exchange"] == {**amqp["exchange"], "name": "lka.events", "type": "topic", "durable": True}


def test_portal_receives_billing_events_and_sends_its_own(document: dict[str, Any]) -> None:
    actions = {
        resolve(document, op["channel"]["$ref"])["address"]: op["action"] for op in document["operations"].values()
    }
    assert actions == {**dict.fromkeys(INBOUND, "receive"), **dict.fromkeys(OUTBOUND, "send")}


@pytest.mark.parametrize("event_type", EVENT_MODELS)
def test_message_is_a_cloudevent_whose_data_is_the_model(document: dict[str, Any], event_type: str) -> None:
    model = EVENT_MODELS[event_type]
    message = resolve(document, document["channels"][event_type]["messages"][model.__name__]["$ref"])
    assert message["contentType"] == CONTENT_TYPE
    payload = message["payload"]
    assert payload["properties"]["type"]["const"] == event_type
    data = resolve(document, payload["properties"]["data"]["$ref"])
    assert data["title"] == model.__name__
    assert set(data["properties"]) == set(model.model_fields)


def test_billing_envelope_requires_only_the_core_attributes_and_ours_all(document: dict[str, Any]) -> None:
    messages = document["components"]["messages"]
    for event_type, model in EVENT_MODELS.items():
        payload = messages[model.__name__]["payload"]
        if event_type in INBOUND:
            assert payload["required"] == ["specversion", "id", "source", "type", "data"]
            assert payload["properties"]["source"]["const"] == "/billing"
        else:
            assert set(payload["required"]) == set(payload["properties"])
            assert payload["properties"]["source"]["const"] == "/lka/" + event_type.split(".")[0]


def test_every_reference_resolves_within_the_document(document: dict[str, Any]) -> None:
    found = list(refs(document))
    assert any(ref.startswith("#/components/schemas/Last") for ref in found)  # nested models, once $defs
    for ref in found:
        assert resolve(document, ref) is not None, ref
    assert "$defs" not in render_yaml()
