"""Settings: per-service prefixes, stack-wide fallbacks, placeholder secrets refused in production."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from lka_common.settings import ServiceSettings


class SampleSettings(ServiceSettings):
    service_name = "sample"
    api_key: SecretStr = SecretStr("change-me-in-production")


def test_service_fields_come_from_its_own_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LKA_SAMPLE_HTTP_PORT", "9123")
    monkeypatch.setenv("LKA_OTHER_HTTP_PORT", "9999")

    assert SampleSettings().http_port == 9123


def test_database_url_is_derived_from_the_shared_server_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LKA_POSTGRES_URL", "postgresql://admin@db.internal:6543/postgres")

    assert SampleSettings().database_url == "postgresql+asyncpg://lka_sample:lka_sample@db.internal:6543/lka_sample"


def test_stack_wide_broker_address_is_a_fallback_the_prefix_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LKA_AMQP_URL", "amqp://shared/")
    assert SampleSettings().amqp_url == "amqp://shared/"

    monkeypatch.setenv("LKA_SAMPLE_AMQP_URL", "amqp://own/")
    assert SampleSettings().amqp_url == "amqp://own/"


def test_placeholder_secret_is_refused_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LKA_ENVIRONMENT", "production")

    with pytest.raises(ValidationError, match="api_key"):
        SampleSettings()


def test_placeholder_secret_is_accepted_in_development_and_a_real_one_in_production(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert SampleSettings().environment == "development"
    monkeypatch.setenv("LKA_ENVIRONMENT", "production")
    monkeypatch.setenv("LKA_SAMPLE_API_KEY", "a-real-secret-from-the-vault")

    assert SampleSettings().api_key.get_secret_value() == "a-real-secret-from-the-vault"
