"""`GET /regions`: the supplier's districts and city districts (public)."""

from __future__ import annotations

from fastapi import APIRouter

from lka_accounts.entrypoints.problem_docs import problems
from lka_accounts.entrypoints.schemas import RegionOut
from lka_accounts.service_layer import queries
from lka_common.web import UowDep

router = APIRouter(tags=["regions"])


@router.get("/regions", response_model=list[RegionOut], responses=problems())
async def list_regions(uow: UowDep) -> list[RegionOut]:
    return [RegionOut(code=region.code, name=region.name) for region in await queries.regions(uow)]
