"""Request dependencies of identity's routers: its context, the caller's address, and the
signed-in caller whose session must still be live in identity's own database; staff and
supervisors among them, and the audit of a staff call (`StaffAuditDep`, lka_common.audit).

The other services and the gateway refuse a revoked token once their revocation feed hears of
it (within a second); identity itself checks the session on every call, so sign-out takes
effect here at once.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Annotated

from fastapi import Depends, Request
from starlette.types import ASGIApp, Receive, Scope, Send

from lka_common.audit import Audit, staff_audit
from lka_common.auth import SUPERVISOR_ROLE, DeclaredBearer, Principal, bearer_token, supervisors_only, unauthorized
from lka_common.client_address import Network, client_address
from lka_common.web import UowDep
from lka_identity.domain.browsers import Browser
from lka_identity.domain.errors import IdentityError
from lka_identity.entrypoints.errors import problem_for
from lka_identity.service_layer.browser import serving
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


async def live_staff(principal: LiveUser) -> Principal:
    """A staff member's live session; a subscriber is 403 (and leaves no audit record: the audit
    is of staff)."""
    if not principal.is_staff:
        raise supervisors_only()
    return principal


async def live_supervisor(principal: LiveUser) -> Principal:
    """A supervisor's live session: operators and subscribers 403."""
    if principal.role != SUPERVISOR_ROLE:
        raise supervisors_only()
    return principal


def require_supervisor(principal: Principal) -> None:
    """Inside an audited block: an operator's try at a supervisor's call is refused and recorded
    (`refused:forbidden`)."""
    if principal.role != SUPERVISOR_ROLE:
        raise supervisors_only()


LiveStaff = Annotated[Principal, Depends(live_staff)]
LiveSupervisor = Annotated[Principal, Depends(live_supervisor)]
# What a staff member's call records in identity's audit chain (lka_common.audit): the caller,
# their address and the request; refusals coded as identity answers them.
StaffAuditDep = Annotated[Audit, Depends(staff_audit(IdentityError, problem_for, principal=live_staff))]


# --- Each request's browser (a subscriber's own security, docs/contract.md §4) ----------------
# Not a dependency but the middleware that binds it (bootstrap.build_app installs it): the sign-in
# path reads it deep down (service_layer/browser.py), and the routes that call it do not pass it
# on. `User-Agent` as sent; `X-Device-Id` only from one of our proxies (the gateway strips any a
# client sends and writes its device cookie's value there, lka_gateway.sessions).


class BrowserMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        agent = device = None
        for name, value in scope["headers"]:
            if name == b"user-agent":
                agent = value.decode("latin-1")
            elif name == b"x-device-id":
                device = value.decode("latin-1")
        if device is not None and not _from_our_proxy(scope):
            device = None
        with serving(Browser.from_headers(agent, device)):
            await self.app(scope, receive, send)


def _from_our_proxy(scope: Scope) -> bool:
    """The peer is in `LKA_TRUSTED_PROXIES` (the networks lka_common.web put on the app's state)."""
    app = scope.get("app")
    trusted: Sequence[Network] = getattr(getattr(app, "state", None), "trusted_proxies", ())
    client = scope.get("client")
    try:
        peer = ipaddress.ip_address(client[0]) if client else None
    except ValueError:
        return False
    if isinstance(peer, ipaddress.IPv6Address) and peer.ipv4_mapped is not None:
        peer = peer.ipv4_mapped
    return peer is not None and any(peer in network for network in trusted)
