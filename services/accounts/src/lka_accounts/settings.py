"""Settings of the accounts service (env prefix `LKA_ACCOUNTS_`).

The link-attempt limits are docs/contract.md §2's defaults: three letters of a surname are a weak
secret, so failed attempts are capped per user (past it: 429) and per account (past it: every
attempt becomes a request for an operator; service_layer/limits.py) (docs/quality.md item 6).
"""

from __future__ import annotations

from pydantic import Field, model_validator

from lka_accounts.domain.payment_qr import Payee
from lka_common.settings import ServiceSettings

HOUR_S = 3600


class AccountsSettings(ServiceSettings):
    service_name = "accounts"

    http_port: int = 8002
    consumer_health_port: int = 8102
    relay_health_port: int = 8202

    link_failures_per_user: int = Field(10, ge=1)
    link_failures_per_account: int = Field(10, ge=1)
    link_failure_window_s: int = Field(HOUR_S, ge=60)

    # The supplier's requisites printed on every bill and encoded in its payment QR code
    # (docs/operations.md "Supplier requisites"). The defaults are plausible demo values, not
    # the supplier's real accounts: production sets every one of them.
    supplier_name: str = "ГУП РК «Крымэнерго»"
    supplier_inn: str = Field("9102057281", pattern=r"^\d{10}$")
    supplier_kpp: str = Field("910201001", pattern=r"^\d{9}$")
    supplier_bank_name: str = "РНКБ Банк (ПАО)"
    supplier_bic: str = Field("043510607", pattern=r"^\d{9}$")
    supplier_correspondent_account: str = Field("30101810335100000607", pattern=r"^\d{20}$")
    supplier_settlement_account: str = Field("40602810741000000001", pattern=r"^\d{20}$")
    supplier_address: str = "295034, Республика Крым, г. Симферополь, ул. Киевская, д. 74/6"
    supplier_phone: str = "+7 (3652) 59-91-00"

    # Scheduled work (lka_common.scheduler; docs/operations.md "Scheduled work"), run by the consumer
    # process: the debt reminder, daily on its cron schedule (Europe/Simferopol) and once at start,
    # in batches, one runner at a time across replicas.
    scheduler_enabled: bool = True
    scheduler_lease_s: float = Field(120.0, gt=0)
    reminder_schedule: str = "0 11 * * *"
    reminder_batch: int = Field(100, ge=1)
    # The rest after each batch, at least as long as the batch took (lka_common.scheduler.Job):
    # the subscribers' requests get the database in between; 0: batches back to back.
    reminder_pause_ms: int = Field(100, ge=0, le=10000)
    # docs/contract.md §4 "Reminders": an account owing more than this (kopecks: 1,000.00) this
    # many days after its latest bill's due date gets one reminder for that bill.
    debt_threshold_kopecks: int = Field(100_000, ge=0)
    debt_days_after_due: int = Field(10, ge=0, le=60)
    # Moves the jobs' clock on a development or test stack; refused in production.
    clock_offset_s: float = 0.0

    @model_validator(mode="after")
    def _clock_is_real_in_production(self) -> AccountsSettings:
        if self.environment == "production" and self.clock_offset_s:
            raise ValueError("LKA_ACCOUNTS_CLOCK_OFFSET_S is refused in production")
        return self

    @property
    def payee(self) -> Payee:
        return Payee(
            name=self.supplier_name,
            inn=self.supplier_inn,
            kpp=self.supplier_kpp,
            bank_name=self.supplier_bank_name,
            bic=self.supplier_bic,
            correspondent_account=self.supplier_correspondent_account,
            settlement_account=self.supplier_settlement_account,
            address=self.supplier_address,
            phone=self.supplier_phone,
        )
