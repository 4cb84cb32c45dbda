"""The staff's second factor at rest: the TOTP secret sealed, recovery codes as keyed hashes, and
the sign-in's second-step challenges (docs/security.md "The staff's second factor").

The TOTP secret must be read back to compute codes, so it cannot be hashed: it is sealed with
AES-256-GCM under a key derived (HKDF-SHA256, its own `info`) from the same key-encryption
secret that seals the signing keys, the user id as associated data (a sealed secret copied to
another profile does not open). A copy of the database without the settings opens none.

Recovery codes are only compared, so only an HMAC-SHA256 of each is stored, keyed from that
secret too (another `info`). A slow password hash is not needed: each code is 59 random bits, not
a person's choice, so there is no dictionary to try; the key means a copy of the table alone
cannot even be checked against guesses.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import delete, exists, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.expression import ColumnElement, Exists

from lka_identity.adapters.tables import mfa_challenges, recovery_codes, staff_factors

_NONCE_BYTES = 12
_SEAL_INFO = b"lka-identity totp-secret sealing v1"
_RECOVERY_INFO = b"lka-identity recovery-code hashing v1"


def _derive(secret: str, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret.encode())


class FactorKeys:
    """Seals TOTP secrets and hashes recovery codes with keys derived from the key-encryption secret."""

    def __init__(self, secret: str) -> None:
        self._aead = AESGCM(_derive(secret, _SEAL_INFO))
        self._recovery_key = _derive(secret, _RECOVERY_INFO)

    def seal(self, user_id: UUID, totp_secret: str) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, totp_secret.encode(), user_id.bytes)

    def open(self, user_id: UUID, sealed: bytes) -> str:
        """Raises `cryptography.exceptions.InvalidTag` under another secret or another user."""
        return self._aead.decrypt(sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], user_id.bytes).decode()

    def recovery_hash(self, user_id: UUID, normalised_code: str) -> str:
        message = user_id.bytes + normalised_code.encode()
        return hmac.new(self._recovery_key, message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Factor:
    user_id: UUID
    totp_secret_sealed: bytes
    last_used_step: int


@dataclass(frozen=True)
class Challenge:
    user_id: UUID
    expires_at: datetime
    failures: int
    ended_at: datetime | None

    def open_at(self, now: datetime) -> bool:
        return self.ended_at is None and self.expires_at > now


# --- The factor -------------------------------------------------------------------------------


async def factor_of(session: AsyncSession, user_id: UUID, *, for_update: bool = False) -> Factor | None:
    query = select(staff_factors).where(staff_factors.c.user_id == user_id)
    if for_update:
        query = query.with_for_update()
    row = (await session.execute(query)).first()
    return Factor(row.user_id, row.totp_secret_sealed, row.last_used_step) if row else None


async def enrol(session: AsyncSession, user_id: UUID, sealed: bytes, code_hashes: list[str], now: datetime) -> None:
    """The user's factor, new or replacing the old one, with a new set of recovery codes."""
    await session.execute(
        pg_insert(staff_factors)
        .values(user_id=user_id, totp_secret_sealed=sealed, enrolled_at=now, last_used_step=0)
        .on_conflict_do_update(
            index_elements=[staff_factors.c.user_id],
            set_={"totp_secret_sealed": sealed, "enrolled_at": now, "last_used_step": 0},
        )
    )
    await session.execute(delete(recovery_codes).where(recovery_codes.c.user_id == user_id))
    await session.execute(
        insert(recovery_codes),
        [{"user_id": user_id, "code_hash": h, "created_at": now} for h in code_hashes],
    )


async def remove(session: AsyncSession, user_id: UUID) -> None:
    """The factor and every recovery code: the next sign-in needs a new enrolment."""
    await session.execute(delete(recovery_codes).where(recovery_codes.c.user_id == user_id))
    await session.execute(delete(staff_factors).where(staff_factors.c.user_id == user_id))


async def mark_step(session: AsyncSession, user_id: UUID, step: int) -> None:
    await session.execute(update(staff_factors).where(staff_factors.c.user_id == user_id).values(last_used_step=step))


async def use_recovery_code(session: AsyncSession, user_id: UUID, code_hash: str, now: datetime) -> bool:
    """Spend the code if it is one of the user's and unused; False otherwise."""
    result = await session.execute(
        update(recovery_codes)
        .where(
            recovery_codes.c.user_id == user_id,
            recovery_codes.c.code_hash == code_hash,
            recovery_codes.c.used_at.is_(None),
        )
        .values(used_at=now)
        .returning(recovery_codes.c.code_hash)
    )
    return result.first() is not None


def enrolled_clause(user_id_column: ColumnElement[Any]) -> Exists:
    """SQL: the user of `user_id_column` has a second factor."""
    return exists().where(staff_factors.c.user_id == user_id_column)


# --- The second step's challenges --------------------------------------------------------------


async def add_challenge(
    session: AsyncSession, token_hash: str, user_id: UUID, now: datetime, expires_at: datetime
) -> None:
    await session.execute(
        insert(mfa_challenges).values(
            token_hash=token_hash, user_id=user_id, created_at=now, expires_at=expires_at, failures=0
        )
    )


async def challenge(session: AsyncSession, token_hash: str) -> Challenge | None:
    """The challenge, locked: two codes sent with one token are judged one after the other."""
    row = (
        await session.execute(select(mfa_challenges).where(mfa_challenges.c.token_hash == token_hash).with_for_update())
    ).first()
    return Challenge(row.user_id, row.expires_at, row.failures, row.ended_at) if row else None


async def count_failure(session: AsyncSession, token_hash: str, failures: int, ended_at: datetime | None) -> None:
    await session.execute(
        update(mfa_challenges)
        .where(mfa_challenges.c.token_hash == token_hash)
        .values(failures=failures, ended_at=ended_at)
    )


async def end_challenge(session: AsyncSession, token_hash: str, now: datetime) -> None:
    await session.execute(
        update(mfa_challenges)
        .where(mfa_challenges.c.token_hash == token_hash, mfa_challenges.c.ended_at.is_(None))
        .values(ended_at=now)
    )


async def end_challenges_of(session: AsyncSession, user_id: UUID, now: datetime) -> None:
    """Every open challenge of the user (disabled, or the factor reset)."""
    await session.execute(
        update(mfa_challenges)
        .where(mfa_challenges.c.user_id == user_id, mfa_challenges.c.ended_at.is_(None))
        .values(ended_at=now)
    )
