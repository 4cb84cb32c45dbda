"""`/public/unsubscribe`: the one-click unsubscribe of a reminder's letter (RFC 8058), no sign-in.

The mail client POSTs `List-Unsubscribe=One-Click` as a form to the address in the letter's
`List-Unsubscribe` header; the body says nothing the token does not, so it is not read. The
letter's own link opens the web page `/unsubscribe?token=…`, which GETs what the link turns off
(changing nothing: mail scanners open links) and POSTs when the person presses «Отписаться».

The token is read from the query string by hand, not as a FastAPI parameter: a missing, empty or
overlong one is a link that is not ours, the same 400 `invalid_unsubscribe_link` as a forged one
(no 422 to tell them apart), and the document says so (`TOKEN_PARAMETER`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from lka_common.web import UowDep
from lka_identity.domain import messages
from lka_identity.entrypoints.dependencies import ClientDep, ContextDep
from lka_identity.entrypoints.problem_docs import problems
from lka_identity.entrypoints.schemas import MessageOut, UnsubscribeLinkOut
from lka_identity.service_layer import letter_choices

router = APIRouter(prefix="/public", tags=["public"])

TOKEN_PARAMETER: dict[str, Any] = {
    "parameters": [
        {
            "name": "token",
            "in": "query",
            "required": True,
            "description": "The token of the letter's link; a missing or wrong one is 400 `invalid_unsubscribe_link`.",
            "schema": {"type": "string", "minLength": 1, "maxLength": letter_choices.TOKEN_MAX_CHARS},
        }
    ]
}


@router.get(
    "/unsubscribe", response_model=UnsubscribeLinkOut, responses=problems(400, 429), openapi_extra=TOKEN_PARAMETER
)
async def unsubscribe_link(request: Request, ctx: ContextDep, uow: UowDep, client: ClientDep) -> UnsubscribeLinkOut:
    """Which letters the link would turn off; nothing changes."""
    kind = await letter_choices.unsubscribe_kind(uow, ctx, request.query_params.get("token"), client)
    return UnsubscribeLinkOut(kind=kind, letters=messages.LETTER_KINDS[kind])


@router.post("/unsubscribe", response_model=MessageOut, responses=problems(400, 429), openapi_extra=TOKEN_PARAMETER)
async def unsubscribe(request: Request, ctx: ContextDep, uow: UowDep, client: ClientDep) -> MessageOut:
    """Turn off the kind of letter the link was sent with, for the person it was sent to."""
    kind = await letter_choices.unsubscribe(uow, ctx, request.query_params.get("token"), client)
    return MessageOut(message=messages.unsubscribed(kind))
