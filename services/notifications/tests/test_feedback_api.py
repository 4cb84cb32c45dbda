"""The feedback form of docs/contract.md §2 over HTTP: what a subscriber sees, and what it leaves behind."""

from __future__ import annotations

import json
import random
import uuid

import asyncpg
import httpx

from lka_common.testing.databases import plain_url
from lka_common.testing.tokens import TokenFactory
from lka_notifications.settings import NotificationsSettings


def from_client() -> dict[str, str]:
    """A client address of its own (through the trusted local proxy), so limits don't mix."""
    return {"X-Forwarded-For": f"198.51.{random.randint(0, 255)}.{random.randint(1, 254)}"}


async def outbox_rows(settings: NotificationsSettings, subject: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(plain_url(settings.database_url))
    try:
        return await conn.fetch(
            "SELECT routing_key, exchange, body, sensitive FROM outbox"
            " WHERE body <> '' AND body::jsonb ->> 'subject' = $1",
            subject,
        )
    finally:
        await conn.close()


async def test_anonymous_feedback_is_stored_announced_without_its_text_and_letters_are_queued(
    api: httpx.AsyncClient, settings: NotificationsSettings
) -> None:
    request_id = f"req-{uuid.uuid4()}"
    response = await api.post(
        "/api/v1/feedback",
        json={"topic": "Показания", "message": "Не вижу истории показаний", "email": "Ivan@Example.RU", "name": "Иван"},
        headers={"X-Request-ID": request_id, **from_client()},
    )

    assert response.status_code == 201
    body = response.json()
    assert body["message"] == "Ваше обращение отправлено в ГУП РК «Крымэнерго». Спасибо за отзыв!"
    assert response.headers["x-request-id"] == request_id
    rows = {row["routing_key"]: row for row in await outbox_rows(settings, body["id"])}
    event = json.loads(rows["notifications.feedback.received.v1"]["body"])
    assert event["correlationid"] == request_id
    assert event["data"]["topic"] == "Показания"
    assert "Не вижу истории" not in rows["notifications.feedback.received.v1"]["body"]
    letter = rows["notifications.letter.send.v1"]
    assert letter["exchange"] == "lka.commands"
    assert letter["sensitive"] is True
    letters = [json.loads(row["body"])["data"] for row in await outbox_rows(settings, body["id"])]
    (forward,) = [data for data in letters if data.get("template") == "feedback_forward"]
    assert forward["reply_to"] == "Ivan@example.ru"  # the supplier answers the author


async def test_anonymous_feedback_without_email_is_422(api: httpx.AsyncClient) -> None:
    response = await api.post("/api/v1/feedback", json={"topic": "Тема", "message": "Текст"}, headers=from_client())

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "email", "message": "Укажите адрес электронной почты, чтобы мы могли ответить"}
    ]


async def test_signed_in_feedback_takes_the_address_from_the_profile(
    api: httpx.AsyncClient, settings: NotificationsSettings, tokens: TokenFactory
) -> None:
    user_id = uuid.uuid4()
    token = tokens.issue(user_id, email="profile@example.ru")

    response = await api.post(
        "/api/v1/feedback",
        json={"topic": "Оплата", "message": "Вопрос по оплате"},
        headers={"Authorization": f"Bearer {token}", **from_client()},
    )

    assert response.status_code == 201
    conn = await asyncpg.connect(plain_url(settings.database_url))
    try:
        row = await conn.fetchrow("SELECT email, user_id FROM feedback WHERE id = $1", uuid.UUID(response.json()["id"]))
    finally:
        await conn.close()
    assert row["email"] == "profile@example.ru"
    assert row["user_id"] == user_id


async def test_feedback_with_bad_fields_gets_russian_problem_details(api: httpx.AsyncClient) -> None:
    response = await api.post("/api/v1/feedback", json={"topic": "x" * 201, "message": "", "email": "not-an-address"})

    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["code"] == "validation_error"
    messages = {e["field"]: e["message"] for e in problem["errors"]}
    assert messages == {
        "topic": "Не более 200 символов",
        "message": "Заполните поле",
        "email": "Некорректный адрес электронной почты",
    }


async def test_feedback_refuses_unknown_fields_and_missing_ones(api: httpx.AsyncClient) -> None:
    response = await api.post("/api/v1/feedback", json={"topic": "Тема", "is_admin": True})

    assert response.status_code == 422
    messages = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert messages == {"message": "Обязательное поле", "is_admin": "Неизвестное поле"}


async def test_feedback_that_is_not_json_gets_a_problem_not_a_500(api: httpx.AsyncClient) -> None:
    response = await api.post("/api/v1/feedback", content=b"{not json", headers={"Content-Type": "application/json"})

    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == "Тело запроса не является корректным JSON"


async def test_oversized_feedback_is_refused(api: httpx.AsyncClient) -> None:
    too_long = await api.post("/api/v1/feedback", json={"topic": "Т", "message": "я" * 5001, "email": "a@example.ru"})
    huge = await api.post("/api/v1/feedback", json={"topic": "Т", "message": "я" * 600_000, "email": "a@example.ru"})

    assert too_long.status_code == 422
    assert too_long.json()["errors"] == [{"field": "message", "message": "Не более 5000 символов"}]
    assert huge.status_code == 413
    assert huge.json()["code"] == "payload_too_large"


async def test_sixth_feedback_from_one_address_within_the_hour_is_429(api: httpx.AsyncClient) -> None:
    client = from_client()
    body = {"topic": "Тема", "message": "Текст", "email": "limit@example.ru"}
    statuses = [(await api.post("/api/v1/feedback", json=body, headers=client)).status_code for _ in range(5)]

    sixth = await api.post("/api/v1/feedback", json=body, headers=client)
    other_client = await api.post("/api/v1/feedback", json=body, headers=from_client())

    assert statuses == [201] * 5
    assert sixth.status_code == 429
    assert sixth.json()["code"] == "too_many_requests"
    assert 3500 <= int(sixth.headers["retry-after"]) <= 3601
    assert other_client.status_code == 201


async def test_feedback_list_is_for_operators_only(api: httpx.AsyncClient, tokens: TokenFactory) -> None:
    topic = f"Для оператора {uuid.uuid4().hex[:6]}"
    await api.post(
        "/api/v1/feedback", json={"topic": topic, "message": "Т", "email": "o@example.ru"}, headers=from_client()
    )

    anonymous = await api.get("/api/v1/operator/feedback")
    subscriber = await api.get("/api/v1/operator/feedback", headers={"Authorization": f"Bearer {tokens.issue()}"})
    operator = await api.get(
        "/api/v1/operator/feedback?limit=5", headers={"Authorization": f"Bearer {tokens.issue(role='operator')}"}
    )

    assert anonymous.status_code == 401
    assert subscriber.status_code == 403
    assert operator.status_code == 200
    items = operator.json()
    assert len(items) <= 5
    assert items[0]["topic"] == topic
    assert set(items[0]) == {"id", "topic", "message", "email", "name", "user_id", "created_at"}


async def test_probes_answer_and_metrics_show_outbox_lag(api: httpx.AsyncClient) -> None:
    assert (await api.get("/healthz")).status_code == 200
    assert (await api.get("/readyz")).json() == {"status": "ready"}
    exported = (await api.get("/metrics")).text
    assert "lka_outbox_lag_seconds" in exported
    assert 'lka_ready{component="notifications-api"} 1.0' in exported  # the probe's answer, as a metric
