"""The acquirer's placeholder secrets are refused in production; the OpenAPI document builds."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from lka_payments.bootstrap import build_app
from lka_payments.settings import PaymentsSettings


def test_placeholder_acquirer_secrets_are_refused_in_production() -> None:
    with pytest.raises(ValidationError, match="rbs_callback_key"):
        PaymentsSettings(environment="production")


def test_real_secrets_pass_in_production() -> None:
    secrets = {name: SecretStr(f"real-{name}") for name in ("rbs_user_name", "rbs_password", "rbs_callback_key")}
    assert PaymentsSettings(environment="production", **secrets).environment == "production"


def test_the_openapi_document_lists_every_route() -> None:
    paths = build_app(PaymentsSettings(environment="test")).openapi()["paths"]
    assert {"/api/v1/payments", "/api/v1/payments/{payment_id}", "/api/v1/accounts/{account_id}/payments"} <= set(paths)
    assert set(paths["/api/v1/payments/acquirer/rbs/callback"]) == {"get", "post"}
    assert "403" in paths["/api/v1/payments"]["post"]["responses"]  # staff_not_allowed
