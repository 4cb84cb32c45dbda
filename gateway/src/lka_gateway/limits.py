"""Rate limits at the edge (docs/contract.md §2, docs/quality.md item 6): a caller over its rate gets a 429 with
`Retry-After` and the service never sees the call.

Signed-in callers are counted per user (so after the token check, which says who they
are), everyone else per client address, as the router decided it for the call
(lka_common.client_address: a client that writes `X-Forwarded-For` itself changes nothing).
"""

from __future__ import annotations

import math

from prometheus_client import Counter
from starlette.types import ASGIApp, Receive, Scope, Send

from lka_common.problems import Problem
from lka_gateway.headers import CLIENT_SCOPE_KEY, USER_SCOPE_KEY
from lka_gateway.rate_buckets import SharedBuckets
from lka_gateway.settings import GatewaySettings

LIMITED = Counter("lka_gateway_rate_limited_total", "Calls refused over a rate limit", ["group"])
ANONYMOUS, SIGNED_IN = "anonymous", "signed_in"


class RateLimits:
    """The limits' part of the app: the shared buckets and the rules by group."""

    def __init__(self, settings: GatewaySettings) -> None:
        self.buckets = SharedBuckets(settings)
        self.rules = settings.rate_limits

    async def start(self) -> None:
        await self.buckets.start()

    async def close(self) -> None:
        await self.buckets.close()

    @property
    def ready(self) -> bool:
        return self.buckets.ready

    def guard(self, app: ASGIApp) -> ASGIApp:
        return RateCheck(app, self)


class RateCheck:
    """Plain ASGI, after the token check: reads the verified user from the scope."""

    def __init__(self, app: ASGIApp, limits: RateLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        user = scope.get(USER_SCOPE_KEY)
        if user is not None:
            group, who = SIGNED_IN, user
        else:
            group, who = ANONYMOUS, scope[CLIENT_SCOPE_KEY]
        rule = self.limits.rules.get(group)
        if rule is not None:
            wait_ms = await self.limits.buckets.wait_ms(group, who, rule)
            if wait_ms:
                LIMITED.labels(group).inc()
                # Whole seconds, rounded up: a caller that waits as told is let through.
                retry_after = str(max(1, math.ceil(wait_ms / 1000)))
                await Problem(429, headers={"Retry-After": retry_after}).response()(scope, receive, send)
                return
        await self.app(scope, receive, send)
