"""`/public/unsubscribe`: the one-click unsubscribe of a reminder's letter (RFC 8058), no sign-in.

The mail client POSTs `List-Unsubscribe=One-Click` as a form to the address in the letter's
`List-Unsubscribe` header; the body says nothing the token does not, so it is not read.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from lka_common.web import UowDep
from lka_identity.domain import messages
from lka_identity.entrypoints.dependencies import ContextDep
from lka_identity.entrypoints.problem_docs import problems
from lka_identity.entrypoints.schemas import MessageOut
from lka_identity.service_layer import letter_choices

router = APIRouter(prefix="/public", tags=["public"])


@router.post("/unsubscribe", response_model=MessageOut, responses=problems(400))
async def unsubscribe(
    token: Annotated[str, Query(min_length=1, max_length=200)], ctx: ContextDep, uow: UowDep
) -> MessageOut:
    """Turn off the kind of letter the link was sent with, for the person it was sent to."""
    kind = await letter_choices.unsubscribe(uow, ctx.settings.unsubscribe_secret, token)
    return MessageOut(message=messages.unsubscribed(kind))
