"""Request dependencies of identity's routers: its context, the caller's address, and the
signed-in caller whose session must still be live in identity's own database.

The other services and the gateway refuse a revoked token once their revocation feed hears of
it (within a second); identity itself checks the session on every call, so sign-out takes
effect here at once.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from lka_common.auth import DeclaredBearer, Principal, bearer_token, unauthorized
from lka_common.client_address import client_address
from lka_common.web import UowDep
from lka_identity.service_layer.context import IdentityContext, utcnow
from lka_identity.service_layer.sessions import session_is_live


# `async def`, though they await nothing: FastAPI runs a plain `def` dependency in a worker
# thread, a thread hop per dependency per request (docs/performance.md, the readings profile).
async def get_context(request: Request) -> IdentityContext:
    context: IdentityContext = request.app.state.identity
    return context


async def get_client_address(request: Request) -> str | None:
    return client_address(request)


ContextDep = Annotated[IdentityContext, Depends(get_context)]
ClientDep = Annotated[str | None, Depends(get_client_address)]


async def live_principal(request: Request, ctx: ContextDep, uow: UowDep, _: DeclaredBearer) -> Principal:
    token = bearer_token(request)
    if token is None:
        raise unauthorized()
    verifier = await ctx.keys.verifier_for(token, utcnow())
    principal = await verifier.verify(token)
    if not await session_is_live(uow, principal.user_id, principal.session_id):
        raise unauthorized()
    return principal


LiveUser = Annotated[Principal, Depends(live_principal)]
