"""Domain rules without I/O: the password policy, the shipped list, the limits' arithmetic,
and the hasher's answer for an unknown address."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lka_common.throttling import Limit, wait_seconds
from lka_identity.adapters.password_hasher import PasswordHasher
from lka_identity.domain.errors import FormRefused, Refusal
from lka_identity.domain.passwords import check_new_password, common_passwords, password_refusals


def test_the_shipped_list_has_hundreds_of_common_passwords_of_both_keyboards() -> None:
    listed = common_passwords()

    assert len(listed) >= 300
    assert {"123456", "qwerty123", "1q2w3e4r", "йцукен", "пароль", "gfhjkm", "йцукенгшщз"} <= listed


@pytest.mark.parametrize("password", ["QWERTY123", "Пароль123", "ЙЦУКЕНГШЩЗ", "Password1"])
def test_common_passwords_are_refused_whatever_their_case(password: str) -> None:
    assert [r.code for r in password_refusals(password, "someone@example.ru")] == ["weak_password"]


def test_length_is_counted_in_characters_from_8_to_128() -> None:
    assert password_refusals("ёжик-в-т", "a@example.ru") == []
    assert password_refusals("ёжик-в-", "a@example.ru") != []
    assert password_refusals("ж" * 128, "a@example.ru") == []
    assert password_refusals("ж" * 129, "a@example.ru") != []


def test_the_address_and_its_local_part_are_refused() -> None:
    assert password_refusals("Ivan.Petrov@Example.ru", "ivan.petrov@example.ru") != []
    assert password_refusals("IVAN.PETROV", "ivan.petrov@example.ru") != []
    assert password_refusals("ivan.petrov-1987", "ivan.petrov@example.ru") == []


def test_every_broken_rule_is_listed_and_the_first_names_the_code() -> None:
    consent = Refusal("consent_required", "personal_data_consent", "нужно согласие")

    with pytest.raises(FormRefused) as refused:
        check_new_password("qwerty", "qwertz", "a@example.ru", first=[consent])

    assert [r.code for r in refused.value.refusals] == ["consent_required", "password_mismatch", "weak_password"]


def test_the_wait_ends_when_the_limit_th_newest_attempt_leaves_the_window() -> None:
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    limit = Limit(10, timedelta(minutes=15))

    assert wait_seconds(limit, None, now) is None
    assert wait_seconds(limit, now - timedelta(minutes=5), now) == 600
    assert wait_seconds(limit, now - timedelta(minutes=15) + timedelta(milliseconds=1), now) == 1


async def test_an_unknown_address_costs_a_real_hash_and_is_never_accepted() -> None:
    hasher = PasswordHasher(time_cost=2, memory_cost_kib=19456, parallelism=1, concurrency=1)
    try:
        stored = await hasher.hash("Зелёный-трамвай-2026")

        assert (await hasher.verify(None, "Зелёный-трамвай-2026")).ok is False
        assert (await hasher.verify("not-a-hash", "Зелёный-трамвай-2026")).ok is False
        verdict = await hasher.verify(stored, "Зелёный-трамвай-2026")
        assert verdict.ok and not verdict.needs_rehash
    finally:
        hasher.close()
