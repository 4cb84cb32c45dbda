"""The payment QR code's text in the format of ГОСТ Р 56042-2014 («Стандарты финансовых
операций. Двумерные символы штрихового кода для осуществления платежей физических лиц»), which
banking apps read to fill in a payment to the supplier.

The text is `ST0001` (the format and its version), `2` (the values are UTF-8), then
`|Name=value` pairs. The standard requires, in this order, `Name` (the payee), `PersonalAcc`
(its settlement account), `BankName`, `BIC`, `CorrespAcc`; the rest are its optional
requisites, of which a bill needs: `PayeeINN`, `KPP`, `persAcc` (the payer's personal account
with the supplier), `Sum` (kopecks, digits only), `Purpose`, `lastName` and `payerAddress`.
Banks read the names regardless of case; the spelling here is the one docs/contract.md fixes
(`persAcc`) and the banks' own specifications use for the other optional ones.

A value must not contain the separator `|`; ours could only get one from billing's address or
name, and it becomes `/`. `Sum` is left out when nothing is due (an overpaid account): the app
then asks the payer for an amount rather than proposing 0.
"""

from __future__ import annotations

from dataclasses import dataclass

HEADER = "ST00012"  # ST, format version 0001, encoding 2 (UTF-8)


@dataclass(frozen=True)
class Payee:
    """The supplier's requisites (settings: docs/operations.md "Supplier requisites")."""

    name: str
    inn: str
    kpp: str
    bank_name: str
    bic: str
    correspondent_account: str
    settlement_account: str
    address: str
    phone: str = ""  # printed on the bill, not in the QR code


@dataclass(frozen=True)
class Payer:
    account_number: str
    last_name: str
    address: str


def _clean(value: str) -> str:
    return " ".join(value.replace("|", "/").split())


def payment_text(payee: Payee, payer: Payer, sum_kopecks: int, purpose: str) -> str:
    """The ST00012 text of a payment to the supplier for this personal account."""
    fields: list[tuple[str, str]] = [
        ("Name", payee.name),
        ("PersonalAcc", payee.settlement_account),
        ("BankName", payee.bank_name),
        ("BIC", payee.bic),
        ("CorrespAcc", payee.correspondent_account),
        ("PayeeINN", payee.inn),
        ("KPP", payee.kpp),
        ("persAcc", payer.account_number),
    ]
    if sum_kopecks > 0:
        fields.append(("Sum", str(sum_kopecks)))
    fields += [("Purpose", purpose), ("lastName", payer.last_name), ("payerAddress", payer.address)]
    return "|".join([HEADER, *(f"{name}={_clean(value)}" for name, value in fields if value.strip())])
