"""Authentication at the edge (docs/contract.md §2, docs/quality.md item 5): the token check in front of the proxy.

A routed call that is not public needs an access token (`Authorization: Bearer`, which
sessions.py also writes from the web front end's `__Host-lka_access` cookie), verified
with identity's JWKS and not revoked (lka_common.revocations); otherwise the caller gets a 401
problem document and the service never sees the call. The services verify the token again,
revocations included: the gateway is the first check, not the only one. What the gateway
verified goes on as `X-User-Id`, `X-User-Role` and `X-Session-Id`.
"""

from __future__ import annotations

from prometheus_client import Counter
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from lka_common.auth import bearer_token, session_ended, unauthorized
from lka_common.problems import Problem
from lka_common.revocations import RevocationFeed, RevocationList
from lka_gateway.headers import IDENTITY_SCOPE_KEY, USER_SCOPE_KEY
from lka_gateway.routes import Access, Route
from lka_gateway.settings import GatewaySettings
from lka_gateway.tokens import TokenCache, token_verifier

REFUSED = Counter("lka_gateway_auth_refused_total", "Calls refused by the token check", ["reason"])


class EdgeAuth:
    """The token check's parts and their life: the verified-token cache, the revocation
    list, and the feed that keeps the list current. Ready once the list has been loaded."""

    def __init__(self, settings: GatewaySettings) -> None:
        self.tokens = TokenCache(token_verifier(settings), settings.token_cache_size, settings.token_cache_s)
        self.revocations = RevocationList(keep_s=settings.access_token_ttl_s)
        self.feed = RevocationFeed(
            self.revocations,
            owner="gateway",
            amqp_url=settings.amqp_url,
            list_url=settings.revocations_url,
            retry_first_s=settings.revocations_retry_first_s,
            retry_max_s=settings.revocations_retry_max_s,
            timeout_s=settings.revocations_timeout_s,
        )

    async def start(self) -> None:
        await self.feed.start()

    async def close(self) -> None:
        await self.feed.close()

    @property
    def ready(self) -> bool:
        return self.feed.ready

    def guard(self, app: ASGIApp) -> ASGIApp:
        return TokenCheck(app, self.tokens, self.revocations)


class TokenCheck:
    """Plain ASGI, after routing: reads who may call from `scope["route"].access`."""

    def __init__(self, app: ASGIApp, tokens: TokenCache, revocations: RevocationList) -> None:
        self.app = app
        self.tokens = tokens
        self.revocations = revocations

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route: Route = scope["route"]
        if route.access is Access.PUBLIC:
            await self.app(scope, receive, send)
            return
        # The same reading as every service's, so both agree on the token: the header only
        # (sessions.py has made it from the session cookie, after the CSRF check).
        token = bearer_token(Request(scope))
        if token is None:
            if route.access is Access.OPTIONAL:
                await self.app(scope, receive, send)
                return
            await _refuse("missing", unauthorized(), scope, receive, send)
            return
        try:
            verified = await self.tokens.verify(token)
        except Problem as problem:
            await _refuse("invalid", problem, scope, receive, send)
            return
        principal = verified.principal
        if self.revocations.is_revoked(principal.user_id, principal.session_id, principal.issued_at):
            await _refuse("revoked", session_ended(), scope, receive, send)
            return
        scope[IDENTITY_SCOPE_KEY] = verified.headers
        scope[USER_SCOPE_KEY] = verified.user_key
        await self.app(scope, receive, send)


async def _refuse(reason: str, problem: Problem, scope: Scope, receive: Receive, send: Send) -> None:
    REFUSED.labels(reason).inc()
    await problem.response()(scope, receive, send)
