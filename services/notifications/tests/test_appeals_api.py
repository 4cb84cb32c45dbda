"""Appeals (обращения) over HTTP (docs/contract.md §2): a subscriber files one with files, staff
take and answer it, the author replies and closes it; what is refused, and how; what staff
reads leave in the audit; and numbers taken by transactions at once."""

from __future__ import annotations

import asyncio
import json
import tracemalloc
import uuid
from collections.abc import AsyncIterator, Callable
from io import BytesIO
from typing import Any

import asyncpg
import httpx
from PIL import Image

from lka_common.testing.databases import plain_url
from lka_common.testing.files import GPS_IFD, executable, photo_with_gps, small_pdf
from lka_common.testing.tokens import TokenFactory
from lka_common.uow import UnitOfWork
from lka_notifications.adapters import appeals_repository
from lka_notifications.settings import NotificationsSettings

MiB = 1024 * 1024


def bearer(tokens: TokenFactory, user_id: uuid.UUID, role: str = "subscriber") -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens.issue(user_id, role=role)}"}


async def fetch(settings: NotificationsSettings, query: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(plain_url(settings.database_url))
    try:
        return await conn.fetch(query, *args)
    finally:
        await conn.close()


async def file_appeal(
    api: httpx.AsyncClient, headers: dict[str, str], files: list[tuple[str, tuple[str, bytes, str]]] | None = None
) -> httpx.Response:
    data = {"topic": "readings", "text": "Не принимаются показания счетчика"}
    return await api.post("/api/v1/appeals", data=data, files=files or [], headers=headers)


async def test_an_appeal_goes_from_registered_to_closed(
    api: httpx.AsyncClient, settings: NotificationsSettings, tokens: TokenFactory
) -> None:
    author, operator = uuid.uuid4(), uuid.uuid4()
    mine, staff = bearer(tokens, author), bearer(tokens, operator, "operator")
    files = [
        ("attachments", ("Фото счетчика.jpg", photo_with_gps(), "image/jpeg")),
        ("attachments", ("квитанция.pdf", small_pdf(), "application/pdf")),
    ]

    filed = await file_appeal(api, mine, files)

    assert filed.status_code == 201, filed.text
    body = filed.json()
    assert body["status"] == "registered" and body["number"].startswith("20")
    assert body["message"].startswith(f"Обращение № {body['number']} зарегистрировано")
    appeal_id = body["id"]
    detail = (await api.get(f"/api/v1/appeals/{appeal_id}", headers=mine)).json()
    assert detail["topic"] == "readings" and detail["topic_title"] == "Показания приборов учета"
    assert detail["due_date"] and detail["overdue"] is False
    (first,) = detail["messages"]
    assert first["author"] == "subscriber"
    photo, pdf = sorted(first["attachments"], key=lambda a: a["content_type"])[::-1]
    assert (photo["name"], photo["content_type"]) == ("Фото счетчика.jpg", "image/jpeg")
    assert (pdf["name"], pdf["size"]) == ("квитанция.pdf", len(small_pdf()))

    downloaded = await api.get(f"/api/v1/appeals/{appeal_id}/attachments/{photo['id']}", headers=mine)
    assert downloaded.status_code == 200
    assert downloaded.headers["content-disposition"].startswith("attachment; filename*=UTF-8''")
    assert downloaded.headers["x-content-type-options"] == "nosniff"
    assert downloaded.headers["content-type"] == "image/jpeg"
    with Image.open(BytesIO(downloaded.content)) as image:
        assert not image.getexif() and not image.getexif().get_ifd(GPS_IFD)

    listed = (await api.get("/api/v1/operator/appeals?status=registered&limit=200", headers=staff)).json()
    assert appeal_id in [a["id"] for a in listed]
    assigned = await api.post(
        f"/api/v1/operator/appeals/{appeal_id}/assign", json={"user_id": str(operator)}, headers=staff
    )
    assert assigned.status_code == 200, assigned.text
    assert (assigned.json()["status"], assigned.json()["assignee_id"]) == ("in_work", str(operator))
    answered = await api.post(
        f"/api/v1/operator/appeals/{appeal_id}/messages",
        data={"text": "Показания приняты вручную"},
        files=[("attachments", ("акт.pdf", small_pdf(), "application/pdf"))],
        headers=staff,
    )
    assert answered.status_code == 201, answered.text
    assert answered.json()["author"] == "staff"
    assert (await api.get(f"/api/v1/appeals/{appeal_id}", headers=mine)).json()["status"] == "answered"

    replied = await api.post(
        f"/api/v1/appeals/{appeal_id}/messages", data={"text": "Спасибо, а за ноябрь?"}, headers=mine
    )
    assert replied.status_code == 201, replied.text
    assert (await api.get(f"/api/v1/appeals/{appeal_id}", headers=mine)).json()["status"] == "in_work"
    closed = await api.post(f"/api/v1/appeals/{appeal_id}/close", headers=mine)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    again = await api.post(f"/api/v1/appeals/{appeal_id}/messages", data={"text": "Ещё"}, headers=mine)
    assert (again.status_code, again.json()["code"]) == (409, "appeal_closed")

    events = await fetch(
        settings,
        "SELECT routing_key, body FROM outbox WHERE body <> '' AND body::jsonb ->> 'subject' = $1 ORDER BY id",
        appeal_id,
    )
    kinds = [row["routing_key"] for row in events]
    assert [k for k in kinds if k.startswith("notifications.appeal.")] == [
        "notifications.appeal.registered.v1",
        "notifications.appeal.answered.v1",
        "notifications.appeal.closed.v1",
    ]
    for row in events:
        if row["routing_key"].startswith("notifications.appeal."):
            assert "показания" not in row["body"].lower() and "attachments" not in row["body"]
            assert set(json.loads(row["body"])["data"]) == {"appeal_id", "number", "user_id", "topic", "status", "at"}
    (letter,) = [json.loads(r["body"])["data"] for r in events if r["routing_key"] == "notifications.letter.send.v1"]
    assert letter["template"] == "appeal_answered" and letter["user_id"] == str(author)
    assert letter["params"]["appeal_id"] == appeal_id


async def test_refusals(api: httpx.AsyncClient, tokens: TokenFactory) -> None:
    author, stranger = bearer(tokens, uuid.uuid4()), bearer(tokens, uuid.uuid4())

    disguised = await file_appeal(api, author, [("attachments", ("photo.jpg", executable(), "image/jpeg"))])
    assert (disguised.status_code, disguised.json()["code"]) == (422, "unsupported_attachment")
    four = [("attachments", (f"{i}.pdf", small_pdf(), "application/pdf")) for i in range(4)]
    assert (await file_appeal(api, author, four)).json()["code"] == "too_many_attachments"
    unknown = await api.post("/api/v1/appeals", data={"topic": "weather", "text": "?"}, headers=author)
    assert (unknown.status_code, unknown.json()["errors"][0]["field"]) == (422, "topic")
    long_text = await api.post("/api/v1/appeals", data={"topic": "other", "text": "я" * 5001}, headers=author)
    assert (long_text.status_code, long_text.json()["errors"][0]["field"]) == (422, "text")
    foreign = await api.post(
        "/api/v1/appeals", data={"topic": "accounts", "text": "?", "account_id": str(uuid.uuid4())}, headers=author
    )
    assert (foreign.status_code, foreign.json()["code"]) == (404, "account_not_found")
    as_json = await api.post("/api/v1/appeals", json={"topic": "other", "text": "?"}, headers=author)
    assert as_json.status_code == 415

    filed = (await file_appeal(api, author, [("attachments", ("a.pdf", small_pdf(), "application/pdf"))])).json()
    detail = (await api.get(f"/api/v1/appeals/{filed['id']}", headers=author)).json()
    file_id = detail["messages"][0]["attachments"][0]["id"]
    assert (await api.get(f"/api/v1/appeals/{filed['id']}", headers=stranger)).status_code == 404
    assert (await api.get(f"/api/v1/appeals/{filed['id']}/attachments/{file_id}", headers=stranger)).status_code == 404
    assert (await api.post(f"/api/v1/appeals/{filed['id']}/close", headers=stranger)).status_code == 404
    assert (await api.get("/api/v1/operator/appeals", headers=author)).status_code == 403
    nobody = await api.post(
        f"/api/v1/operator/appeals/{filed['id']}/assign",
        json={"user_id": str(uuid.uuid4())},
        headers=bearer(tokens, uuid.uuid4(), "operator"),
    )
    assert (nobody.status_code, nobody.json()["code"]) == (422, "not_staff")


async def streamed_file(total: int, chunk: int = 256 * 1024) -> AsyncIterator[bytes]:
    boundary = "appeal-boundary"
    yield (
        f'--{boundary}\r\nContent-Disposition: form-data; name="topic"\r\n\r\nother\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="text"\r\n\r\nБольшой файл\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="big.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    block = b"%PDF-1.4\n" + b"0" * (chunk - 9)
    for _ in range(total // chunk):
        yield block
        await asyncio.sleep(0)
    yield f"\r\n--{boundary}--\r\n".encode()


async def test_a_file_over_5_mib_is_refused_while_it_streams(api: httpx.AsyncClient, tokens: TokenFactory) -> None:
    headers = {**bearer(tokens, uuid.uuid4()), "Content-Type": "multipart/form-data; boundary=appeal-boundary"}
    tracemalloc.start()
    try:
        refused = await api.post("/api/v1/appeals", content=streamed_file(6 * MiB), headers=headers)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert (refused.status_code, refused.json()["code"]) == (413, "attachment_too_large")
    # The server runs in this process: at most the 5 MiB it keeps of a file, and change.
    assert peak < 8 * MiB, peak


async def test_bodies_past_the_routes_limits_are_refused_as_declared(
    api: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    headers = {**bearer(tokens, uuid.uuid4()), "Content-Type": "multipart/form-data; boundary=appeal-boundary"}
    # An upload route takes 16 MiB (three files and the text); an ordinary one 1 MiB.
    over_upload = await api.post("/api/v1/appeals", content=b"0" * (17 * MiB), headers=headers)
    over_plain = await api.post("/api/v1/feedback", content=b"0" * (2 * MiB), headers=headers)
    assert (over_upload.status_code, over_upload.json()["code"]) == (413, "payload_too_large")
    assert (over_plain.status_code, over_plain.json()["code"]) == (413, "payload_too_large")


async def test_staff_reads_are_audited(
    api: httpx.AsyncClient, settings: NotificationsSettings, tokens: TokenFactory
) -> None:
    filed = (
        await file_appeal(
            api, bearer(tokens, uuid.uuid4()), [("attachments", ("a.pdf", small_pdf(), "application/pdf"))]
        )
    ).json()
    operator = uuid.uuid4()
    staff = bearer(tokens, operator, "operator")
    detail = (await api.get(f"/api/v1/appeals/{filed['id']}", headers=staff)).json()
    file_id = detail["messages"][0]["attachments"][0]["id"]
    assert (await api.get(f"/api/v1/appeals/{filed['id']}/attachments/{file_id}", headers=staff)).status_code == 200
    await api.get("/api/v1/operator/appeals?limit=1", headers=staff)

    rows = await fetch(
        settings, "SELECT action, object_id, outcome FROM audit_records WHERE actor_user_id = $1 ORDER BY id", operator
    )
    assert [(r["action"], r["outcome"]) for r in rows][:2] == [("appeal.read", "ok"), ("appeal_attachment.read", "ok")]
    assert rows[0]["object_id"] == filed["id"] and rows[1]["object_id"] == file_id
    assert rows[2]["action"] == "appeal.list"


async def test_numbers_taken_at_once_follow_commit_order_without_gaps(
    uow_factory: Callable[[], UnitOfWork],
) -> None:
    year = 2100 + uuid.uuid4().int % 700  # a year of this test's own
    first, second, third = uow_factory(), uow_factory(), uow_factory()
    async with first:
        taken = await appeals_repository.next_number(first.session, year)
        async with second:
            waiting = asyncio.create_task(appeals_repository.next_number(second.session, year))
            await asyncio.sleep(0.3)
            assert not waiting.done()  # the year's row is locked by the first
            await first.commit()
            after = await waiting
            # Ends without a commit: rolled back, its number given back.
    async with third:
        again = await appeals_repository.next_number(third.session, year)
        await third.commit()
    assert (taken, after, again) == (1, 2, 2)
