"""Settings base of every LKA process.

Each service subclasses `ServiceSettings`, names itself in `service_name` and gets the env
prefix `LKA_<SERVICE>_`. A few addresses are shared by the whole stack and read without the
service prefix as fallbacks (`LKA_POSTGRES_URL`, `LKA_AMQP_URL`, `LKA_REDIS_URL`,
`LKA_PUBLIC_BASE_URL`, `LKA_ENVIRONMENT`), so one variable moves every service at once.
`LKA_TRUSTED_PROXIES` is read only without a prefix, by the gateway and every service alike
(`trusted_proxies_field`): one setting decides the client address at every layer.
"""

from __future__ import annotations

import os
from typing import Any, ClassVar, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRET = "change-me"  # noqa: S105 - the marker of a placeholder, not a secret
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
DEFAULT_PUBLIC_BASE_URL = "http://127.0.0.1:8000"
# On a developer's machine the gateway calls the services from 127.0.0.1, and nothing else
# proxies anything: a caller from any other address (127.0.0.5 included) is believed about nothing.
DEFAULT_TRUSTED_PROXIES = ("127.0.0.1/32", "::1/128")
TRUSTED_PROXIES_ENV = "LKA_TRUSTED_PROXIES"

Environment = Literal["development", "test", "production"]


def shared_env(name: str, default: str) -> str:
    """A stack-wide setting: `LKA_<NAME>` or its localhost default."""
    return os.environ.get(f"LKA_{name}", default)


def trusted_proxies_field() -> Any:
    """The networks of our own proxies, whose `X-Forwarded-For` is believed
    (lka_common.client_address): a JSON list of CIDRs in `LKA_TRUSTED_PROXIES`, never under a
    process's own prefix, so the gateway and the services cannot disagree about who a caller
    is. A field of that name still takes a value in code (tests)."""
    return Field(default_factory=lambda: list(DEFAULT_TRUSTED_PROXIES), validation_alias=TRUSTED_PROXIES_ENV)


def service_database_url(service: str, server_url: str | None = None) -> str:
    """The service's own database on the stack's PostgreSQL server, as its own role."""
    server = urlsplit(server_url or shared_env("POSTGRES_URL", DEFAULT_POSTGRES_URL))
    host = server.hostname or "127.0.0.1"
    port = server.port or 5432
    role = f"lka_{service}"
    return f"postgresql+asyncpg://{role}:{role}@{host}:{port}/{role}"


class ServiceSettings(BaseSettings):
    """What every service process needs; subclasses add their own fields."""

    service_name: ClassVar[str] = ""
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    environment: Environment = "development"
    database_url: str = ""
    amqp_url: str = ""
    public_base_url: str = ""
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    # Worker processes (consumer, relay) answer probes on their own port.
    consumer_health_port: int = 0
    relay_health_port: int = 0
    log_level: str = "INFO"
    # Pools as shipped (docs/operations.md, "Connection budget"; `lka-dev` gives a development
    # stack smaller ones). Ten kept, none overflowing: SQLAlchemy closes an overflow connection
    # as soon as it is given back, and under load opening and closing them again costs the
    # database a share of a core and calls their acquire deadline (503s; docs/performance.md,
    # "The second round", item 11).
    db_pool_size: int = 10
    db_max_overflow: int = 0
    # A consumer's pool, and so how many messages it handles at once.
    db_consumer_pool_size: int = 3
    # `database_url` leads to a pooler in transaction mode (PgBouncer): no prepared statement
    # outlives its transaction, and no setting rides in the startup packet (db.py). The relay's
    # LISTEN, which a transaction pooler cannot carry, goes to `database_direct_url` instead.
    db_transaction_pooler: bool = False
    database_direct_url: str = ""
    # How this process's connections are named in pg_stat_activity (`lka_<service>` when empty);
    # `lka-dev` adds its stack's tag, which its connection budget counts by.
    db_application_name: str = ""
    db_pool_timeout_s: float = 2.0
    db_statement_timeout_ms: int = 5000
    db_connect_timeout_s: float = 2.0
    # An API request gets its connection (pool wait, pre-ping, connect) within this or answers
    # 503: a database that accepts but never answers (a hung server, a black-holing network)
    # made the pre-ping wait the command timeout, 503 only after 8 s (docs/drills.md, docs/quality.md item 13).
    db_acquire_timeout_s: float = 1.0
    max_body_bytes: int = 1024 * 1024
    trusted_proxies: list[str] = trusted_proxies_field()
    # Access tokens (auth.py): identity's JWKS, or a fixed JWKS document (JSON) for tests.
    jwks_url: str = "http://127.0.0.1:8001/api/v1/.well-known/jwks.json"
    jwks_json: str | None = None
    jwt_issuer: str = "lka-identity"
    jwt_audience: str = "lka"
    # Tokens identity revoked (lka_common.revocations): its list of those still in force,
    # loaded by each API process after subscribing to the events, and the back-off between
    # attempts to reach it or the broker (doubling from the first to the longest).
    revocations_url: str = "http://127.0.0.1:8001/api/v1/internal/revocations"
    revocations_retry_first_s: float = 0.5
    revocations_retry_max_s: float = 30.0
    revocations_timeout_s: float = 5.0
    # Identity's access-token lifetime: how long a revocation can still refuse a live token.
    access_token_ttl_s: int = 900
    relay_batch_size: int = 100
    relay_poll_interval_s: float = 1.0
    # Under load, how long a woken relay waits for more commits before taking a batch: one
    # batch's round trips then carry several rows (docs/performance.md). Idle, it waits none.
    relay_linger_s: float = 0.01
    consumer_prefetch: int = 20
    consumer_delivery_limit: int = 5

    @classmethod
    def env_prefix(cls) -> str:
        return f"LKA_{cls.service_name.upper()}_"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.service_name:
            cls.model_config = {**cls.model_config, "env_prefix": cls.env_prefix()}

    @model_validator(mode="before")
    @classmethod
    def _fill_shared_defaults(cls, values: Any) -> Any:
        if not isinstance(values, dict):
            return values
        values.setdefault("environment", shared_env("ENVIRONMENT", "development"))
        values.setdefault("amqp_url", shared_env("AMQP_URL", DEFAULT_AMQP_URL))
        values.setdefault("public_base_url", shared_env("PUBLIC_BASE_URL", DEFAULT_PUBLIC_BASE_URL))
        if cls.service_name:
            values.setdefault("database_url", service_database_url(cls.service_name))
        return values

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> ServiceSettings:
        if self.environment == "production":
            weak = [
                name
                for name, value in self
                if isinstance(value, SecretStr) and value.get_secret_value().startswith(PLACEHOLDER_SECRET)
            ]
            if weak:
                raise ValueError(f"placeholder secrets are refused in production: {', '.join(sorted(weak))}")
        return self

    @property
    def source(self) -> str:
        """The CloudEvents `source` of this service's events."""
        return f"/lka/{self.service_name}"
