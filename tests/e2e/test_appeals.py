"""Appeals (обращения, issue 25) end to end through the gateway: a subscriber files one with a
photo that has GPS coordinates in its EXIF and a PDF; an operator signed in with the second
factor takes it and answers with a file; the author gets the letter, replies (which reopens it)
and closes it. The stored photo has no EXIF left, the events say what happened without the
text, and what must be refused is: an executable named .jpg, a 6 MiB file (while it streams,
the service's memory staying flat), another subscriber's download, a subscriber at the desk."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from functools import partial
from io import BytesIO
from pathlib import Path
from typing import Any

import aio_pika
import httpx
import pytest
from operator_support import make_operator
from PIL import Image

from lka_common.messaging.topology import EVENTS_EXCHANGE
from lka_common.testing import events
from lka_common.testing.files import GPS_IFD, executable, photo_with_gps, small_pdf
from lka_common.testing.portal import letter, new_address, new_subscriber
from lka_common.testing.stack import Stack

eventually = partial(events.eventually, timeout=20, interval=0.3)

pytestmark = pytest.mark.slow

MiB = 1024 * 1024


@pytest.fixture
async def http(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=30) as client:
        yield client


@pytest.fixture
async def appeal_events(stack: Stack) -> AsyncIterator[aio_pika.abc.AbstractQueue]:
    """A queue of this test's own on the stack's `lka.events`, bound to the appeals' events."""
    connection = await aio_pika.connect(stack.amqp_url)
    channel = await connection.channel()
    queue = await channel.declare_queue(exclusive=True)
    await queue.bind(EVENTS_EXCHANGE, routing_key="notifications.appeal.#")
    yield queue
    await connection.close()


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmRSS for {pid}")


async def test_an_appeal_from_filing_to_closing(
    stack: Stack,
    stack_env: tuple[dict[str, str], str, int],
    http: httpx.AsyncClient,
    appeal_events: aio_pika.abc.AbstractQueue,
) -> None:
    subscriber = await new_subscriber(http, stack.mail)
    operator = await make_operator(stack_env[0], new_address())
    staff = await operator.sign_in(http)
    operator_id = (await http.get("/api/v1/profile", headers=staff)).json()["user_id"]
    text = f"Счетчик не принимает показания {uuid.uuid4().hex[:6]}"

    filed = await http.post(
        "/api/v1/appeals",
        data={"topic": "readings", "text": text},
        files=[
            ("attachments", ("Фото счетчика.jpg", photo_with_gps(), "image/jpeg")),
            ("attachments", ("квитанция.pdf", small_pdf(), "application/pdf")),
        ],
        headers=subscriber.headers,
    )

    assert filed.status_code == 201, filed.text
    appeal_id, number = filed.json()["id"], filed.json()["number"]
    assert filed.json()["status"] == "registered" and number[:4].isdigit() and len(number) == 11
    detail = (await http.get(f"/api/v1/appeals/{appeal_id}", headers=subscriber.headers)).json()
    assert detail["due_date"] and detail["number"] == number
    photo = next(a for a in detail["messages"][0]["attachments"] if a["content_type"] == "image/jpeg")
    stored = await http.get(f"/api/v1/appeals/{appeal_id}/attachments/{photo['id']}", headers=subscriber.headers)
    assert stored.status_code == 200
    assert stored.headers["x-content-type-options"] == "nosniff"
    assert stored.headers["content-disposition"].startswith("attachment; filename*=UTF-8''")
    with Image.open(BytesIO(stored.content)) as image:
        assert not image.getexif() and not image.getexif().get_ifd(GPS_IFD) and "exif" not in image.info

    assigned = await http.post(
        f"/api/v1/operator/appeals/{appeal_id}/assign", json={"user_id": operator_id}, headers=staff
    )
    assert assigned.status_code == 200, assigned.text
    assert assigned.json()["status"] == "in_work"
    answer = await http.post(
        f"/api/v1/operator/appeals/{appeal_id}/messages",
        data={"text": "Показания приняты, акт во вложении"},
        files=[("attachments", ("акт.pdf", small_pdf(), "application/pdf"))],
        headers=staff,
    )
    assert answer.status_code == 201, answer.text
    mail = await letter(http, stack.mail, subscriber.email, f"Ответ на обращение № {number}")
    assert f"/appeals/{appeal_id}" in mail["text"]

    replied = await http.post(
        f"/api/v1/appeals/{appeal_id}/messages", data={"text": "А за ноябрь?"}, headers=subscriber.headers
    )
    assert replied.status_code == 201, replied.text
    assert (await http.get(f"/api/v1/appeals/{appeal_id}", headers=subscriber.headers)).json()["status"] == "in_work"
    closed = await http.post(f"/api/v1/appeals/{appeal_id}/close", headers=subscriber.headers)
    assert (closed.status_code, closed.json()["status"]) == (200, "closed")

    seen: list[dict[str, Any]] = []

    async def all_three() -> bool:
        message = await appeal_events.get(fail=False, no_ack=True)
        if message is not None:
            assert text.encode() not in message.body and b"attachments" not in message.body
            seen.append(json.loads(message.body))
        return [e["type"] for e in seen if e["data"]["appeal_id"] == appeal_id] == [
            "notifications.appeal.registered.v1",
            "notifications.appeal.answered.v1",
            "notifications.appeal.closed.v1",
        ]

    assert await eventually(all_three)
    assert {e["data"]["number"] for e in seen} == {number}


async def test_what_is_refused(
    stack: Stack, stack_env: tuple[dict[str, str], str, int], http: httpx.AsyncClient
) -> None:
    author = await new_subscriber(http, stack.mail)
    stranger = await new_subscriber(http, stack.mail)

    disguised = await http.post(
        "/api/v1/appeals",
        data={"topic": "other", "text": "Фото"},
        files=[("attachments", ("photo.jpg", executable(), "image/jpeg"))],
        headers=author.headers,
    )
    assert (disguised.status_code, disguised.json()["code"]) == (422, "unsupported_attachment")

    api_pid = stack.pid("lka_notifications.entrypoints.api")
    assert api_pid is not None
    before = rss_bytes(api_pid)
    too_large = await http.post(
        "/api/v1/appeals",
        data={"topic": "other", "text": "Большой файл"},
        files=[("attachments", ("big.pdf", b"%PDF-1.4\n" + b"0" * (6 * MiB), "application/pdf"))],
        headers=author.headers,
    )
    grown = rss_bytes(api_pid) - before
    assert (too_large.status_code, too_large.json()["code"]) == (413, "attachment_too_large")
    # The service kept at most the 5 MiB it reads of a file before refusing it.
    assert grown < 8 * MiB, grown

    filed = await http.post(
        "/api/v1/appeals",
        data={"topic": "payments", "text": "Платеж не дошел"},
        files=[("attachments", ("чек.pdf", small_pdf(), "application/pdf"))],
        headers=author.headers,
    )
    appeal_id = filed.json()["id"]
    detail = (await http.get(f"/api/v1/appeals/{appeal_id}", headers=author.headers)).json()
    file_id = detail["messages"][0]["attachments"][0]["id"]
    foreign = await http.get(f"/api/v1/appeals/{appeal_id}/attachments/{file_id}", headers=stranger.headers)
    assert foreign.status_code == 404
    assert (await http.get(f"/api/v1/appeals/{appeal_id}", headers=stranger.headers)).status_code == 404
    desk = await http.get("/api/v1/operator/appeals", headers=author.headers)
    assert desk.status_code == 403
