"""Reliability drills of the consumer (docs/messaging.md "Tests that prove it", docs/quality.md item 10-13).

The notifications service's real relay and consumer entrypoints run as separate OS processes
and are killed with SIGKILL at the instant each drill wants to prove safe (the fault pauses of
`lka_common.faults`). Each drill asserts counts: nothing confirmed lost, every effect (a letter,
caught by a real mail catcher) once, poison in the DLQ, the rest done. A drill that stops a
database or a broker does it to a private instance, never to a shared one.
What each drill asserts and how each was seen to fail with its safeguard removed: docs/drills.md.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter

import pytest
from harness import (  # the shared harness beside this file (see conftest.py)
    DEAD_LETTER_QUEUE,
    LETTER_KEY,
    SOURCE,
    Notifications,
    StartProcess,
    failures,
    log_events,
    outcomes,
    poll,
    x_death_reasons,
)

from lka_common.events.envelope import CloudEvent
from lka_common.messaging.topology import COMMANDS_EXCHANGE
from lka_common.testing.amqp import drain, publish_raw, queue_depth
from lka_common.testing.databases import create_migrated_database
from lka_common.testing.layout import service_dir
from lka_common.testing.private_servers import PrivateMailCatcher, PrivatePostgres

pytestmark = [pytest.mark.drill, pytest.mark.slow]


async def test_consumer_killed_after_its_effect_before_its_ack_sends_one_letter(notifications: Notifications) -> None:
    n = notifications
    command = n.letter("c", 0)
    first = await n.consumer(fault="consumer.after_commit:60")
    await n.send([command])

    await first.wait_for_event("fault_pause", point="consumer.after_commit")
    assert await n.letters() == Counter({n.address("c", 0): 1}), "the letter was not sent before the pause"
    assert await n.inbox() == Counter({command.id: 1}), "the inbox row was not committed before the pause"
    first.kill()

    second = await n.consumer()
    await poll(lambda: outcomes(second), lambda c: c.total() >= 1, "the unacked message redelivered after the kill", 15)
    assert await n.letters() == Counter({n.address("c", 0): 1}), "the letter was sent again"
    assert await n.inbox() == Counter({command.id: 1})
    assert outcomes(second) == Counter(duplicate=1), "the redelivered message was not recognised as a duplicate"
    await n.drained(second)


# ----------------------------------------------------------------------------- d. ten at once


async def test_same_event_ten_times_concurrently_has_one_effect(notifications: Notifications) -> None:
    n = notifications
    command = n.letter("d", 0)
    consumer = await n.consumer()

    await publish_raw(
        n.amqp_url, [(command.to_json(), command.id)] * 10, LETTER_KEY, exchange=COMMANDS_EXCHANGE, concurrently=True
    )
    await poll(lambda: outcomes(consumer), lambda c: c.total() >= 10, "all ten deliveries handled")

    letters = await n.letters()
    assert letters == Counter({n.address("d", 0): 1}), f"letters for one command delivered ten times: {letters}"
    inbox = await n.inbox()
    assert inbox == Counter({command.id: 1}), f"inbox rows for one command delivered ten times: {inbox}"
    assert outcomes(consumer) == Counter(handled=1, duplicate=9), f"outcomes: {outcomes(consumer)}"
    await n.drained(consumer)


# ----------------------------------------------------------------------------- e. poison


async def test_poison_messages_go_to_the_dead_letter_queue_at_once_and_the_rest_flow(
    notifications: Notifications,
) -> None:
    n = notifications
    good = [n.letter("e", i) for i in range(6)]
    unparseable = (b'{"specversion": "1.0", "id": ', str(uuid.uuid4()))
    # A well-formed envelope whose data breaks the contract: no such template, no recipient.
    breaks_contract = CloudEvent(
        id=str(uuid.uuid4()), source=SOURCE, type=LETTER_KEY, data={"template": "no_such_letter", "params": 7}
    )
    consumer = await n.consumer()

    sequence = [
        *[(c.to_json(), c.id) for c in good[:2]],
        unparseable,
        *[(c.to_json(), c.id) for c in good[2:4]],
        (breaks_contract.to_json(), breaks_contract.id),
        *[(c.to_json(), c.id) for c in good[4:]],
    ]
    await publish_raw(n.amqp_url, sequence, LETTER_KEY, exchange=COMMANDS_EXCHANGE)

    await poll(lambda: outcomes(consumer), lambda c: c.total() >= len(good), "the good messages handled")
    await poll(lambda: queue_depth(n.amqp_url, DEAD_LETTER_QUEUE), lambda d: d >= 2, "both poisons dead-lettered")
    dead = await drain(n.amqp_url, DEAD_LETTER_QUEUE)
    assert {m.message_id for m in dead} == {unparseable[1], breaks_contract.id}
    reasons = {m.message_id: x_death_reasons(m.headers) for m in dead}
    assert all(r == [("rejected", 1)] for r in reasons.values()), f"not dead-lettered at once: {reasons}"
    dead_logged = Counter(r["reason"] for r in log_events(consumer, "message_dead_lettered"))
    assert dead_logged == Counter(unparseable=1, permanent=1), f"dead-letter log lines: {dead_logged}"
    assert not log_events(consumer, "message_failed"), "a poison was requeued"

    assert await n.letters() == Counter({n.address("e", i): 1 for i in range(len(good))})
    assert await n.inbox() == Counter({c.id: 1 for c in good})
    await n.drained(consumer)


# ----------------------------------------------------------------------------- f. database stopped

OUTAGE_S = 4.0


async def test_database_stopped_while_consuming_dead_letters_nothing_and_drains(
    private_postgres: PrivatePostgres,
    drill_amqp_url: str,
    mailcatcher: PrivateMailCatcher,
    start_process: StartProcess,
) -> None:
    database_url = create_migrated_database(
        private_postgres.admin_url, f"lka_drill_{uuid.uuid4().hex[:8]}", service_dir("notifications")
    )
    n = Notifications(database_url, drill_amqp_url, mailcatcher, start_process)
    before, during, after = ([n.letter(label, i) for i in range(10)] for label in ("before", "during", "after"))
    commands = [*before, *during, *after]
    consumer = await n.consumer()

    await n.send(before)
    await poll(n.inbox, lambda inbox: inbox.total() == len(before), "the first commands handled")

    private_postgres.stop("immediate")
    stopped_at = time.monotonic()
    await n.send(during)
    await poll(lambda: failures(consumer), bool, "the consumer meeting the database outage")
    # The outage itself: the database stays down for OUTAGE_S while the consumer retries.
    await asyncio.sleep(max(0.0, stopped_at + OUTAGE_S - time.monotonic()))
    private_postgres.start()
    await n.send(after)

    async def accounted_for() -> int:
        return (await n.inbox()).total() + await queue_depth(n.amqp_url, DEAD_LETTER_QUEUE)

    await poll(accounted_for, lambda done: done >= len(commands), "every command handled or dead-lettered", 60)
    dead = await queue_depth(n.amqp_url, DEAD_LETTER_QUEUE)
    assert dead == 0, f"{dead} good messages were dead-lettered during the database outage"
    assert not log_events(consumer, "message_failed"), "a database outage was counted against the delivery limit"
    assert log_events(consumer, "message_retry"), "the consumer never retried: the outage was not exercised"
    await poll(lambda: outcomes(consumer), lambda c: c.total() >= len(commands), "every delivery acknowledged")
    assert outcomes(consumer) == Counter(handled=len(commands)), f"outcomes: {outcomes(consumer)}"
    expected = Counter({n.address(label, i): 1 for label in ("before", "during", "after") for i in range(10)})
    assert await n.letters() == expected, "letters lost or repeated"
    assert await n.inbox() == Counter({c.id: 1 for c in commands})
    await n.drained(consumer)
