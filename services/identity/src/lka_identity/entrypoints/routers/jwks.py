"""`/.well-known/jwks.json`: the public keys that verify identity's access tokens (public)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from lka_identity.entrypoints.dependencies import ContextDep
from lka_identity.entrypoints.problem_docs import problems
from lka_identity.service_layer.context import utcnow

router = APIRouter(tags=["jwks"])

# Verifiers cache the document; one that meets an unknown key id fetches it again anyway.
CACHE_CONTROL = "public, max-age=60"


@router.get("/.well-known/jwks.json", responses=problems())
async def jwks(ctx: ContextDep, response: Response) -> dict[str, Any]:
    response.headers["Cache-Control"] = CACHE_CONTROL
    return await ctx.keys.jwks(utcnow())
