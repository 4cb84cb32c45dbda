"""The feedback form over HTTP: what a subscriber sees, and what it leaves in the database."""

from __future__ import annotations

import json
import uuid

import asyncpg
import httpx
from sqlalchemy.engine import make_url

from lka_notifications.settings import NotificationsSettings


def plain_url(settings: NotificationsSettings) -> str:
    return make_url(settings.database_url).set(drivername="postgresql").render_as_string(hide_password=False)


async def test_feedback_is_stored_with_its_event_carrying_the_request_id(
    api: httpx.AsyncClient, settings: NotificationsSettings
) -> None:
    request_id = f"req-{uuid.uuid4()}"
    response = await api.post(
        "/api/v1/feedback",
        json={"topic": "Показания", "message": "Не вижу истории показаний", "email": "Ivan@Example.RU"},
        headers={"X-Request-ID": request_id},
    )

    assert response.status_code == 201
    body = response.json()
    assert "Спасибо" in body["message"]
    assert response.headers["x-request-id"] == request_id
    conn = await asyncpg.connect(plain_url(settings))
    try:
        row = await conn.fetchrow("SELECT topic, email FROM feedback WHERE id = $1", uuid.UUID(body["id"]))
        event_row = await conn.fetchrow(
            "SELECT routing_key, body FROM outbox WHERE body::jsonb -> 'data' ->> 'feedback_id' = $1", body["id"]
        )
    finally:
        await conn.close()
    assert row["topic"] == "Показания"
    assert row["email"] == "Ivan@example.ru"
    assert event_row["routing_key"] == "notifications.feedback.received.v1"
    event = json.loads(event_row["body"])
    assert event["correlationid"] == request_id
    assert event["source"] == "/lka/notifications"
    assert "email" not in json.dumps(event["data"])


async def test_feedback_with_bad_fields_gets_russian_problem_details(api: httpx.AsyncClient) -> None:
    response = await api.post("/api/v1/feedback", json={"topic": "x" * 201, "message": "", "email": "not-an-address"})

    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["code"] == "validation_error"
    assert problem["status"] == 422
    messages = {e["field"]: e["message"] for e in problem["errors"]}
    assert messages["topic"] == "Не более 200 символов"
    assert messages["message"] == "Заполните поле"
    assert messages["email"] == "Некорректный адрес электронной почты"


async def test_feedback_refuses_unknown_fields_and_missing_ones(api: httpx.AsyncClient) -> None:
    response = await api.post("/api/v1/feedback", json={"topic": "Тема", "is_admin": True})

    assert response.status_code == 422
    messages = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert messages == {"message": "Обязательное поле", "email": "Обязательное поле", "is_admin": "Неизвестное поле"}


async def test_feedback_that_is_not_json_gets_a_problem_not_a_500(api: httpx.AsyncClient) -> None:
    response = await api.post("/api/v1/feedback", content=b"{not json", headers={"Content-Type": "application/json"})

    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == "Тело запроса не является корректным JSON"


async def test_body_over_one_mebibyte_is_refused_with_413(api: httpx.AsyncClient) -> None:
    huge = {"topic": "Тема", "message": "я" * (600 * 1024), "email": "a@example.ru"}

    response = await api.post("/api/v1/feedback", json=huge)

    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


async def test_probes_answer_and_metrics_show_outbox_lag(api: httpx.AsyncClient) -> None:
    assert (await api.get("/healthz")).status_code == 200
    assert (await api.get("/readyz")).json() == {"status": "ready"}
    metrics = (await api.get("/metrics")).text
    assert "lka_outbox_lag_seconds" in metrics
