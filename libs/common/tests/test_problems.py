"""Problem details and Russian validation messages (docs/contract.md §2 errors)."""

from __future__ import annotations

from lka_common.problems import Problem
from lka_common.validation_ru import field_name, russian_message
from lka_common.web import incoming_request_id


def test_problem_document_has_every_rfc9457_member_and_a_stable_code() -> None:
    body = Problem(409, "already_linked", "Счет уже привязан к Вашей учетной записи").body()

    assert body == {
        "type": "https://lk.crimea-energy.ru/problems/already-linked",
        "title": "Conflict",
        "status": 409,
        "detail": "Счет уже привязан к Вашей учетной записи",
        "code": "already_linked",
    }


def test_a_status_alone_gets_a_russian_detail() -> None:
    assert Problem(404).body()["detail"] == "Ресурс не найден"
    assert Problem(503).body()["code"] == "service_unavailable"


def test_length_messages_agree_with_the_number() -> None:
    assert russian_message({"type": "string_too_long", "ctx": {"max_length": 200}}) == "Не более 200 символов"
    assert russian_message({"type": "string_too_long", "ctx": {"max_length": 21}}) == "Не более 21 символа"
    assert russian_message({"type": "string_too_short", "ctx": {"min_length": 8}}) == "Не менее 8 символов"
    assert russian_message({"type": "string_too_short", "ctx": {"min_length": 1}}) == "Заполните поле"


def test_our_own_validator_message_is_passed_through_and_english_ones_are_not() -> None:
    assert russian_message({"type": "value_error", "msg": "Value error, Пароли не совпадают"}) == "Пароли не совпадают"
    assert russian_message({"type": "value_error", "msg": "Value error, bad"}) == "Некорректное значение"


def test_field_names_drop_the_request_part() -> None:
    assert field_name(("body", "values", "T1")) == "values.T1"
    assert field_name(("query", "limit")) == "limit"


def test_a_sane_request_id_is_kept_and_a_hostile_one_replaced() -> None:
    assert incoming_request_id([(b"x-request-id", b"abc-123")]) == "abc-123"
    replaced = incoming_request_id([(b"x-request-id", b"evil\nline: injected")])
    assert replaced != "evil\nline: injected"
    assert len(replaced) == 36
