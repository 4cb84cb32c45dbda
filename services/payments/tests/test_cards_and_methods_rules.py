"""The domain rules of saved cards and of how a payment is paid: which paid payment leaves a card
to keep, the card's expiry as printed, an SBP transfer has no card, and what the key covers."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from lka_payments.domain.cards import CardToKeep, card_to_keep, expiry_text
from lka_payments.domain.model import AcquirerOrder, Outcome, Payment, decide
from lka_payments.service_layer.starting import PaymentRequest, fingerprint

NOW = datetime(2026, 12, 10, 12, 0, tzinfo=UTC)
PAYMENT = Payment(
    id=uuid.uuid4(),
    user_id=uuid.uuid4(),
    account_id=uuid.uuid4(),
    region_code="simferopol",
    account_number="91000101",
    amount_kopecks=10000,
    status="succeeded",
    request_fingerprint="-",
    order_number="n",
    acquirer_order_id="md",
    confirmation_url=None,
    payer_email=None,
    card_brand="visa",
    pan_masked="411111******1111",
    failure_reason=None,
    created_at=NOW,
    paid_at=NOW,
    save_card=True,
)
PAID = Outcome("succeeded", None, "visa", "411111******1111", "123456", "binding-1", "203012")


@pytest.mark.parametrize(("bank", "card"), [("203012", "12/30"), ("202701", "01/27"), ("2030", ""), ("", "")])
def test_the_banks_expiry_reads_as_on_the_card(bank: str, card: str) -> None:
    assert expiry_text(bank) == card


def test_a_paid_payment_that_asked_to_save_keeps_its_binding() -> None:
    assert card_to_keep(PAYMENT, PAID) == CardToKeep("binding-1", "visa", "411111******1111", "12/30")


@pytest.mark.parametrize(
    ("payment", "outcome"),
    [
        (replace(PAYMENT, save_card=False), PAID),
        (PAYMENT, replace(PAID, binding_id=None)),
        (PAYMENT, replace(PAID, card_expiry=None)),
        (PAYMENT, Outcome("failed", "declined_by_issuer")),
    ],
    ids=["not-asked", "no-binding", "no-expiry", "failed"],
)
def test_nothing_is_kept_otherwise(payment: Payment, outcome: Outcome) -> None:
    assert card_to_keep(payment, outcome) is None


def test_an_sbp_transfer_succeeds_without_a_card() -> None:
    order = AcquirerOrder(order_status=2, action_code=0, amount=10000)
    outcome = decide(10000, NOW, order, NOW, timedelta(minutes=25))
    assert outcome == Outcome("succeeded")


def test_a_plain_card_payments_fingerprint_is_the_first_versions() -> None:
    account = uuid.uuid4()
    first_version = hashlib.sha256(f"{account}:10000".encode()).hexdigest()
    assert fingerprint(PaymentRequest(account, 10000)) == first_version
    others = {
        fingerprint(PaymentRequest(account, 10000, "sbp")),
        fingerprint(PaymentRequest(account, 10000, save_card=True)),
        fingerprint(PaymentRequest(account, 10000, card_id=uuid.uuid4())),
    }
    assert first_version not in others and len(others) == 3
