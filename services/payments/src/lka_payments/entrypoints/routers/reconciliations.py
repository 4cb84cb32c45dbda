"""`/operator/reconciliations…`: the day's comparison with the acquirer's registry, started by
the staff (202: it runs on after the answer) and read as JSON or as CSV (the same findings, a
line each). Audited: `reconciliation.request`, `reconciliation.read`, and the run's own
`reconciliation.run` (service_layer/reconciling.py)."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends
from fastapi.responses import Response

from lka_common.audit import Audit, staff_audit
from lka_common.auth import Operator
from lka_common.problems import validation_problem
from lka_common.scheduler.clock import LOCAL_TIME
from lka_common.web import UowDep
from lka_payments.adapters.reconciliations import Stored
from lka_payments.domain import messages
from lka_payments.domain.errors import PaymentsError
from lka_payments.entrypoints.dependencies import AcquirerDep, SettingsDep
from lka_payments.entrypoints.errors import problem_for
from lka_payments.entrypoints.problem_docs import problems
from lka_payments.entrypoints.schemas.days import IsoDay
from lka_payments.entrypoints.schemas.reconciliations import (
    DiscrepancyOut,
    ReconciliationIn,
    ReconciliationOut,
    money,
)
from lka_payments.service_layer import reconciling

router = APIRouter(prefix="/operator/reconciliations", tags=["operator"])

AuditDep = Annotated[Audit, Depends(staff_audit(PaymentsError, problem_for))]
CSV_COLUMNS = ["date", "kind", "acquirer_order_id", "payment_id", "bank_amount", "our_amount", "resolution"]


def view(found: Stored) -> ReconciliationOut:
    return ReconciliationOut(
        date=found.day,
        status=found.status,
        bank_total=money(found.bank_total),
        our_total=money(found.our_total),
        matched=found.matched,
        discrepancies=[
            DiscrepancyOut(
                kind=d.kind,
                acquirer_order_id=d.acquirer_order_id,
                payment_id=d.payment_id,
                bank_amount=money(d.bank_amount),
                our_amount=money(d.our_amount),
                resolution=d.resolution,
            )
            for d in found.discrepancies
        ],
        runs=found.runs,
        started_at=found.started_at,
        finished_at=found.finished_at,
    )


@router.post("", status_code=202, response_model=ReconciliationOut, responses=problems(401, 403, 422))
async def start_reconciliation(
    body: ReconciliationIn,
    operator: Operator,
    audit: AuditDep,
    uow: UowDep,
    acquirer: AcquirerDep,
    settings: SettingsDep,
    background: BackgroundTasks,
) -> ReconciliationOut:
    if body.date > datetime.now(LOCAL_TIME).date():
        text = messages.RECONCILIATION_FUTURE
        raise validation_problem([{"field": "date", "message": text}], detail=text)
    async with audit.action(uow, "reconciliation.request", "reconciliation", body.date) as step:
        claimed = await reconciling.request_run(uow, body.date, audit.actor, step)
    if claimed:
        # After the answer: a day of ten thousand payments takes seconds, not a request's time.
        background.add_task(reconciling.run, uow, acquirer, settings, body.date, audit.actor)
    return view(await reconciling.stored(uow, body.date))


# Before `/{day}`: a path `…/2026-12-15.csv` is this one's.
@router.get(
    "/{day}.csv",
    response_class=Response,
    responses={
        200: {"content": {"text/csv": {}}, "description": "The findings, a line each."},
        **problems(401, 403, 404, 422),
    },
)
async def reconciliation_csv(day: IsoDay, operator: Operator, audit: AuditDep, uow: UowDep) -> Response:
    async with audit.action(uow, "reconciliation.read", "reconciliation", day):
        found = await reconciling.stored(uow, day)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for d in view(found).discrepancies:
        writer.writerow(
            [
                day.isoformat(),
                d.kind,
                d.acquirer_order_id or "",
                d.payment_id or "",
                d.bank_amount or "",
                d.our_amount or "",
                d.resolution,
            ]
        )
    headers = {"Content-Disposition": f'attachment; filename="reconciliation-{day.isoformat()}.csv"'}
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/{day}", response_model=ReconciliationOut, responses=problems(401, 403, 404, 422))
async def reconciliation(day: IsoDay, operator: Operator, audit: AuditDep, uow: UowDep) -> ReconciliationOut:
    async with audit.action(uow, "reconciliation.read", "reconciliation", day):
        return view(await reconciling.stored(uow, day))
