"""Request and response bodies of the accounts API (docs/contract.md §2 "accounts"), a module per
part of it: `accounts` (regions, linked accounts, the link form, and the money and account-number
fields the others share), `link_requests` (a request and its proof as the subscriber sees them),
`operator` (the registry lookup, the review queue, a rejection) and `bills` (bills, paperless).

Money leaves as decimal strings ("1523.40") and enters as one; the proof of a link is exactly
one of the last payment's amount and the surname's first three letters.

Every name is also here, where the routers import it from (this was one module until it grew
too long to read).
"""

from lka_accounts.entrypoints.schemas.accounts import (
    ACCOUNT_NUMBER_PATTERN,
    AccountNumber,
    AccountOut,
    LinkedOut,
    LinkIn,
    MessageOut,
    Money,
    RegionCode,
    RegionOut,
    last_payment_kopecks,
)
from lka_accounts.entrypoints.schemas.bills import BillLineOut, BillOut, PaperlessIn, PaperlessOut
from lka_accounts.entrypoints.schemas.link_requests import (
    LastPaymentProofOut,
    LinkRequestOut,
    ProofOut,
    RequestCreatedOut,
    RequestFields,
    RequestLinkedOut,
    RequestPendingOut,
    SurnameProofOut,
    proof_out,
)
from lka_accounts.entrypoints.schemas.operator import (
    FAILED_ATTEMPTS_DAYS,
    BillingAccountOut,
    BillingSideOut,
    FailedAttemptsOut,
    HistoryOut,
    HistoryRequestOut,
    LastPaymentOut,
    OperatorLinkRequestOut,
    OperatorRequestCardOut,
    RejectIn,
)

__all__ = [
    "ACCOUNT_NUMBER_PATTERN",
    "FAILED_ATTEMPTS_DAYS",
    "AccountNumber",
    "AccountOut",
    "BillLineOut",
    "BillOut",
    "BillingAccountOut",
    "BillingSideOut",
    "FailedAttemptsOut",
    "HistoryOut",
    "HistoryRequestOut",
    "LastPaymentOut",
    "LastPaymentProofOut",
    "LinkIn",
    "LinkRequestOut",
    "LinkedOut",
    "MessageOut",
    "Money",
    "OperatorLinkRequestOut",
    "OperatorRequestCardOut",
    "PaperlessIn",
    "PaperlessOut",
    "ProofOut",
    "RegionCode",
    "RegionOut",
    "RejectIn",
    "RequestCreatedOut",
    "RequestFields",
    "RequestLinkedOut",
    "RequestPendingOut",
    "SurnameProofOut",
    "last_payment_kopecks",
    "proof_out",
]
