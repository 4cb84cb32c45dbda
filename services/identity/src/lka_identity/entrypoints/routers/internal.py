"""`/internal/revocations`: for the gateway's start-up, the session revocations still in force.

Never routed by the gateway (docs/contract.md §2): only the services' own network reaches it. After
start-up the gateway keeps its list current from `identity.session.revoked.v1`.
"""

from __future__ import annotations

from fastapi import APIRouter

from lka_common.web import UowDep
from lka_identity.entrypoints.dependencies import ContextDep
from lka_identity.entrypoints.problem_docs import problems
from lka_identity.entrypoints.schemas import RevocationOut
from lka_identity.service_layer.context import utcnow
from lka_identity.service_layer.sessions import revocations_in_force

router = APIRouter(prefix="/internal", tags=["internal"])


@router.get("/revocations", response_model=list[RevocationOut], responses=problems())
async def revocations(uow: UowDep, ctx: ContextDep) -> list[RevocationOut]:
    found = await revocations_in_force(uow, ctx, utcnow())
    return [RevocationOut(user_id=r.user_id, session_id=r.session_id, revoked_at=r.revoked_at) for r in found]
