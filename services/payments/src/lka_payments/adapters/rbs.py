"""The RBS / BPC gateway adapter (docs/acquiring.md): form posts to `…/payment/rest/*.do`, JSON answers.

Outbound calls go only to the configured base URL, with a total timeout and no redirects
followed: a redirect from the bank's API is an error, never somewhere to send credentials.
Every call is counted and timed by method and outcome (metrics.py).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any

import aiohttp

from lka_payments.adapters import metrics
from lka_payments.adapters.acquirer import Binding, BindingPayment, OrderRequest, RegisteredOrder, SbpQr
from lka_payments.domain.errors import AcquirerRefused, AcquirerUnavailable, CardNotFound
from lka_payments.domain.model import AcquirerOrder
from lka_payments.settings import PaymentsSettings

_UNSIGNED = {"checksum", "sign_alias"}
# errorCode 2 of the binding calls: no such (active) binding, or none for the client.
NO_BINDING = 2
# The size asked of the bank's own QR image; the portal draws its own SVG from the payload.
_QR_SIDE = "300"


def callback_checksum(params: Mapping[str, str], key: str) -> str:
    """HMAC-SHA256 of the sorted `name;value;` pairs but the checksum itself, upper-case hex."""
    signed = "".join(f"{name};{params[name]};" for name in sorted(params) if name not in _UNSIGNED)
    return hmac.new(key.encode(), signed.encode(), hashlib.sha256).hexdigest().upper()


def _observe(operation: str, started: float, outcome: str) -> None:
    metrics.ACQUIRER_LATENCY.labels(operation).observe(time.perf_counter() - started)
    metrics.ACQUIRER_REQUESTS.labels(operation, outcome).inc()


def _order(answer: dict[str, Any]) -> AcquirerOrder:
    """getOrderStatusExtended's answer as the service reads it."""
    card = answer.get("cardAuthInfo") or {}
    binding = answer.get("bindingInfo") or {}
    amounts = answer.get("paymentAmountInfo") or {}
    return AcquirerOrder(
        order_status=int(answer.get("orderStatus", -1)),
        action_code=int(answer.get("actionCode", 0)),
        amount=int(answer.get("amount", 0)),
        pan_masked=card.get("maskedPan") or None,
        approval_code=card.get("approvalCode") or None,
        payment_system=card.get("paymentSystem") or None,
        expiration=str(card.get("expiration") or "") or None,
        binding_id=binding.get("bindingId") or None,
        refunded_amount=int(amounts.get("refundedAmount") or 0),
    )


class RbsAcquirer:
    def __init__(self, settings: PaymentsSettings) -> None:
        self._base = settings.rbs_base_url.rstrip("/")
        self._credentials = {
            "userName": settings.rbs_user_name.get_secret_value(),
            "password": settings.rbs_password.get_secret_value(),
        }
        self._key = settings.rbs_callback_key.get_secret_value()
        self._timeout = aiohttp.ClientTimeout(total=settings.rbs_timeout_s)
        self._http: aiohttp.ClientSession | None = None

    def _session(self) -> aiohttp.ClientSession:
        """One session with a pool of keep-alive connections, made on first use (in the running
        loop). A session per call would open a new connection for every payment (against the
        bank, a TLS handshake too), a large share of the payments API's CPU (docs/performance.md,
        "The first round", item 5). Idle connections are dropped after 4 s, sooner than servers
        drop them (uvicorn 5 s, aiohttp 75 s), so a request rarely meets one being closed."""
        if self._http is None or self._http.closed:
            connector = aiohttp.TCPConnector(limit=50, keepalive_timeout=4.0)
            self._http = aiohttp.ClientSession(timeout=self._timeout, connector=connector)
        return self._http

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()

    async def _call(self, method: str, fields: dict[str, str]) -> dict[str, Any]:
        operation, started = method.removesuffix(".do"), time.perf_counter()
        try:
            answer = await self._answer(method, fields)
        except AcquirerUnavailable as exc:
            _observe(operation, started, "timeout" if isinstance(exc.__cause__, TimeoutError) else "error")
            raise
        # HTTP 200 is not success: errorCode absent or "0" is.
        code = str(answer.get("errorCode", "0"))
        _observe(operation, started, "ok" if code == "0" else "refused")
        if code != "0":
            raise AcquirerRefused(int(code) if code.lstrip("-").isdigit() else -1, str(answer.get("errorMessage", "")))
        return answer

    async def _answer(self, method: str, fields: dict[str, str]) -> dict[str, Any]:
        """The bank's JSON object, whatever its errorCode; AcquirerUnavailable without one."""
        try:
            async with self._session().post(
                f"{self._base}/payment/rest/{method}", data={**self._credentials, **fields}, allow_redirects=False
            ) as response:
                if response.status != 200:
                    raise AcquirerUnavailable(f"{method}: HTTP {response.status}")
                answer = json.loads(await response.read())
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise AcquirerUnavailable(f"{method}: {exc!r}") from exc
        if not isinstance(answer, dict):
            raise AcquirerUnavailable(f"{method}: not a JSON object")
        return answer

    async def register(self, request: OrderRequest) -> RegisteredOrder:
        answer = await self._call(
            "register.do",
            {
                "orderNumber": request.order_number,
                "amount": str(request.amount_kopecks),
                "currency": "643",
                "returnUrl": request.return_url,
                "failUrl": request.fail_url,
                "description": request.description,
                "language": "ru",
                "sessionTimeoutSecs": str(request.session_timeout_s),
                "dynamicCallbackUrl": request.callback_url,
                "orderBundle": json.dumps(request.bundle, ensure_ascii=False),
                **({"clientId": request.client_id} if request.client_id else {}),
            },
        )
        if not answer.get("orderId") or not answer.get("formUrl"):
            raise AcquirerUnavailable("register.do: no orderId or formUrl")
        return RegisteredOrder(str(answer["orderId"]), str(answer["formUrl"]))

    async def status(self, order_id: str) -> AcquirerOrder:
        return _order(await self._call("getOrderStatusExtended.do", {"orderId": order_id}))

    async def order_by_number(self, order_number: str) -> tuple[str, AcquirerOrder]:
        answer = await self._call("getOrderStatusExtended.do", {"orderNumber": order_number})
        # RBS names the order's id among its `attributes` when asked by number.
        attributes = {a.get("name"): a.get("value") for a in answer.get("attributes") or [] if isinstance(a, dict)}
        if not attributes.get("mdOrder"):
            raise AcquirerUnavailable("getOrderStatusExtended.do: no mdOrder attribute")
        return str(attributes["mdOrder"]), _order(answer)

    async def pay_with_binding(self, order_id: str, binding_id: str) -> BindingPayment:
        try:
            answer = await self._call("paymentOrderBinding.do", {"mdOrder": order_id, "bindingId": binding_id})
        except AcquirerRefused as exc:
            if exc.code == NO_BINDING:  # unbound or lapsed at the bank: the card is gone
                raise CardNotFound from exc
            raise
        # 3-D Secure: `acsUrl` (with `paReq`, `termUrl`) and `redirect`, the bank's page that takes
        # the browser to the challenge; without `acsUrl` the payment is decided already.
        if answer.get("acsUrl"):
            if not answer.get("redirect"):
                raise AcquirerUnavailable("paymentOrderBinding.do: acsUrl without redirect")
            return BindingPayment(str(answer["redirect"]))
        return BindingPayment(None)

    async def sbp_qr(self, order_id: str) -> SbpQr:
        answer = await self._call(
            "sbp/c2b/qr/dynamic/get.do", {"mdOrder": order_id, "qrHeight": _QR_SIDE, "qrWidth": _QR_SIDE}
        )
        if not answer.get("qrId") or not str(answer.get("payload", "")).startswith("https://"):
            raise AcquirerUnavailable("sbp/c2b/qr/dynamic/get.do: no qrId or payload")
        return SbpQr(str(answer["qrId"]), str(answer["payload"]))

    async def bindings(self, client_id: str) -> list[Binding]:
        try:
            answer = await self._call("getBindings.do", {"clientId": client_id})
        except AcquirerRefused as exc:
            if exc.code == NO_BINDING:  # a client without bindings is an error at RBS
                return []
            raise
        return [
            Binding(str(b["bindingId"]), str(b.get("maskedPan", "")), str(b.get("expiryDate", "")))
            for b in answer.get("bindings") or []
            if b.get("bindingId")
        ]

    async def unbind(self, binding_id: str) -> None:
        try:
            await self._call("unBindCard.do", {"bindingId": binding_id})
        except AcquirerRefused as exc:
            if exc.code != NO_BINDING:  # already unbound (or unknown) is what was wanted
                raise

    async def reverse(self, order_id: str) -> None:
        await self._call("reverse.do", {"orderId": order_id})

    async def refund(self, order_id: str, amount_kopecks: int) -> None:
        await self._call("refund.do", {"orderId": order_id, "amount": str(amount_kopecks)})

    def verify_callback(self, params: Mapping[str, str]) -> bool:
        given = params.get("checksum", "")
        expected = callback_checksum(params, self._key)
        # Constant time, so a forger learns nothing from how fast a guess is refused.
        return hmac.compare_digest(given.upper().encode(), expected.encode())
