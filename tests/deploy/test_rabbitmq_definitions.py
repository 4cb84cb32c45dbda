"""The broker's definitions file (compose loads it at boot) declares the shared topology with
exactly the arguments the services declare it with: a redeclaration with other arguments
would close the services' channels (docs/messaging.md §Topology)."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import yaml

from lka_common.messaging import topology

ROOT = Path(__file__).resolve().parents[2]
DEFINITIONS = json.loads((ROOT / "deploy/compose/rabbitmq-definitions.json").read_text())


def by_name(kind: str) -> dict[str, dict[str, object]]:
    return {item["name"]: item for item in DEFINITIONS[kind]}


def test_exchanges_match_what_the_services_declare() -> None:
    exchanges = by_name("exchanges")

    assert exchanges[topology.EVENTS_EXCHANGE]["type"] == "topic"
    assert exchanges[topology.EVENTS_EXCHANGE]["arguments"] == {"alternate-exchange": topology.UNROUTED_EXCHANGE}
    assert exchanges[topology.UNROUTED_EXCHANGE]["type"] == "fanout"
    assert exchanges[topology.COMMANDS_EXCHANGE]["type"] == "direct"
    assert all(item["durable"] is True and item["arguments"] is not None for item in exchanges.values())


def test_unrouted_queue_is_bounded_as_the_services_declare_it() -> None:
    queue = by_name("queues")[topology.UNROUTED_QUEUE]

    assert queue["arguments"] == {
        "x-queue-type": "quorum",
        "x-max-length": topology.UNROUTED_MAX_LENGTH,
        "x-message-ttl": topology.UNROUTED_TTL_MS,
    }
    bindings = {(b["source"], b["destination"], b["destination_type"]) for b in DEFINITIONS["bindings"]}
    assert (topology.UNROUTED_EXCHANGE, topology.UNROUTED_QUEUE, "queue") in bindings


def test_the_development_user_survives_loading_definitions() -> None:
    (user,) = DEFINITIONS["users"]
    raw = base64.b64decode(user["password_hash"])
    salt, digest = raw[:4], raw[4:]

    assert user["name"] == "guest"
    assert user["hashing_algorithm"] == "rabbit_password_hashing_sha256"
    assert hashlib.sha256(salt + b"guest").digest() == digest
    assert {"user": "guest", "vhost": "/", "configure": ".*", "write": ".*", "read": ".*"} in DEFINITIONS["permissions"]


def test_compose_mounts_the_file_where_the_configuration_loads_it_from() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    config = (ROOT / "deploy/compose/rabbitmq.conf").read_text()

    mount = "./deploy/compose/rabbitmq-definitions.json:/etc/rabbitmq/definitions.json:ro"
    assert mount in compose["services"]["rabbitmq"]["volumes"]
    assert "load_definitions = /etc/rabbitmq/definitions.json" in config
