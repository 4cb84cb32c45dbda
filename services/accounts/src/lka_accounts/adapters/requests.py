"""Link requests (заявки): created by a subscriber, edited by them, decided by an operator."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import and_, delete, exists, func, insert, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from lka_accounts.adapters.tables import link_requests
from lka_accounts.domain.model import LinkRequest, RequestStatus
from lka_accounts.domain.proofs import LastPaymentProof, Proof, SurnameProof

# How many of an account's other requests an operator's card lists, the newest first.
HISTORY_SHOWN = 10


def _request(row: Any) -> LinkRequest:
    fields = dict(row._mapping)
    amount, letters = fields.pop("proof_amount_kopecks"), fields.pop("proof_letters")
    proof: Proof | None = None
    if amount is not None:
        proof = LastPaymentProof(amount)
    elif letters is not None:
        proof = SurnameProof(letters)
    return LinkRequest(**fields, proof=proof)


def proof_columns(proof: Proof | None) -> dict[str, Any]:
    """The two proof columns for a proof (one set, the other cleared)."""
    return {
        "proof_amount_kopecks": proof.amount_kopecks if isinstance(proof, LastPaymentProof) else None,
        "proof_letters": proof.letters if isinstance(proof, SurnameProof) else None,
    }


async def add(session: AsyncSession, request: LinkRequest) -> None:
    values = {k: v for k, v in vars(request).items() if k != "proof"}
    await session.execute(insert(link_requests).values(**values, **proof_columns(request.proof)))


async def get(
    session: AsyncSession, request_id: UUID, *, user_id: UUID | None = None, for_update: bool = False
) -> LinkRequest | None:
    """One request; with `user_id`, only if it is that user's (ownership checked in the query)."""
    query = select(link_requests).where(link_requests.c.id == request_id)
    if user_id is not None:
        query = query.where(link_requests.c.user_id == user_id)
    if for_update:
        query = query.with_for_update()
    row = (await session.execute(query)).first()
    return _request(row) if row else None


async def pending_for(session: AsyncSession, user_id: UUID, region_code: str, number: str) -> LinkRequest | None:
    row = (
        await session.execute(
            select(link_requests)
            .where(
                link_requests.c.user_id == user_id,
                link_requests.c.region_code == region_code,
                link_requests.c.number == number,
                link_requests.c.status == "pending",
            )
            .with_for_update()
        )
    ).first()
    return _request(row) if row else None


async def of_user(session: AsyncSession, user_id: UUID, limit: int, offset: int) -> list[LinkRequest]:
    rows = await session.execute(
        select(link_requests)
        .where(link_requests.c.user_id == user_id)
        .order_by(link_requests.c.created_at.desc(), link_requests.c.id)
        .limit(limit)
        .offset(offset)
    )
    return [_request(row) for row in rows]


async def by_status(session: AsyncSession, status: RequestStatus | None, limit: int, offset: int) -> list[LinkRequest]:
    query = select(link_requests)
    if status is not None:
        query = query.where(link_requests.c.status == status)
    rows = await session.execute(
        query.order_by(link_requests.c.created_at.desc(), link_requests.c.id).limit(limit).offset(offset)
    )
    return [_request(row) for row in rows]


async def of_accounts(
    session: AsyncSession, accounts: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], list[LinkRequest]]:
    """Each account's requests (region, number), any user's, newest first, at most
    `HISTORY_SHOWN` + 1 each (a caller leaves out the request it is showing)."""
    if not accounts:
        return {}
    newest = func.row_number().over(
        partition_by=(link_requests.c.region_code, link_requests.c.number),
        order_by=(link_requests.c.created_at.desc(), link_requests.c.id),
    )
    ranked = (
        select(link_requests, newest.label("rank"))
        .where(tuple_(link_requests.c.region_code, link_requests.c.number).in_(list(set(accounts))))
        .subquery()
    )
    rows = await session.execute(
        select(*[ranked.c[c.name] for c in link_requests.c])
        .where(ranked.c.rank <= HISTORY_SHOWN + 1)
        .order_by(ranked.c.region_code, ranked.c.number, ranked.c.rank)
    )
    found: dict[tuple[str, str], list[LinkRequest]] = {account: [] for account in accounts}
    for row in rows:
        found[(row.region_code, row.number)].append(_request(row))
    return found


async def change(session: AsyncSession, request_id: UUID, **values: Any) -> LinkRequest:
    """Update a request's fields and return it as it now is (a `proof` goes to its two columns)."""
    if "proof" in values:
        values.update(proof_columns(values.pop("proof")))
    row = (
        await session.execute(
            update(link_requests).where(link_requests.c.id == request_id).values(**values).returning(link_requests)
        )
    ).one()
    return _request(row)


async def move(session: AsyncSession, source: UUID, target: UUID) -> None:
    """Give the source user's requests to the target (a merge).

    A pending request of the source for an account the target is already asking for would be a
    second open request for the same account: it is dropped, the target's one stays.
    """
    theirs = link_requests.alias("theirs")
    duplicate = exists().where(
        and_(
            theirs.c.user_id == target,
            theirs.c.status == "pending",
            theirs.c.region_code == link_requests.c.region_code,
            theirs.c.number == link_requests.c.number,
        )
    )
    await session.execute(
        delete(link_requests).where(link_requests.c.user_id == source, link_requests.c.status == "pending", duplicate)
    )
    await session.execute(update(link_requests).where(link_requests.c.user_id == source).values(user_id=target))
