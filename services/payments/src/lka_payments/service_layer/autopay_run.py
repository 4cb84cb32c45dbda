"""The day's autopay (a job of lka_common.scheduler, run by the consumer process).

A run works for the supplier's date (its clock, Europe/Simferopol), in phases, each in batches of
`autopay_batch` accounts (a cursor in the run's state), every step a short transaction:

1. **resume**: attempts claimed and never settled (their runner died, or the bank could not be
   read) are finished first;
2. **attempts**: accounts whose day is today (the first attempt) or yesterday with that attempt
   failed (the retry), and `amount_due` > 0: min(due, cap) is claimed under the key (account,
   month, attempt), then paid with the saved card;
3. **reminders**: accounts whose day is 3 days ahead get a letter with the amount and the date,
   once per month (`autopay_notices`).

Paying an attempt: `register.do` with the attempt's own order number (its payment id), then
`paymentOrderBinding.do` without a browser, then the order's status. A resumed attempt asks the
bank first: `register.do` refuses the number it knows (errorCode 1), and the order found by that
number says whether it was paid already, so the bank never charges an attempt twice. The outcome,
its payment (and event) and the letter commit in one transaction guarded by the claim, so the
attempt is settled once whoever gets there. A card whose issuer asks for 3-D Secure cannot pay
unattended: the attempt fails (`authentication_required`). The second failure in a month turns
autopay off (`payments.autopay.disabled.v1`, and the letter says so).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import structlog
from sqlalchemy.engine import RowMapping

from lka_common.commands.notifications import SendLetter
from lka_common.events.payments import AutopayDisabled
from lka_common.faults import pause_point
from lka_common.money import format_kopecks
from lka_common.scheduler.runner import BatchResult, Job, RunContext
from lka_common.uow import UnitOfWork
from lka_payments.adapters import autopays, balances, cards, repository
from lka_payments.adapters.acquirer import Acquirer, OrderRequest
from lka_payments.domain import messages
from lka_payments.domain.autopay import (
    CARD_GONE,
    NEEDS_AUTHENTICATION,
    Autopay,
    DisabledReason,
    amount_to_charge,
    attempts_due,
    period_of,
    reminder_for,
    turns_off,
)
from lka_payments.domain.cards import client_id
from lka_payments.domain.errors import AcquirerRefused, AcquirerUnavailable, CardNotFound
from lka_payments.domain.model import IN_3DS, REGISTERED, AcquirerOrder, Outcome, decide
from lka_payments.domain.receipt import order_bundle
from lka_payments.service_layer.settlement import announce
from lka_payments.settings import PaymentsSettings

log = structlog.get_logger(__name__)

JOB_NAME = "payments.autopay"
DUPLICATE_ORDER_NUMBER = 1  # RBS register.do: this order number was registered before
PHASES = ("resume", "attempts", "reminders")
NO_ACCOUNT = uuid.UUID(int=0)  # the cursor before the first account


def autopay_job(settings: PaymentsSettings, uow_factory: Callable[[], UnitOfWork], acquirer: Acquirer) -> Job:
    work = AutopayRun(settings, uow_factory, acquirer)
    return Job(JOB_NAME, settings.autopay_schedule, work.batch)


class AutopayRun:
    def __init__(self, settings: PaymentsSettings, uow_factory: Callable[[], UnitOfWork], acquirer: Acquirer) -> None:
        self.settings = settings
        self.uow_factory = uow_factory
        self.acquirer = acquirer

    async def batch(self, context: RunContext) -> BatchResult:
        """One batch of the phase the run is in; `more` until the last phase runs dry."""
        phase = context.state.setdefault("phase", 0)
        step = {0: self._resume, 1: self._attempts, 2: self._reminders}[phase]
        items, failures, done = await step(context)
        if done:
            context.state["phase"], context.state["cursor"] = phase + 1, None
        return BatchResult(items, failures, more=not (done and phase == len(PHASES) - 1))

    # ------------------------------------------------------------------------ phases

    async def _resume(self, context: RunContext) -> tuple[int, int, bool]:
        async with self.uow_factory() as uow:
            rows = await autopays.claimed(uow.session, self.settings.autopay_batch, context.state.get("cursor"))
        failures = 0
        for row in rows:
            context.state["cursor"] = (row["account_id"], row["period"], row["attempt"])
            failures += not await self._pay(row, context.today)
        return len(rows), failures, len(rows) < self.settings.autopay_batch

    async def _attempts(self, context: RunContext) -> tuple[int, int, bool]:
        """Today's first attempts, then (the second pass of this phase) yesterday's retries."""
        today, retrying = context.today, context.state.get("retrying", False)
        day = today.day - 1 if retrying else today.day
        if day < 1:
            return self._next_pass(context, 0, 0, True)
        after = context.state.get("cursor") or NO_ACCOUNT
        async with self.uow_factory() as uow:
            due = await autopays.active_on_day(uow.session, day, after, self.settings.autopay_batch)
        items = failures = 0
        for autopay in due:
            context.state["cursor"] = autopay.account_id
            for attempt in attempts_due(today, autopay.day_of_month):
                charge = await self._claim(autopay, attempt.period, attempt.number)
                if charge is not None:
                    items += 1
                    failures += not await self._pay(charge, today)
        return self._next_pass(context, items, failures, len(due) < self.settings.autopay_batch)

    @staticmethod
    def _next_pass(context: RunContext, items: int, failures: int, dry: bool) -> tuple[int, int, bool]:
        if dry and not context.state.get("retrying"):
            context.state["retrying"], context.state["cursor"] = True, None
            return items, failures, False
        return items, failures, dry

    async def _reminders(self, context: RunContext) -> tuple[int, int, bool]:
        payday = reminder_for(context.today)
        after = context.state.get("cursor") or NO_ACCOUNT
        async with self.uow_factory() as uow:
            due = await autopays.active_on_day(uow.session, payday.day, after, self.settings.autopay_batch)
        sent = 0
        for autopay in due:
            context.state["cursor"] = autopay.account_id
            sent += await self._remind(autopay, payday)
        return sent, 0, len(due) < self.settings.autopay_batch

    # ------------------------------------------------------------------------ one account

    async def _remind(self, autopay: Autopay, payday: date) -> bool:
        async with self.uow_factory() as uow:
            due = await balances.due(uow.session, autopay.region_code, autopay.account_number)
            amount = amount_to_charge(due, autopay.max_amount_kopecks)
            if amount is None or not await autopays.note_sent(
                uow.session, autopay.account_id, period_of(payday), "reminder"
            ):
                return False
            params = {
                "account_number": autopay.account_number,
                "amount": format_kopecks(amount),
                "date": payday.strftime("%d.%m.%Y"),
            }
            letter = SendLetter(template="autopay_reminder", user_id=autopay.user_id, params=params)
            uow.publish(letter, str(autopay.user_id))
            await uow.commit()
        log.info("autopay_reminded", account_id=str(autopay.account_id), payday=payday.isoformat())
        return True

    async def _claim(self, autopay: Autopay, period: str, attempt: int) -> RowMapping | None:
        """Claim the attempt's key with today's amount; None when there is nothing to do (claimed
        before, the first attempt did not fail, nothing due) or the account is no longer the owner's."""
        async with self.uow_factory() as uow:
            session = uow.session
            if attempt == 2:
                first = await autopays.charge(session, autopay.account_id, period, 1)
                if first is None or first["status"] != "failed":
                    return None
            if await autopays.charge(session, autopay.account_id, period, attempt) is not None:
                return None
            if await repository.payable(session, autopay.account_id, autopay.user_id) is None:
                await self._turn_off(uow, autopay, "account_unlinked")
                await uow.commit()
                return None
            due = await balances.due(session, autopay.region_code, autopay.account_number)
            amount = amount_to_charge(due, autopay.max_amount_kopecks)
            if amount is None:
                return None
            values = dict(account_id=autopay.account_id, period=period, attempt=attempt, user_id=autopay.user_id)
            values.update(payment_id=uuid.uuid4(), card_id=autopay.card_id, amount_kopecks=amount)
            if not await autopays.claim(session, values):
                return None
            await uow.commit()
            claimed = await autopays.charge(session, autopay.account_id, period, attempt)
        log.info("autopay_claimed", account_id=str(autopay.account_id), period=period, attempt=attempt)
        return claimed

    async def _pay(self, charge: RowMapping, today: date) -> bool:
        """Pay a claimed attempt and settle it; False when it failed or its outcome is not known yet."""
        try:
            order_id, outcome = await self._ask_bank(charge)
        except (AcquirerUnavailable, AcquirerRefused) as exc:
            # Still claimed: the next run asks the bank again (by the order number, never twice).
            log.warning("autopay_bank_unavailable", account_id=str(charge["account_id"]), error=str(exc))
            return False
        if outcome is None:
            return False
        # Between the bank's answer and the commit: the drills kill the worker here.
        await pause_point("autopay_before_commit")
        return await self._settle(charge, order_id, outcome, today)

    async def _ask_bank(self, charge: RowMapping) -> tuple[str | None, Outcome | None]:
        async with self.uow_factory() as uow:
            card = await cards.own(uow.session, charge["user_id"], charge["card_id"])
            autopay = await autopays.of_account(uow.session, charge["account_id"])
        if card is None or autopay is None:
            return None, Outcome("failed", CARD_GONE)
        order_number = charge["payment_id"].hex
        try:
            order_id = (await self.acquirer.register(self._order(charge, autopay, order_number))).order_id
            order: AcquirerOrder | None = None
        except AcquirerRefused as exc:
            if exc.code != DUPLICATE_ORDER_NUMBER:
                raise
            order_id, order = await self.acquirer.order_by_number(order_number)  # a resumed attempt
        if order is None or order.order_status == REGISTERED:
            try:
                paid = await self.acquirer.pay_with_binding(order_id, card.binding_id)
            except CardNotFound:
                return order_id, Outcome("failed", CARD_GONE)
            if paid.challenge_url is not None:
                return order_id, Outcome("failed", NEEDS_AUTHENTICATION)
        order = await self.acquirer.status(order_id)
        if order.order_status == IN_3DS:
            return order_id, Outcome("failed", NEEDS_AUTHENTICATION)
        lifetime = timedelta(seconds=self.settings.rbs_session_timeout_s + self.settings.expiry_grace_s)
        now = charge["claimed_at"]
        return order_id, decide(charge["amount_kopecks"], charge["claimed_at"], order, now, lifetime)

    def _order(self, charge: RowMapping, autopay: Autopay, order_number: str) -> OrderRequest:
        base = self.settings.public_base_url.rstrip("/")
        kopecks = charge["amount_kopecks"]
        return OrderRequest(
            order_number=order_number,
            amount_kopecks=kopecks,
            return_url=f"{base}/payments/{charge['payment_id']}/result",
            fail_url=f"{base}/payments/{charge['payment_id']}/result",
            callback_url=f"{base}/api/v1/payments/acquirer/rbs/callback",
            description=f"Автоплатеж за электроэнергию, л/с № {autopay.account_number}",
            session_timeout_s=self.settings.rbs_session_timeout_s,
            bundle=order_bundle(
                None,
                [(autopay.account_number, kopecks)],
                self.settings.receipt_tax_type,
                self.settings.receipt_payment_method,
                self.settings.receipt_payment_object,
            ),
            client_id=client_id(charge["user_id"]),
        )

    async def _settle(self, charge: RowMapping, order_id: str | None, outcome: Outcome, today: date) -> bool:
        """The attempt's outcome, its payment and event, and the letters, in one transaction guarded by the claim."""
        succeeded = outcome.status == "succeeded"
        key = (charge["account_id"], charge["period"], charge["attempt"])
        async with self.uow_factory() as uow:
            session = uow.session
            if not await autopays.settle_charge(session, *key, "succeeded" if succeeded else "failed", outcome.reason):
                log.info("autopay_settled_elsewhere", account_id=str(key[0]), period=key[1], attempt=key[2])
                return succeeded
            autopay = await autopays.of_account(session, charge["account_id"])
            if order_id is not None and autopay is not None:
                await self._record_payment(uow, charge, autopay, order_id, outcome)
            turned_off = autopay is not None and turns_off(charge["attempt"], succeeded)
            if turned_off and autopay is not None:
                await self._turn_off(uow, autopay, "payment_failed")
            if autopay is not None:
                uow.publish(self._result_letter(charge, autopay, outcome, today, turned_off), str(autopay.user_id))
            await uow.commit()
        log.info("autopay_settled", account_id=str(key[0]), period=key[1], attempt=key[2], status=outcome.status)
        return succeeded

    async def _record_payment(
        self, uow: UnitOfWork, charge: RowMapping, autopay: Autopay, order_id: str, outcome: Outcome
    ) -> None:
        payment_id = charge["payment_id"]
        values: dict[str, Any] = dict(id=payment_id, user_id=charge["user_id"], account_id=charge["account_id"])
        values.update(region_code=autopay.region_code, account_number=autopay.account_number)
        values.update(
            amount_kopecks=charge["amount_kopecks"], method="card", save_card=False, card_id=charge["card_id"]
        )
        values.update(idempotency_key=f"autopay:{charge['account_id']}:{charge['period']}:{charge['attempt']}")
        values.update(request_fingerprint="autopay", order_number=payment_id.hex, acquirer_order_id=order_id)
        values.update(confirmation_url=None, payer_email=None)
        await repository.add(uow.session, values, self.settings.poll_first_s)
        moved = await repository.transition(uow.session, payment_id, outcome)
        if moved is not None:
            announce(uow, moved, receipt=False)  # the autopay letter is its receipt

    async def _turn_off(self, uow: UnitOfWork, autopay: Autopay, reason: DisabledReason) -> None:
        if await autopays.disable(uow.session, autopay.account_id, reason) is None:
            return
        uow.publish(
            AutopayDisabled(
                account_id=autopay.account_id,
                region_code=autopay.region_code,
                account_number=autopay.account_number,
                user_id=autopay.user_id,
                reason=reason,
            ),
            str(autopay.account_id),
        )
        log.info("autopay_turned_off", account_id=str(autopay.account_id), reason=reason)

    @staticmethod
    def _result_letter(
        charge: RowMapping, autopay: Autopay, outcome: Outcome, today: date, turned_off: bool
    ) -> SendLetter:
        succeeded = outcome.status == "succeeded"
        retry = not succeeded and not turned_off
        params = {
            "account_number": autopay.account_number,
            "amount": format_kopecks(charge["amount_kopecks"]),
            "date": today.strftime("%d.%m.%Y"),
            "succeeded": succeeded,
            "reason": ""
            if succeeded
            else messages.FAILURES.get(outcome.reason or "declined", messages.FAILURES["declined"]),
            "retry_date": (today + timedelta(days=1)).strftime("%d.%m.%Y") if retry else "",
            "turned_off": turned_off,
        }
        return SendLetter(template="autopay_result", user_id=autopay.user_id, params=params)
