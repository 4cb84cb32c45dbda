"""The acquirer's callback (public): `GET|POST /payments/acquirer/rbs/callback`.

The checksum is verified before anything else, so a forged callback costs one HMAC and
touches nothing. A verified one is still only a hint: the outcome comes from the bank's own
status (settlement.py). 200 tells the bank to stop retrying; 503 asks it to retry later.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse

from lka_common.problems import Problem
from lka_common.web import UowDep
from lka_payments.domain import messages
from lka_payments.domain.errors import AcquirerRefused, AcquirerUnavailable
from lka_payments.entrypoints.dependencies import AcquirerDep, SettingsDep
from lka_payments.entrypoints.problem_docs import problems
from lka_payments.service_layer.settlement import settle_order

log = structlog.get_logger(__name__)
router = APIRouter(tags=["acquirer"])


async def callback_params(request: Request) -> dict[str, str]:
    params = dict(request.query_params)
    if request.method == "POST":
        # A form post; parsed here rather than through python-multipart, which is not installed.
        params.update(parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True))
    return params


_PATH = "/payments/acquirer/rbs/callback"
_DOCS: dict[str, Any] = {
    "response_class": PlainTextResponse,
    "responses": {200: {"description": "Accepted.", "content": {"text/plain": {}}}, **problems(400, 503)},
}


# GET and POST both, as RBS may send either; two routes so each has its own operation id.
@router.get(_PATH, operation_id="rbs_callback_get", **_DOCS)
@router.post(_PATH, operation_id="rbs_callback_post", **_DOCS)
async def rbs_callback(request: Request, uow: UowDep, acquirer: AcquirerDep, settings: SettingsDep) -> str:
    params = await callback_params(request)
    if not acquirer.verify_callback(params):
        log.warning("acquirer_callback_bad_checksum", md_order=params.get("mdOrder", "")[:64])
        raise Problem(400, "invalid_checksum", messages.BAD_CHECKSUM)
    order_id, order_number, amount = params.get("mdOrder", ""), params.get("orderNumber"), params.get("amount")
    try:
        told: dict[str, str] = {n: params[n][:64] for n in ("operation", "status", "amount") if n in params}
        await settle_order(uow, acquirer, settings, order_id, order_number, amount, told)
    except (AcquirerUnavailable, AcquirerRefused) as exc:
        raise Problem(503, "acquirer_unavailable", messages.ACQUIRER_UNAVAILABLE) from exc
    return "OK"
