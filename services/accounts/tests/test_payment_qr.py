"""The payment QR code's text (ГОСТ Р 56042-2014, domain/payment_qr.py) and the bill's words."""

from __future__ import annotations

from lka_accounts.domain.bills import month_name, roubles
from lka_accounts.domain.payment_qr import Payee, Payer, payment_text
from lka_accounts.settings import AccountsSettings

PAYEE = Payee(
    name="ГУП РК «Крымэнерго»",
    inn="9102057281",
    kpp="910201001",
    bank_name="РНКБ Банк (ПАО)",
    bic="043510607",
    correspondent_account="30101810335100000607",
    settlement_account="40602810741000000001",
    address="г. Симферополь",
)
PAYER = Payer("91000202", "Ёлкина", "г. Ялта, ул. Набережная им. Ленина, д. 3, кв. 14")


def test_the_text_has_the_header_the_required_fields_in_order_then_the_bills_own() -> None:
    text = payment_text(PAYEE, PAYER, 87956, "Оплата электроэнергии за 11.2026, л/с 91000202")

    assert text == (
        "ST00012|Name=ГУП РК «Крымэнерго»|PersonalAcc=40602810741000000001|BankName=РНКБ Банк (ПАО)"
        "|BIC=043510607|CorrespAcc=30101810335100000607|PayeeINN=9102057281|KPP=910201001|persAcc=91000202"
        "|Sum=87956|Purpose=Оплата электроэнергии за 11.2026, л/с 91000202|lastName=Ёлкина"
        "|payerAddress=г. Ялта, ул. Набережная им. Ленина, д. 3, кв. 14"
    )


def test_nothing_due_leaves_the_sum_to_the_payer_and_a_separator_in_a_value_is_replaced() -> None:
    payer = Payer("91000303", "Петров", "г. Керчь | ул. Ленина")

    text = payment_text(PAYEE, payer, -25000, "Оплата")

    assert "|Sum=" not in text
    assert "payerAddress=г. Керчь / ул. Ленина" in text
    assert text.count("|") == 11


def test_the_default_requisites_are_well_formed_demo_values() -> None:
    payee = AccountsSettings(environment="test").payee

    assert (len(payee.inn), len(payee.kpp), len(payee.bic)) == (10, 9, 9)
    assert len(payee.settlement_account) == len(payee.correspondent_account) == 20


def test_money_and_months_as_a_bill_prints_them() -> None:
    assert [roubles(k) for k in (87956, 152340, -25000, 5)] == ["879,56", "1 523,40", "−250,00", "0,05"]
    assert month_name("2026-11") == "ноябрь 2026 г."
