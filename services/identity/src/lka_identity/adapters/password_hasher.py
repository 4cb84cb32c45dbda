"""argon2id hashing off the event loop (docs/quality.md item 1, docs/messaging.md "keep CPU work off the loop").

Hashes run on a small pool of threads of their own (argon2's C code releases the GIL), and a
semaphore of the same size admits them: a sign-in burst waits its turn without blocking the
loop, so probes, heartbeats and other requests are served meanwhile.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from argon2 import PasswordHasher as Argon2Hasher
from argon2 import Type
from argon2.exceptions import InvalidHashError, VerificationError

T = TypeVar("T")


@dataclass(frozen=True)
class Verdict:
    ok: bool
    # The stored hash was made with other parameters: hash the password again now.
    needs_rehash: bool = False


class PasswordHasher:
    def __init__(self, *, time_cost: int, memory_cost_kib: int, parallelism: int, concurrency: int) -> None:
        self._argon2 = Argon2Hasher(
            time_cost=time_cost, memory_cost=memory_cost_kib, parallelism=parallelism, type=Type.ID
        )
        self._executor = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="argon2")
        self._slots = asyncio.BoundedSemaphore(concurrency)
        # Checked when the address is unknown, so that answer takes as long as a wrong password.
        self._dummy_hash = self._argon2.hash(secrets.token_urlsafe(16))

    async def _off_loop(self, work: Callable[[], T]) -> T:
        async with self._slots:
            return await asyncio.get_running_loop().run_in_executor(self._executor, work)

    async def hash(self, password: str) -> str:
        return await self._off_loop(lambda: self._argon2.hash(password))

    async def verify(self, stored_hash: str | None, password: str) -> Verdict:
        """Check `password`; with no stored hash, spend the same time and say no."""
        target = stored_hash if stored_hash is not None else self._dummy_hash
        return await self._off_loop(lambda: self._verify(target, password, real=stored_hash is not None))

    def _verify(self, stored_hash: str, password: str, *, real: bool) -> Verdict:
        try:
            self._argon2.verify(stored_hash, password)
        except (VerificationError, InvalidHashError):
            return Verdict(ok=False)
        if not real:
            return Verdict(ok=False)
        return Verdict(ok=True, needs_rehash=self._argon2.check_needs_rehash(stored_hash))

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
