"""Settings of the payments service (env prefix `LKA_PAYMENTS_`).

The acquirer's credentials and callback key are secrets with development placeholders that
match the local emulator; `ServiceSettings` refuses them in production.
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field, SecretStr, model_validator

from lka_common.settings import ServiceSettings


class PaymentsSettings(ServiceSettings):
    service_name = "payments"

    http_port: int = 8004
    consumer_health_port: int = 8104
    relay_health_port: int = 8204

    # One payment at most this much (1,000,000 roubles by default): a typo guard, not a limit of the bank.
    payment_ceiling_kopecks: int = Field(100_000_000, gt=0)

    # RBS gateway (docs/acquiring.md); outbound calls go only to this base URL.
    rbs_base_url: str = "http://127.0.0.1:8090"
    rbs_user_name: SecretStr = SecretStr("change-me-rbs-user")
    rbs_password: SecretStr = SecretStr("change-me-rbs-password")
    rbs_callback_key: SecretStr = SecretStr("change-me-rbs-callback-key")
    rbs_timeout_s: float = Field(10.0, gt=0)
    rbs_session_timeout_s: int = Field(1200, ge=60)

    # 54-FZ receipt item (orderBundle): RBS codes; confirm them with the bank's fiscal set-up.
    receipt_tax_type: int = 10  # VAT 22 %, the general rate from 2026
    receipt_payment_method: int = 4  # full payment
    receipt_payment_object: int = 4  # a service

    # Reconciliation: pending orders polled with back-off; past their lifetime plus grace they expire.
    poll_first_s: float = Field(10.0, gt=0)
    poll_max_s: float = Field(300.0, gt=0)
    poll_interval_s: float = Field(2.0, gt=0)
    poll_batch: int = Field(20, ge=1)
    expiry_grace_s: int = Field(300, ge=0)

    # Scheduled work (lka_common.scheduler; docs/operations.md "Scheduled work"), run by the consumer
    # process: autopay on its cron schedule (Europe/Simferopol) and once at start, in batches, one
    # runner at a time across replicas (a lease lapsing after `scheduler_lease_s` if its runner dies).
    scheduler_enabled: bool = True
    scheduler_lease_s: float = Field(120.0, gt=0)
    autopay_schedule: str = "*/10 * * * *"
    autopay_batch: int = Field(20, ge=1)
    # Refunds (docs/contract.md §4 "Refunds"): above this a second person, a supervisor, approves.
    refund_approval_threshold_kopecks: int = Field(1_000_000, ge=0)
    # A pending refund whose bank answer never came (the process died, the bank did not answer) is
    # looked at again by the poller after this long: the bank's refunded amount says whether it went.
    refund_resume_after_s: float = Field(60.0, gt=0)
    # The day's reconciliation with the bank's registry, for the day before, every night.
    reconciliation_schedule: str = "30 3 * * *"
    # Where the bank's registry of a day is read: `{date}` is YYYY-MM-DD; an HTTP URL or `file://`.
    # Empty: the emulator's, beside the gateway it plays (`RBS_BASE_URL`/emulator/registry/{date});
    # a real bank's arrives by its own channel, set here where it lands.
    registry_url: str = ""
    # Moves the jobs' clock (what "today" is) on a development or test stack; refused in production.
    clock_offset_s: float = 0.0

    @model_validator(mode="after")
    def _clock_not_moved_in_production(self) -> PaymentsSettings:
        if self.environment == "production" and self.clock_offset_s:
            raise ValueError("LKA_PAYMENTS_CLOCK_OFFSET_S is refused in production")
        return self

    @property
    def registry_source(self) -> str:
        return self.registry_url or f"{self.rbs_base_url.rstrip('/')}/emulator/registry/{{date}}"

    @property
    def page_lifetime(self) -> timedelta:
        """How long the bank's card page of a payment lasts (`sessionTimeoutSecs` of its order)."""
        return timedelta(seconds=self.rbs_session_timeout_s)
