"""`/accounts/{id}/bills`, `/bills/{bill_id}`, `/bills/{bill_id}.pdf` and `/paperless`: a signed-in
subscriber's bills of an account linked to them, and their choice of bills by e-mail."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Request, Response

from lka_accounts.domain import messages
from lka_accounts.entrypoints.problem_docs import problems
from lka_accounts.entrypoints.schemas import BillOut, PaperlessIn, PaperlessOut
from lka_accounts.service_layer import bill_delivery, paperless
from lka_accounts.settings import AccountsSettings
from lka_common.auth import CurrentUser, Subscriber
from lka_common.paging import PageDep
from lka_common.web import UowDep

router = APIRouter(prefix="/accounts/{account_id}", tags=["bills"])

# Billing's bill ids (lka_common.events.billing.BillingId): never a dot, so `….pdf` is unambiguous.
BillId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


PDF_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}}, "description": "The bill (квитанция) as PDF."}
}


def _settings(request: Request) -> AccountsSettings:
    settings: AccountsSettings = request.app.state.settings
    return settings


@router.get("/bills", response_model=list[BillOut], responses=problems(401, 404, 422))
async def list_bills(account_id: UUID, user: CurrentUser, uow: UowDep, page: PageDep) -> list[BillOut]:
    found = await bill_delivery.bills_of(uow, user.user_id, account_id, page.limit, page.offset)
    return [BillOut.of(account_id, bill) for bill in found]


# Before `/bills/{bill_id}`, which would otherwise take `….pdf` as an id (and answer 422).
@router.get(
    "/bills/{bill_id}.pdf",
    response_class=Response,
    responses={**PDF_RESPONSE, **problems(401, 404, 422)},
)
async def bill_pdf(account_id: UUID, bill_id: BillId, request: Request, user: CurrentUser, uow: UowDep) -> Response:
    bill, document = await bill_delivery.bill_document(uow, _settings(request).payee, user.user_id, account_id, bill_id)
    disposition = f'inline; filename="{bill_delivery.pdf_filename(bill)}"'
    return Response(document, media_type="application/pdf", headers={"Content-Disposition": disposition})


@router.get("/bills/{bill_id}", response_model=BillOut, responses=problems(401, 404, 422))
async def get_bill(account_id: UUID, bill_id: BillId, user: CurrentUser, uow: UowDep) -> BillOut:
    return BillOut.of(account_id, await bill_delivery.bill(uow, user.user_id, account_id, bill_id))


@router.get("/paperless", response_model=PaperlessOut, responses=problems(401, 404, 422))
async def get_paperless(account_id: UUID, user: CurrentUser, uow: UowDep) -> PaperlessOut:
    return PaperlessOut(account_id=account_id, enabled=await paperless.is_enabled(uow, user.user_id, account_id))


@router.put("/paperless", response_model=PaperlessOut, responses=problems(401, 403, 404, 422))
async def put_paperless(account_id: UUID, body: PaperlessIn, user: Subscriber, uow: UowDep) -> PaperlessOut:
    await paperless.switch(uow, user.user_id, account_id, body.enabled)
    message = messages.PAPERLESS_ON if body.enabled else messages.PAPERLESS_OFF
    return PaperlessOut(account_id=account_id, enabled=body.enabled, message=message)
