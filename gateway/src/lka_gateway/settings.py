"""Settings of the gateway process (env prefix `LKA_GATEWAY_`)."""

from __future__ import annotations

from pydantic import BaseModel, Field, PositiveFloat, PositiveInt, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from lka_common.settings import DEFAULT_AMQP_URL, DEFAULT_REDIS_URL, shared_env, trusted_proxies_field

JWKS_PATH = "/api/v1/.well-known/jwks.json"
REVOCATIONS_PATH = "/api/v1/internal/revocations"


class RateRule(BaseModel):
    """A sustained rate per second and how many calls may come at once (the bucket size)."""

    rate: PositiveFloat
    burst: PositiveInt


def _default_rate_limits() -> dict[str, RateRule]:
    # docs/contract.md §2: anonymous callers per client address, signed-in ones per user.
    return {"anonymous": RateRule(rate=20, burst=100), "signed_in": RateRule(rate=50, burst=50)}


class GatewaySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LKA_GATEWAY_", extra="ignore", populate_by_name=True)

    host: str = "127.0.0.1"
    port: int = 8000
    # `/metrics` is served here only, by a listener of its own in the same process, never on
    # the public port: the numbers tell an outsider about traffic and failures. On `host`.
    metrics_port: int = 8100
    log_level: str = "INFO"
    # One log line per call, from the shared request middleware. Off by default: it costs a
    # large share of the gateway's throughput (docs/benchmarks.md, "What ships, and why"), and
    # each service behind logs the same call under the same X-Request-ID. Failures are logged
    # either way.
    log_each_call: bool = False

    identity_url: str = "http://127.0.0.1:8001"
    accounts_url: str = "http://127.0.0.1:8002"
    readings_url: str = "http://127.0.0.1:8003"
    payments_url: str = "http://127.0.0.1:8004"
    notifications_url: str = "http://127.0.0.1:8005"

    # A service that cannot even accept a connection within this is reported as unavailable.
    connect_timeout_s: float = 2.0
    # Waiting for a free pooled connection plus connecting; bounded so an overloaded gateway
    # answers 503 instead of queueing callers without end.
    pool_timeout_s: float = 5.0
    # Longest silence from a service, waiting for its answer or between two chunks of it.
    read_timeout_s: float = 30.0
    # Longest whole exchange with a service, body included.
    total_timeout_s: float = 60.0
    # Connections kept per service; sized to the concurrency served, since a call waiting for
    # a pooled connection is what makes p99 grow (docs/quality.md, the database figures).
    upstream_pool_size: int = 100
    # Below uvicorn's 5 s keep-alive in the services, so the gateway drops an idle
    # connection before the service does and never reuses one that is being closed.
    upstream_keepalive_s: float = 4.0

    max_body_bytes: int = 1024 * 1024
    # The upload routes' bodies (routes.UPLOAD_ROUTES): an appeal's three files of 5 MiB, its
    # text and the multipart framing; the service refuses a single file over 5 MiB itself.
    upload_max_body_bytes: int = 16 * 1024 * 1024

    # Rate limits by group of callers (JSON in the environment); a group left out is not limited.
    rate_limits: dict[str, RateRule] = Field(default_factory=_default_rate_limits)
    # Where the replicas count together; the stack-wide LKA_REDIS_URL unless set here.
    redis_url: str = Field(default_factory=lambda: shared_env("REDIS_URL", DEFAULT_REDIS_URL))
    rate_limit_prefix: str = "lka:gateway:rate:"
    # A slower Redis is treated as down: the limit must never cost more than the call.
    redis_timeout_s: float = 0.25
    redis_retry_s: float = 5.0
    # Connections per process, and how long a call waits for one in a burst before the
    # limits count locally for `redis_retry_s` (an overload, not an outage, but as costly).
    redis_pool_size: int = 50
    redis_pool_timeout_s: float = 1.0
    # Our proxies, whose X-Forwarded-For is believed (docs/contract.md §2): the stack-wide
    # LKA_TRUSTED_PROXIES, the same networks every service trusts (lka_common.client_address).
    trusted_proxies: list[str] = trusted_proxies_field()

    # Origins granted CORS, exactly as browsers send them ("https://lk.example.ru"); none by
    # default: the web app is served from the gateway's own origin and needs no grant.
    cors_origins: list[str] = Field(default_factory=list)
    # How long the browser keeps the refresh and CSRF cookies: identity's refresh-token life.
    session_cookie_max_age_s: int = 30 * 24 * 3600
    # The services' OpenAPI documents: each fetch's limit, and the pause before asking a
    # service that had not answered again.
    openapi_timeout_s: float = 5.0
    openapi_retry_s: float = 5.0
    # `GET /operator/jobs` asks several services (jobs.py): one that has not answered within
    # this is reported unavailable, and the others' runs are shown without waiting for it.
    jobs_timeout_s: PositiveFloat = 5.0
    # The built web front end (`npm run build` in web/), served at `/`; relative to the
    # working directory, which is the repository's root under `make run`.
    web_dir: str = "web/dist"
    # True when TLS terminates in front of the gateway: only then is HSTS sent.
    tls_in_front: bool = False

    # Access tokens (docs/contract.md §2): identity's JWKS, by default where identity_url says identity
    # is (so a stack on other ports needs no second address), or a fixed JWKS document (JSON).
    jwks_url: str = ""
    jwks_json: str | None = None
    jwt_issuer: str = "lka-identity"
    jwt_audience: str = "lka"
    # Identity's access-token lifetime: how long a revocation can still refuse a live token.
    access_token_ttl_s: float = 900.0
    # Verified tokens remembered, each for at most this long (and never past its `exp`).
    token_cache_size: int = 10_000
    token_cache_s: float = 60.0

    # The broker the revocation events come from; the stack-wide LKA_AMQP_URL unless set here.
    amqp_url: str = Field(default_factory=lambda: shared_env("AMQP_URL", DEFAULT_AMQP_URL))
    # Back-off between attempts to reach the broker or identity's list: doubles up to this.
    revocations_retry_first_s: float = 0.5
    revocations_retry_max_s: float = 30.0
    revocations_timeout_s: float = 5.0

    @model_validator(mode="after")
    def _jwks_from_identity(self) -> GatewaySettings:
        if not self.jwks_url:
            self.jwks_url = self.identity_url.rstrip("/") + JWKS_PATH
        return self

    @property
    def revocations_url(self) -> str:
        return self.identity_url.rstrip("/") + REVOCATIONS_PATH

    def upstreams(self) -> dict[str, str]:
        """Base URL of each service by the name the routing table uses."""
        return {
            "identity": self.identity_url.rstrip("/"),
            "accounts": self.accounts_url.rstrip("/"),
            "readings": self.readings_url.rstrip("/"),
            "payments": self.payments_url.rstrip("/"),
            "notifications": self.notifications_url.rstrip("/"),
        }
