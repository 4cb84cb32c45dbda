"""Rate counters every gateway process shares (docs/contract.md §2 limits), kept in Redis.

Each caller has a GCRA bucket (the token bucket stored as one number: the moment the
bucket would be full again), updated by one Lua script: one key, one round trip per call,
atomic across replicas, timed by Redis's clock so replicas' clocks never disagree. When
Redis cannot be reached the process counts on its own (`LocalBuckets`, the same arithmetic)
and says so once in the log: a single replica keeps its limits, several would each allow
the full rate until Redis is back, which is tried again every `redis_retry_s`. The calls
go to Redis batched per turn of the event loop (redis_batch.py).
"""

from __future__ import annotations

import math
import time

import redis.asyncio as aioredis
import structlog
from redis.exceptions import RedisError

from lka_gateway.redis_batch import ScriptBatcher
from lka_gateway.settings import GatewaySettings, RateRule

log = structlog.get_logger(__name__)

# ARGV: milliseconds per call, milliseconds of burst beyond the first call. Returns 0 when
# the call may pass, else how many milliseconds until it could.
_GCRA = """
local t = redis.call('TIME')
local now = t[1] * 1000 + t[2] / 1000
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local wait = tat - tolerance - now
if wait > 0 then return math.ceil(wait) end
local next_tat = tat + interval
redis.call('SET', KEYS[1], string.format('%.3f', next_tat), 'PX', math.ceil(next_tat - now) + 1)
return 0
"""


def _gcra_args(rule: RateRule) -> tuple[float, float]:
    interval = 1000.0 / rule.rate
    return interval, interval * (rule.burst - 1)


class LocalBuckets:
    """The same buckets in this process's memory, for when Redis is out of reach."""

    # Above this many callers, buckets already full again are dropped before adding more.
    MAX_KEYS = 100_000

    def __init__(self) -> None:
        self._tat: dict[str, float] = {}

    def wait_ms(self, key: str, rule: RateRule) -> int:
        now = time.monotonic() * 1000
        interval, tolerance = _gcra_args(rule)
        tat = max(self._tat.get(key, now), now)
        wait = tat - tolerance - now
        if wait > 0:
            return math.ceil(wait)
        if len(self._tat) >= self.MAX_KEYS:
            self._tat = {k: v for k, v in self._tat.items() if v > now}
        self._tat[key] = tat + interval
        return 0


class SharedBuckets:
    """Redis buckets with the in-process fallback; a part of the app (started, closed)."""

    def __init__(self, settings: GatewaySettings) -> None:
        # A blocking pool: in a burst, calls wait briefly for a connection instead of
        # failing, which would look like an outage and switch the limits to local.
        pool = aioredis.BlockingConnectionPool.from_url(
            settings.redis_url,
            max_connections=settings.redis_pool_size,
            timeout=settings.redis_pool_timeout_s,
            socket_timeout=settings.redis_timeout_s,
            socket_connect_timeout=settings.redis_timeout_s,
        )
        self._redis = aioredis.Redis(connection_pool=pool)
        self._batcher = ScriptBatcher(self._redis, _GCRA)
        self._prefix = settings.rate_limit_prefix
        self._retry_s = settings.redis_retry_s
        self._local = LocalBuckets()
        # While now < this, Redis is known to be down and is not asked at all: a refused
        # connect on every call would cost more than the limit is worth.
        self._local_until = 0.0
        self._shared = True

    async def start(self) -> None:
        pass  # connections open on first use; a Redis down at start-up is the fallback's case

    async def close(self) -> None:
        await self._redis.aclose(close_connection_pool=True)

    @property
    def ready(self) -> bool:
        return True  # a Redis outage degrades the limits, it does not stop the gateway

    async def wait_ms(self, group: str, who: str, rule: RateRule) -> int:
        """0 when the call may pass, else the milliseconds until it could."""
        key = f"{self._prefix}{group}:{who}"
        if time.monotonic() >= self._local_until:
            try:
                result = await self._batcher.run(key, _gcra_args(rule))
            except (RedisError, OSError) as exc:
                self._went_local(exc)
            else:
                if not self._shared:
                    self._shared = True
                    log.warning("rate_limits_shared_again")
                return int(result)
        return self._local.wait_ms(key, rule)

    def _went_local(self, exc: BaseException) -> None:
        self._local_until = time.monotonic() + self._retry_s
        if self._shared:
            # Once per outage, not per call: the log states the mode, it does not count calls.
            self._shared = False
            log.warning("rate_limits_local", reason="redis unreachable", error=repr(exc))
