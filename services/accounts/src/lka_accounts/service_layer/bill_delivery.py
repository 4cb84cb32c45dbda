"""Bills: billing's `billing.bill.issued.v1` stored for the account's subscribers, the bill as a
PDF, and the letter with that PDF to each subscriber who turned paper bills off.

The letter's PDF is made here, by the bills' owner, once per bill, and travels inside the
`SendLetter` command (lka_common.commands.notifications, bounded): the letter is whole when it
leaves, notifications needs no call back to us when it sends or retries it, and the file the
subscriber gets is the one made when the bill came. The command body is blanked in our outbox
once the broker has it, so the outbox does not keep the files.

Whether a subscriber wants `bill_issued` letters at all (identity's `/profile/notifications`)
is not asked here: the notifications service honours that preference when it sends, and gives
the letter its one-click unsubscribe (services/accounts/README.md, "Bills").
"""

from __future__ import annotations

from uuid import UUID

import structlog

from lka_accounts.adapters import bill_pdf, bills, links, paperless, registry
from lka_accounts.domain.bills import Bill, month_name, roubles
from lka_accounts.domain.errors import NotFound
from lka_accounts.domain.model import BillingAccount
from lka_accounts.domain.payment_qr import Payee
from lka_common.commands.notifications import Attachment, SendLetter
from lka_common.events.billing import BillingBillIssued
from lka_common.events.envelope import CloudEvent
from lka_common.uow import UnitOfWork

log = structlog.get_logger(__name__)


def pdf_filename(bill: Bill) -> str:
    return f"kvitanciya-{bill.account_number}-{bill.period}.pdf"


async def bill_issued(payee: Payee, uow: UnitOfWork, data: BillingBillIssued, event: CloudEvent) -> None:
    """Store the bill; the first time, send it to the subscribers who get bills by letter."""
    bill = bills.bill_from(data)
    if not await bills.add(uow.session, bill):
        log.info("bill_already_stored", bill_id=bill.id)
        return
    recipients = await paperless.recipients(uow.session, bill.region_code, bill.account_number)
    if not recipients:
        return
    account = await registry.find(uow.session, bill.region_code, bill.account_number)
    if account is None:  # linked accounts are in the registry: a link needs billing's entry
        return
    attachment = Attachment.of(pdf_filename(bill), "application/pdf", bill_pdf.render(bill, account, payee))
    params = {
        "account_number": bill.account_number,
        "month": month_name(bill.period),
        "total_due": roubles(bill.total_due_kopecks),
        "due_date": f"{bill.due_date:%d.%m.%Y}",
    }
    for user_id in recipients:
        letter = SendLetter(template="bill_issued", user_id=user_id, params=params, attachments=[attachment])
        uow.publish(letter, subject=str(user_id))
    log.info("bill_sent_by_letter", bill_id=bill.id, recipients=len(recipients))


async def _linked(uow: UnitOfWork, user_id: UUID, account_id: UUID) -> BillingAccount:
    found = await links.summary_of_user(uow.session, user_id, account_id)
    if found is None:
        raise NotFound
    return found.account


async def bills_of(uow: UnitOfWork, user_id: UUID, account_id: UUID, limit: int, offset: int) -> list[Bill]:
    """The account's bills, newest first; an account not linked to the caller is `NotFound`."""
    async with uow:
        account = await _linked(uow, user_id, account_id)
        return await bills.of_account(uow.session, account.region_code, account.number, limit, offset)


async def bill(uow: UnitOfWork, user_id: UUID, account_id: UUID, bill_id: str) -> Bill:
    """One bill of the account; another account's bill is `NotFound`, as an unknown one."""
    async with uow:
        account = await _linked(uow, user_id, account_id)
        found = await bills.one(uow.session, account.region_code, account.number, bill_id)
    if found is None:
        raise NotFound
    return found


async def bill_document(
    uow: UnitOfWork, payee: Payee, user_id: UUID, account_id: UUID, bill_id: str
) -> tuple[Bill, bytes]:
    """The bill and its PDF, drawn from the account as billing last sent it (owner, address)."""
    async with uow:
        account = await _linked(uow, user_id, account_id)
        found = await bills.one(uow.session, account.region_code, account.number, bill_id)
    if found is None:
        raise NotFound
    return found, bill_pdf.render(found, account, payee)
