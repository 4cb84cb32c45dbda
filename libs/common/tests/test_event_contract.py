"""The event payload models against docs/contract.md §3: its samples, tolerance, money, secrets."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, cast, get_args
from uuid import uuid4

import pytest
from pydantic import BaseModel, ValidationError

from lka_common.events.catalog import EVENT_MODELS, INBOUND, OUTBOUND
from lka_common.events.envelope import CloudEvent, new_event
from lka_common.events.readings import ReadingSubmitted

# The `data` of every event type, as docs/contract.md §3 writes it (JSON types, canonical forms).
SAMPLES: dict[str, str] = {
    "billing.account.updated.v1": """{"region_code": "simferopol", "number": "1234567", "owner_surname": "Иванов",
        "owner_initials": "И. И.", "address": "г. Симферополь, ул. Пушкина, д. 1, кв. 2", "debt_kopecks": 123456,
        "penalty_kopecks": 0, "last_payment": {"amount_kopecks": 150000, "date": "2026-10-15"},
        "as_of": "2026-11-01T03:00:00+03:00", "tariff_id": "CRIMEA-2Z"}""",
    "billing.meter.updated.v1": """{"region_code": "simferopol", "account_number": "1234567",
        "serial_number": "011234567", "zones": 2, "digits": 6,
        "last_reading": {"values": {"T1": 12456, "T2": 5678.5}, "date": "2026-10-25"}, "removed": false,
        "verification_due": "2031-06-30"}""",
    "billing.payment.registered.v1": """{"region_code": "simferopol", "account_number": "1234567",
        "billing_payment_id": "PAY-2026-000123", "amount_kopecks": 150000, "paid_at": "2026-11-02T12:30:00Z",
        "channel": "bank", "lka_payment_id": "7d3f2b1e-4c5a-4e6f-8a9b-0c1d2e3f4a5b"}""",
    "billing.reading.processed.v1": """{"reading_id": "0b6f3a52-9a43-4d7e-9f6a-2a1c3e4d5f60", "status": "rejected",
        "reason": "Показания меньше предыдущих"}""",
    "billing.tariff.updated.v1": """{"tariff_id": "CRIMEA-2Z", "region_code": null, "zones": 2,
        "prices_kopecks": {"T1": 649, "T2": 325}, "valid_from": "2026-07-01", "valid_to": null}""",
    "billing.bill.issued.v1": """{"bill_id": "B-91000202-2026-11", "region_code": "yalta", "account_number": "91000202",
        "period": "2026-11", "issued_at": "2026-12-01T06:00:00Z", "opening_balance_kopecks": 84515,
        "lines": [{"title": "Электроэнергия, день", "zone": "T1", "quantity_kwh": 127, "price_kopecks": 649,
        "amount_kopecks": 82423}, {"title": "Электроэнергия, ночь", "zone": "T2", "quantity_kwh": 45.5,
        "price_kopecks": 325, "amount_kopecks": 14788}], "payments_kopecks": 95000, "penalty_kopecks": 1230,
        "total_due_kopecks": 87956, "due_date": "2026-12-10"}""",
    "identity.user.registered.v1": """{"user_id": "5a0c6f0e-2f4b-4b8e-9c1d-3e2f1a0b9c8d",
        "registered_at": "2026-11-20T10:15:00Z"}""",
    "identity.profiles.merged.v1": """{"target_user_id": "5a0c6f0e-2f4b-4b8e-9c1d-3e2f1a0b9c8d",
        "source_user_id": "6b1d7a1f-3a5c-4c9f-8d2e-4f3a2b1c0d9e", "merged_at": "2026-11-20T10:15:00Z"}""",
    "identity.letter_preferences.changed.v1": """{"user_id": "5a0c6f0e-2f4b-4b8e-9c1d-3e2f1a0b9c8d",
        "reading_window": false, "verification_due": true, "debt": true, "bill_issued": true,
        "payment_receipts": true, "new_sign_in": true, "changed_at": "2026-11-20T10:15:00Z"}""",
    "identity.session.revoked.v1": """{"user_id": "5a0c6f0e-2f4b-4b8e-9c1d-3e2f1a0b9c8d", "session_id": null,
        "revoked_at": "2026-11-20T10:15:00Z"}""",
    "accounts.account.linked.v1": """{"user_id": "5a0c6f0e-2f4b-4b8e-9c1d-3e2f1a0b9c8d",
        "account_id": "9e8d7c6b-5a49-4838-a726-150f4e3d2c1b", "region_code": "simferopol",
        "account_number": "1234567", "linked_via": "surname"}""",
    "accounts.account.unlinked.v1": """{"user_id": "5a0c6f0e-2f4b-4b8e-9c1d-3e2f1a0b9c8d",
        "account_id": "9e8d7c6b-5a49-4838-a726-150f4e3d2c1b", "region_code": "simferopol",
        "account_number": "1234567"}""",
    "accounts.link_request.created.v1": """{"request_id": "1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b",
        "user_id": "5a0c6f0e-2f4b-4b8e-9c1d-3e2f1a0b9c8d", "region_code": "simferopol",
        "account_number": "1234567", "status": "pending"}""",
    "accounts.link_request.resolved.v1": """{"request_id": "1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b",
        "user_id": "5a0c6f0e-2f4b-4b8e-9c1d-3e2f1a0b9c8d", "region_code": "simferopol",
        "account_number": "1234567", "status": "approved"}""",
    "accounts.link_request.withdrawn.v1": """{"request_id": "1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b",
        "user_id": "5a0c6f0e-2f4b-4b8e-9c1d-3e2f1a0b9c8d", "region_code": "simferopol",
        "account_number": "1234567", "status": "withdrawn"}""",
    "readings.reading.submitted.v1": """{"reading_id": "0b6f3a52-9a43-4d7e-9f6a-2a1c3e4d5f60",
        "account_id": "9e8d7c6b-5a49-4838-a726-150f4e3d2c1b", "region_code": "simferopol",
        "account_number": "1234567", "meter_serial": "011234567", "values": {"T1": 12456, "T2": 5678.37},
        "submitted_at": "2026-11-26T09:00:00+03:00", "billing_period": "2026-12", "source": "web"}""",
    "readings.reading.accepted.v1": """{"reading_id": "0b6f3a52-9a43-4d7e-9f6a-2a1c3e4d5f60",
        "account_id": "9e8d7c6b-5a49-4838-a726-150f4e3d2c1b", "region_code": "simferopol",
        "account_number": "1234567", "reason": null}""",
    "readings.reading.rejected.v1": """{"reading_id": "0b6f3a52-9a43-4d7e-9f6a-2a1c3e4d5f60",
        "account_id": "9e8d7c6b-5a49-4838-a726-150f4e3d2c1b", "region_code": "simferopol",
        "account_number": "1234567", "reason": "Показания меньше предыдущих"}""",
    "payments.payment.succeeded.v1": """{"payment_id": "7d3f2b1e-4c5a-4e6f-8a9b-0c1d2e3f4a5b",
        "user_id": "5a0c6f0e-2f4b-4b8e-9c1d-3e2f1a0b9c8d", "account_id": "9e8d7c6b-5a49-4838-a726-150f4e3d2c1b",
        "region_code": "simferopol", "account_number": "1234567", "amount_kopecks": 150000,
        "paid_at": "2026-11-02T12:29:00Z", "card_brand": "mir", "acquirer_order_id": "70906e55-7114-41d6-8332",
        "method": "card", "basket_id": "3b1f0a2e-6d4c-4f8a-9b7e-2c5d8e1f0a93"}""",
    "payments.payment.failed.v1": """{"payment_id": "7d3f2b1e-4c5a-4e6f-8a9b-0c1d2e3f4a5b",
        "user_id": "5a0c6f0e-2f4b-4b8e-9c1d-3e2f1a0b9c8d", "account_id": "9e8d7c6b-5a49-4838-a726-150f4e3d2c1b",
        "region_code": "simferopol", "account_number": "1234567", "amount_kopecks": 150000,
        "reason": "Операция отклонена банком", "method": "sbp", "basket_id": null}""",
    "payments.autopay.enabled.v1": """{"account_id": "9e8d7c6b-5a49-4838-a726-150f4e3d2c1b",
        "region_code": "simferopol", "account_number": "1234567", "user_id": "5a0c6f0e-2f4b-4b8e-9c1d-3e2f1a0b9c8d",
        "day_of_month": 10, "max_amount_kopecks": 300000}""",
    "payments.autopay.disabled.v1": """{"account_id": "9e8d7c6b-5a49-4838-a726-150f4e3d2c1b",
        "region_code": "simferopol", "account_number": "1234567", "user_id": "5a0c6f0e-2f4b-4b8e-9c1d-3e2f1a0b9c8d",
        "reason": "payment_failed"}""",
    "payments.payment.refunded.v1": """{"payment_id": "7d6c5b4a-3928-4716-a5f4-e3d2c1b0a998",
        "refund_id": "2b3c4d5e-6f70-4819-8a2b-3c4d5e6f7081", "user_id": "5a0c6f0e-2f4b-4b8e-9c1d-3e2f1a0b9c8d",
        "account_id": "9e8d7c6b-5a49-4838-a726-150f4e3d2c1b", "region_code": "simferopol",
        "account_number": "1234567", "amount_kopecks": 50000, "refunded_at": "2026-12-16T11:20:00Z"}""",
    "payments.reconciliation.completed.v1": """{"date": "2026-12-15", "matched": 412, "discrepancies": 3}""",
    "accounts.paperless.changed.v1": """{"account_id": "9e8d7c6b-5a49-4838-a726-150f4e3d2c1b",
        "region_code": "simferopol", "account_number": "1234567", "user_id": "5a0c6f0e-2f4b-4b8e-9c1d-3e2f1a0b9c8d",
        "enabled": true}""",
    "notifications.feedback.received.v1": """{"feedback_id": "3c2b1a09-8f7e-4d6c-9b5a-4e3d2c1b0a9f",
        "topic": "readings", "received_at": "2026-11-20T10:15:00Z"}""",
    "notifications.appeal.registered.v1": """{"appeal_id": "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
        "number": "2026-000123", "user_id": "5a0c6f0e-2f4b-4b8e-9c1d-3e2f1a0b9c8d", "topic": "readings",
        "status": "registered", "at": "2026-12-07T10:15:00Z"}""",
    "notifications.appeal.answered.v1": """{"appeal_id": "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
        "number": "2026-000123", "user_id": "5a0c6f0e-2f4b-4b8e-9c1d-3e2f1a0b9c8d", "topic": "readings",
        "status": "answered", "at": "2026-12-07T10:15:00Z"}""",
    "notifications.appeal.closed.v1": """{"appeal_id": "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
        "number": "2026-000123", "user_id": "5a0c6f0e-2f4b-4b8e-9c1d-3e2f1a0b9c8d", "topic": "readings",
        "status": "closed", "at": "2026-12-07T10:15:00Z"}""",
    # The same record in every service's chain (docs/contract.md §4 "Audit"): one type per service.
    **{
        f"{service}.audit.recorded.v1": """{"id": 42, "at": "2026-12-07T09:30:00.123456Z",
        "actor_user_id": "5a0c6f0e-2f4b-4b8e-9c1d-3e2f1a0b9c8d", "actor_role": "operator",
        "action": "link_request.approve", "object_type": "link_request",
        "object_id": "1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b", "client_address": "198.51.100.7",
        "request_id": "demo-1", "outcome": "refused:same_actor",
        "prev_hash": "0000000000000000000000000000000000000000000000000000000000000000",
        "hash": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}"""
        for service in ("identity", "accounts", "readings", "payments", "notifications")
    },
}
SECRET_WORDS = {"email", "mail", "password", "token", "secret", "pan", "cvv", "cvc"}


def sample(event_type: str) -> dict[str, Any]:
    return cast(dict[str, Any], json.loads(SAMPLES[event_type]))


def field_paths(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    """Every field of a model and of the models nested in it (`X` or `X | None`), as dotted paths."""
    for name, field in model.model_fields.items():
        yield prefix + name
        for inner in get_args(field.annotation) or (field.annotation,):
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                yield from field_paths(inner, f"{prefix}{name}.")


def replaced(event_type: str, path: tuple[str, ...], value: Any) -> dict[str, Any]:
    body = target = sample(event_type)
    for key in path[:-1]:
        target = target[key]
        if isinstance(target, list):  # a list of objects (a bill's lines): its first one
            target = target[0]
    target[path[-1]] = value
    return body


MONEY_CASES = [
    (event_type, tuple(path.split(".")))
    for event_type, model in EVENT_MODELS.items()
    for path in field_paths(model)
    if path.endswith("_kopecks")
]
MOMENT_CASES = [
    (event_type, key)
    for event_type in SAMPLES
    for key, value in sample(event_type).items()
    if isinstance(value, str) and value.endswith(("Z", "+03:00"))
]


def test_every_contract_event_type_has_a_model_and_a_sample() -> None:
    assert set(EVENT_MODELS) == set(SAMPLES)
    assert len(EVENT_MODELS) == 34
    assert set(INBOUND) == {t for t in SAMPLES if t.startswith("billing.")}


@pytest.mark.parametrize("event_type", SAMPLES)
def test_contract_sample_validates_and_reads_back_unchanged(event_type: str) -> None:
    model = EVENT_MODELS[event_type]
    data = model.model_validate_json(SAMPLES[event_type])
    assert data.model_dump(mode="json") == sample(event_type)


@pytest.mark.parametrize("event_type", ["payments.payment.succeeded.v1", "payments.payment.failed.v1"])
def test_a_payment_event_written_before_method_still_reads(event_type: str) -> None:
    body = {key: value for key, value in sample(event_type).items() if key != "method"}
    assert EVENT_MODELS[event_type].model_validate(body).model_dump()["method"] is None


def test_an_sbp_payment_succeeded_has_no_card_brand() -> None:
    body = {**sample("payments.payment.succeeded.v1"), "card_brand": None, "method": "sbp"}
    data = EVENT_MODELS["payments.payment.succeeded.v1"].model_validate(body)
    assert data.model_dump(mode="json") == body


@pytest.mark.parametrize("event_type", SAMPLES)
def test_unknown_fields_are_ignored(event_type: str) -> None:
    body = {**sample(event_type), "added_in_a_later_minor": {"anything": [1, 2]}}
    data = EVENT_MODELS[event_type].model_validate(body)
    assert "added_in_a_later_minor" not in data.model_dump()


def test_unknown_fields_of_nested_objects_are_ignored() -> None:
    body = sample("billing.account.updated.v1")
    body["last_payment"]["channel"] = "bank"
    data = EVENT_MODELS["billing.account.updated.v1"].model_validate(body)
    assert data.model_dump(mode="json")["last_payment"] == {"amount_kopecks": 150000, "date": "2026-10-15"}


@pytest.mark.parametrize("event_type", INBOUND)
def test_billing_event_with_only_the_core_attributes_parses(event_type: str) -> None:
    body = {
        "specversion": "1.0",
        "id": str(uuid4()),
        "source": "/billing",
        "type": event_type,
        "data": sample(event_type),
    }
    event = CloudEvent.from_json(json.dumps(body).encode())
    assert (event.type, event.time, event.correlationid) == (event_type, None, None)
    # As the consumer runner does: the data dict of the parsed envelope, in Python mode.
    assert EVENT_MODELS[event_type].model_validate(event.data).model_dump(mode="json") == sample(event_type)


@pytest.mark.parametrize(("event_type", "path"), MONEY_CASES, ids=[".".join((t, *p)) for t, p in MONEY_CASES])
@pytest.mark.parametrize("amount", [12.5, 12.0, "1250"])
def test_money_in_kopecks_refuses_anything_but_an_integer(event_type: str, path: tuple[str, ...], amount: Any) -> None:
    body = replaced(event_type, path, amount)
    with pytest.raises(ValidationError):
        EVENT_MODELS[event_type].model_validate(body)
    with pytest.raises(ValidationError):
        EVENT_MODELS[event_type].model_validate_json(json.dumps(body))


@pytest.mark.parametrize("event_type", OUTBOUND)
def test_outbound_event_has_no_field_that_could_carry_a_secret(event_type: str) -> None:
    for path in field_paths(EVENT_MODELS[event_type]):
        words = set(path.replace(".", "_").split("_"))
        assert not words & SECRET_WORDS, f"{event_type}: {path}"
        assert "card_number" not in path, f"{event_type}: {path}"


@pytest.mark.parametrize("event_type", [t for t, m in OUTBOUND.items() if "account_id" in m.model_fields])
def test_outbound_event_about_an_account_names_it_without_a_lookup(event_type: str) -> None:
    assert {"region_code", "account_number"} <= set(EVENT_MODELS[event_type].model_fields)


@pytest.mark.parametrize(("event_type", "key"), MOMENT_CASES, ids=[f"{t}.{k}" for t, k in MOMENT_CASES])
def test_moment_without_a_utc_offset_is_refused(event_type: str, key: str) -> None:
    with pytest.raises(ValidationError):
        EVENT_MODELS[event_type].model_validate({**sample(event_type), key: "2026-11-20T10:15:00"})


@pytest.mark.parametrize("values", [{}, {"T1": -1}, {"T1": 12.345}, {"T1": 10**13}, {"T4": 1}], ids=str)
def test_meter_values_out_of_range_or_zone_are_refused(values: dict[str, float]) -> None:
    with pytest.raises(ValidationError):
        ReadingSubmitted.model_validate({**sample("readings.reading.submitted.v1"), "values": values})


def test_meter_values_are_exact_decimals_inside_and_json_numbers_on_the_wire() -> None:
    values = {"T1": Decimal("12456.10"), "T2": 0.1}
    reading = ReadingSubmitted.model_validate({**sample("readings.reading.submitted.v1"), "values": values})
    assert reading.values == {"T1": Decimal("12456.10"), "T2": Decimal("0.1")}
    assert json.loads(reading.model_dump_json())["values"] == {"T1": 12456.1, "T2": 0.1}


@pytest.mark.parametrize("event_type", SAMPLES)
def test_published_event_reads_back_as_the_same_data(event_type: str) -> None:
    model = EVENT_MODELS[event_type]
    data = model.model_validate_json(SAMPLES[event_type])
    event = CloudEvent.from_json(new_event(data, source="/lka/test", subject="subject-1").to_json())
    assert event.type == event_type
    assert model.model_validate(event.data) == data
