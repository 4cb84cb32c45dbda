"""Signed callbacks to the merchant's `dynamicCallbackUrl`, retried until answered 200.

The mode (`PUT /emulator/settings`) lets tests lose callbacks (`off`), repeat them
(`duplicate`) or forge them (`bad_checksum`), the ways a real bank's callbacks go wrong.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Literal

import aiohttp
import structlog

from lka_acquirer_emulator.checksum import checksum
from lka_acquirer_emulator.orders import DECLINED, PAID, REFUNDED, REVERSED, SESSION_EXPIRED, Order
from lka_acquirer_emulator.settings import EmulatorSettings

log = structlog.get_logger(__name__)

CallbackMode = Literal["on", "off", "duplicate", "bad_checksum"]


@dataclass
class CallbackSettings:
    mode: CallbackMode = "on"
    delay_ms: int = 0


def operation_of(order: Order) -> tuple[str, int]:
    """RBS's `operation` and `status` (1 ok, 0 failed) for the order's latest change."""
    if order.status == PAID:
        return "deposited", 1
    if order.status == REVERSED:
        return "reversed", 1
    if order.status == REFUNDED or order.refunded_amount:
        return "refunded", 1
    if order.status == DECLINED and order.action_code == SESSION_EXPIRED:
        return "declinedByTimeout", 0
    return "deposited", 0


class CallbackSender:
    def __init__(self, settings: EmulatorSettings) -> None:
        self._settings = settings
        self.control = CallbackSettings()
        self._tasks: set[asyncio.Task[None]] = set()

    def send(self, order: Order, *, forced: bool = False) -> None:
        """Schedule the callback of the order's current state (`forced`: even when off)."""
        if not order.callback_url or (self.control.mode == "off" and not forced):
            return
        operation, status = operation_of(order)
        params = {
            "mdOrder": order.md_order,
            "orderNumber": order.order_number,
            "operation": operation,
            "status": str(status),
            "amount": str(order.amount),
        }
        params["checksum"] = checksum(params, self._settings.callback_key)
        if self.control.mode == "bad_checksum":
            params["checksum"] = "0" * 64
        copies = 2 if self.control.mode == "duplicate" else 1
        for _ in range(copies):
            task = asyncio.create_task(self._deliver(order, params, self.control.delay_ms / 1000))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _deliver(self, order: Order, params: dict[str, str], delay_s: float) -> None:
        await asyncio.sleep(delay_s)
        pause = self._settings.callback_first_retry_s
        timeout = aiohttp.ClientTimeout(total=self._settings.callback_timeout_s)
        for attempt in range(1, self._settings.callback_max_attempts + 1):
            status = 0
            try:
                async with (
                    aiohttp.ClientSession(timeout=timeout) as http,
                    http.get(order.callback_url, params=params, allow_redirects=False) as response,
                ):
                    status = response.status
            except (aiohttp.ClientError, TimeoutError) as exc:
                log.info("callback_unanswered", md_order=order.md_order, attempt=attempt, error=repr(exc))
            order.callbacks.append({"operation": params["operation"], "attempt": attempt, "http_status": status})
            if status == 200:
                return
            await asyncio.sleep(pause)
            pause = min(pause * 2, 5.0)
        log.warning("callback_given_up", md_order=order.md_order)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
